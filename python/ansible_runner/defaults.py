"""Package-wide default values (the names consumers and upstream's tests look up or patch)."""

# Container engine used when process isolation is on and none is named.
default_process_isolation_executable = 'podman'
# Image used for containerized jobs when none is given (the 2.3.1 default).
default_container_image = 'quay.io/ansible/ansible-runner:devel'
# Prefix of the temp dirs holding a job's container registry credentials; `worker cleanup`
# finds them as <tmp>/<prefix><ident>_*.
registry_auth_prefix = 'ansible_runner_registry_'

# `ansible-runner worker cleanup --grace-period`, in minutes.
GRACE_PERIOD_DEFAULT = 60

# Private data dirs created when the caller gives none: tempfile.mkdtemp(prefix=AUTO_CREATE_NAMING,
# dir=AUTO_CREATE_DIR); None means the system temp dir.
AUTO_CREATE_NAMING = '.ansible-runner-'
AUTO_CREATE_DIR = None

"""BaseConfig: what every job configuration shares (the reference's config/_base.py). It keeps
the keyword arguments as attributes, as consumers read and set them; the resolving work (env
files, environment, command line, container wrapping) is the native core's, which prepare
methods call and whose answer they store back as attributes."""
import os
import re
import tempfile
from enum import Enum
from uuid import uuid4

from ansible_runner import defaults
from ansible_runner.exceptions import ConfigurationError
from ansible_runner.loader import ArtifactLoader
from ansible_runner.utils import open_fifo_write  # noqa: F401  (patched through this module)



def _pexpect_sentinels():
    """The reference keys expect_passwords by pexpect's TIMEOUT and EOF; pexpect is optional
    for us and slow to import, so it is looked up only when a job is prepared."""
    try:
        from pexpect import TIMEOUT, EOF
    except ImportError:  # pragma: no cover
        return _TIMEOUT, _EOF
    return TIMEOUT, EOF


class _Sentinel(object):
    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return self._name


_TIMEOUT, _EOF = _Sentinel('TIMEOUT'), _Sentinel('EOF')


class BaseExecutionMode(Enum):
    NONE = 0
    ANSIBLE_COMMANDS = 1
    GENERIC_COMMANDS = 2


# Fields of a prepared job that the native runner reads back; see _native_fields().
_NATIVE_FIELDS = ('command', 'cwd', 'env', 'spawn_cwd', 'spawn_env', 'env_list', 'job_timeout', 'idle_timeout',
                  'pexpect_timeout', 'suppress_output_file', 'suppress_ansible_output', 'json_mode',
                  'check_job_event_data', 'rotate_artifacts', 'ssh_key_fifo', 'fact_cache_type', 'containerized',
                  'sandboxed', 'container_name', 'process_isolation_executable', 'settings', 'cleanup_paths')


class BaseConfig(object):

    _CONTAINER_ENGINES = ('docker', 'podman')

    def __init__(self, private_data_dir=None, host_cwd=None, envvars=None, passwords=None, settings=None,
                 project_dir=None, artifact_dir=None, fact_cache_type='jsonfile', fact_cache=None,
                 process_isolation=False, process_isolation_executable=None,
                 container_image=None, container_volume_mounts=None, container_options=None, container_workdir=None,
                 container_auth_data=None, ident=None, rotate_artifacts=0, timeout=None, ssh_key=None, quiet=False,
                 json_mode=False, check_job_event_data=False, suppress_env_files=False):
        self.host_cwd = host_cwd
        self.envvars = envvars
        self.ssh_key_data = ssh_key
        self.process_isolation = process_isolation
        self.process_isolation_executable = process_isolation_executable or defaults.default_process_isolation_executable
        self.container_image = container_image or defaults.default_container_image
        self.container_volume_mounts = container_volume_mounts
        self.container_workdir = container_workdir
        self.container_auth_data = container_auth_data
        self.registry_auth_path = None
        self.container_name = None  # known after prepare
        self.container_options = container_options
        self.rotate_artifacts = rotate_artifacts
        self.quiet = quiet
        self.json_mode = json_mode
        self.passwords = passwords
        self.settings = settings
        self.timeout = timeout
        self.check_job_event_data = check_job_event_data
        self.suppress_env_files = suppress_env_files
        self._prepared = None

        if private_data_dir:
            self.private_data_dir = os.path.abspath(private_data_dir)
            os.makedirs(self.private_data_dir, exist_ok=True, mode=0o700)
        else:
            self.private_data_dir = tempfile.mkdtemp(prefix=defaults.AUTO_CREATE_NAMING, dir=defaults.AUTO_CREATE_DIR)

        self._artifact_root = os.path.abspath(artifact_dir) if artifact_dir is not None else None
        self.ident = str(uuid4()) if ident is None else ident
        self.artifact_dir = os.path.join(self._artifact_root or os.path.join(self.private_data_dir, 'artifacts'),
                                         "{}".format(self.ident))
        self.project_dir = project_dir or os.path.join(self.private_data_dir, 'project')
        self._project_dir_given = bool(project_dir)
        self.fact_cache_type = fact_cache_type
        self._fact_cache_name = fact_cache
        self.fact_cache = (os.path.join(self.artifact_dir, fact_cache or 'fact_cache')
                           if self.fact_cache_type == 'jsonfile' else None)
        self.loader = ArtifactLoader(self.private_data_dir)
        if self.host_cwd:
            self.host_cwd = os.path.abspath(self.host_cwd)
            self.cwd = self.host_cwd
        else:
            self.cwd = os.getcwd()
        self.env = {}
        self.command = []
        self.expect_passwords = {}
        self.job_timeout = None
        self.idle_timeout = None
        self.pexpect_timeout = 5
        self.pexpect_use_poll = True
        self.suppress_output_file = False
        self.suppress_ansible_output = quiet
        os.makedirs(self.artifact_dir, exist_ok=True, mode=0o700)

    @property
    def containerized(self):
        return bool(self.process_isolation) and self.process_isolation_executable in self._CONTAINER_ENGINES

    def _base_kwargs(self):
        """The shared keyword arguments, as the native core reads them."""
        return dict(
            private_data_dir=self.private_data_dir, host_cwd=self.host_cwd, envvars=self.envvars,
            passwords=self.passwords, settings=self.settings,
            project_dir=self.project_dir if self._project_dir_given else None,
            artifact_dir=self._artifact_root, fact_cache_type=self.fact_cache_type, fact_cache=self._fact_cache_name,
            process_isolation=self.process_isolation,
            process_isolation_executable=self.process_isolation_executable,
            container_image=self.container_image, container_volume_mounts=self.container_volume_mounts,
            container_options=self.container_options, container_workdir=self.container_workdir,
            container_auth_data=self.container_auth_data, ident=self.ident, rotate_artifacts=self.rotate_artifacts,
            timeout=self.timeout, ssh_key=self.ssh_key_data, quiet=self.quiet, json_mode=self.json_mode,
            check_job_event_data=self.check_job_event_data, suppress_env_files=self.suppress_env_files)

    def _apply_prepared(self, fields):
        """Stores the native core's resolved job as attributes."""
        self._prepared = dict(fields)
        self.command = fields['command']
        self.cwd = fields['cwd']
        self.env = fields['env']
        self.settings = fields['settings']
        self.job_timeout = fields['job_timeout']
        self.idle_timeout = fields['idle_timeout']
        self.pexpect_timeout = fields['pexpect_timeout']
        self.suppress_output_file = fields['suppress_output_file']
        self.suppress_ansible_output = fields['suppress_ansible_output']
        self.json_mode = fields['json_mode']
        self.container_name = fields['container_name']
        self.artifact_dir = fields['artifact_dir']
        self.ident = fields['ident']
        if fields.get('fact_cache_dir') and self.fact_cache_type == 'jsonfile':
            self.fact_cache = fields['fact_cache_dir']
        self.expect_passwords = {re.compile(pattern, re.M): answer for pattern, answer in fields['passwords']}
        timeout, eof = _pexpect_sentinels()
        self.expect_passwords[timeout] = None
        self.expect_passwords[eof] = None

    def _native_fields(self):
        """The job as the native runner takes it: what prepare resolved, overridden by the
        attributes a caller may have set since (or set instead of calling prepare)."""
        fields = dict(self._prepared or {})
        for name in _NATIVE_FIELDS:
            if hasattr(self, name) and not callable(getattr(self, name)):
                value = getattr(self, name)
                if name in ('containerized', 'sandboxed') and value is None:
                    continue
                fields[name] = value
        fields.update(private_data_dir=self.private_data_dir, ident=str(self.ident), artifact_dir=self.artifact_dir,
                      project_dir=self.project_dir)
        if self.fact_cache_type == 'jsonfile' and self.fact_cache:
            fields['fact_cache_dir'] = self.fact_cache
        fields['env'] = {str(k): str(v) for k, v in (self.env or {}).items()}
        fields['passwords'] = [[key.pattern, answer] for key, answer in (self.expect_passwords or {}).items()
                               if hasattr(key, 'pattern')]
        if not self.containerized:
            fields.pop('spawn_env', None)
            fields.pop('spawn_cwd', None)
        return fields

    def _prepare_command_job(self, argv, ansible_command):
        """Resolves env, cwd and any container wrapping of a helper's command line natively
        and stores them (the reference's _prepare_env + _handle_command_wrap)."""
        kwargs = self._base_kwargs()
        for name in ('input_fd', 'output_fd', 'error_fd'):
            value = getattr(self, name, None)
            if isinstance(value, int):
                kwargs[name] = value
        kwargs['runner_mode'] = self.runner_mode
        fields = _native().prepare_command(kwargs, list(argv), ansible_command, self.runner_mode)
        self._apply_prepared(fields)
        self.subprocess_timeout = fields.get('subprocess_timeout')
        if self.runner_mode != 'pexpect':
            self.expect_passwords = {}


def _native():
    from ansible_runner import _native as module
    return module

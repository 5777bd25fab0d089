# Sourced by the scripts that use containers (scripts/ee-image.sh, the container tests' set-up).
# Installs podman, runc and mmdebstrap when missing and points podman at our engine settings,
# written under $BUILD/containers/ so that the system's own files stay as they are:
# * runtime runc: crun refuses the hybrid cgroup layout of the machines this project runs on;
# * cgroup_manager cgroupfs: there is no systemd to ask for cgroups;
# * default ulimits within this machine's hard limits: podman's defaults for RLIMIT_NOFILE and
#   RLIMIT_NPROC are above them on such machines and every container start fails.
# Exports CONTAINERS_CONF; a caller's own CONTAINERS_CONF wins.
root=${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-$root/build}
"$root/scripts/install-deps.sh" podman runc mmdebstrap python3-installer >&2
if [ -z "${CONTAINERS_CONF:-}" ]; then
  conf_dir=$BUILD/containers
  mkdir -p "$conf_dir"
  hard=$(ulimit -Hn)
  [ "$hard" = unlimited ] && hard=1048576
  soft=$(( hard < 1024 ? hard : 1024 ))
  # RLIMIT_NPROC: as high as the machine's hard limit was refused (EPERM) on such machines;
  # 4096 processes are plenty for a job's forks.
  procs=$(ulimit -Hu)
  { [ "$procs" = unlimited ] || [ "$procs" -gt 4096 ]; } && procs=4096
  cat > "$conf_dir/containers.conf.new" <<CONF
# Written by scripts/containers-env.sh; see there for why.
[containers]
default_ulimits = ["nofile=$soft:$hard", "nproc=$procs:$procs"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  mv "$conf_dir/containers.conf.new" "$conf_dir/containers.conf"
  export CONTAINERS_CONF=$conf_dir/containers.conf
fi

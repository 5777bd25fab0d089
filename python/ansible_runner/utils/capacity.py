"""Capacity facts for `ansible-runner worker --worker-info` (AWX reads them to size a node)."""
import multiprocessing
import re
import uuid
from pathlib import Path

_MEMINFO = '/proc/meminfo'
_MEM_TOTAL_RE = re.compile(r'^MemTotal:\s+(\d+)', re.MULTILINE)


def get_cpu_count():
    """Number of CPUs of the host (like the reference: neither the affinity mask nor cgroups)."""
    return multiprocessing.cpu_count()


def get_mem_in_bytes():
    """MemTotal of /proc/meminfo in bytes (no cgroup limit, as in the reference); when it cannot
    be found, a message (str) for the caller's error list instead."""
    error = 'The /proc/meminfo file could not found, memory capacity undiscoverable.'
    try:
        with open(_MEMINFO) as handle:
            matched = _MEM_TOTAL_RE.search(handle.read())
    except FileNotFoundError:
        return error
    # Without a MemTotal line the reference fails with UnboundLocalError; we report it.
    if not matched:
        return error
    return int(matched.group(1)) * 1024


def _default_uuid_path():
    return Path.home().joinpath('.ansible_runner_uuid')


def ensure_uuid(uuid_file_path=None, mode=0o0600):
    """This node's persistent id: the content of ~/.ansible_runner_uuid (mode forced to `mode`),
    created with a new UUID4 when missing."""
    if uuid_file_path is None:
        uuid_file_path = _default_uuid_path()
    if not uuid_file_path.exists():
        return _set_uuid(uuid_file_path, mode)
    uuid_file_path.chmod(mode)
    return uuid_file_path.read_text().strip()


def _set_uuid(uuid_file_path=None, mode=0o0600):
    """Writes a new UUID4 to uuid_file_path (default ~/.ansible_runner_uuid), mode `mode`."""
    if uuid_file_path is None:
        uuid_file_path = _default_uuid_path()
    new_uuid = str(uuid.uuid4())
    if not uuid_file_path.exists():
        # Created with the mode before the id is written, so it is never readable by others.
        uuid_file_path.touch(mode)
    uuid_file_path.chmod(mode)  # touch() is subject to the umask; an old file may be wider
    uuid_file_path.write_text(new_uuid)
    return new_uuid

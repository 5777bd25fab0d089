"""ansible_runner: Ansible Runner's Python API over a native (C++) core. A drop-in for the
reference package 2.3: the same modules, functions, objects and handler calls; see
docs/python.md for what is native and where we differ."""
from importlib import metadata as _metadata

from .interface import run, run_async, \
    run_command, run_command_async, \
    get_plugin_docs, get_plugin_docs_async, get_plugin_list, \
    get_role_list, get_role_argspec, \
    get_inventory, \
    get_ansible_config  # noqa: F401
from .exceptions import AnsibleRunnerException, ConfigurationError, CallbackError  # noqa: F401
from .runner_config import RunnerConfig  # noqa: F401
from .runner import Runner  # noqa: F401


def _load_plugins():
    """Modules registered under the entry-point group ansible_runner.plugins, by name."""
    try:
        found = _metadata.entry_points(group='ansible_runner.plugins')
    except TypeError:  # Python < 3.10
        found = _metadata.entry_points().get('ansible_runner.plugins', [])
    return {entry_point.name: entry_point.load() for entry_point in found}


plugins = _load_plugins()

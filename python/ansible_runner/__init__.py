"""ansible_runner: Ansible Runner's Python API over a native (C++) core. A drop-in for the
reference package 2.3: the same modules, functions, objects and handler calls; see
docs/python.md for what is native and where we differ."""
import importlib
import os
import sys

from .interface import run, run_async, \
    run_command, run_command_async, \
    get_plugin_docs, get_plugin_docs_async, get_plugin_list, \
    get_role_list, get_role_argspec, \
    get_inventory, \
    get_ansible_config  # noqa: F401
from .exceptions import AnsibleRunnerException, ConfigurationError, CallbackError  # noqa: F401
from .runner_config import RunnerConfig  # noqa: F401
from .runner import Runner  # noqa: F401


def _entry_point_lines(group):
    """`name = module:attr` lines of `group` in the entry_points.txt of each distribution on
    sys.path, first distribution of a name wins. A plain scan: importlib.metadata would cost
    more than the rest of this package's import."""
    seen = set()
    for base in sys.path:
        try:
            entries = os.scandir(base or '.')
        except OSError:
            continue
        with entries:
            for entry in entries:
                if not entry.name.endswith(('.dist-info', '.egg-info')):
                    continue
                dist = entry.name.rsplit('-', 1)[0].lower().replace('_', '-') if '-' in entry.name \
                    else entry.name.rsplit('.', 1)[0].lower()
                if dist in seen:
                    continue
                seen.add(dist)
                try:
                    with open(os.path.join(entry.path, 'entry_points.txt'), encoding='utf-8') as f:
                        text = f.read()
                except OSError:
                    continue
                if '[' + group + ']' not in text:
                    continue
                section = None
                for line in text.splitlines():
                    line = line.strip()
                    if line.startswith('['):
                        section = line.strip('[]').strip()
                    elif section == group and '=' in line and not line.startswith(('#', ';')):
                        name, _, target = line.partition('=')
                        yield name.strip(), target.strip()


def _load_plugins():
    """Modules registered under the entry-point group ansible_runner.plugins, by name."""
    found = {}
    for name, target in _entry_point_lines('ansible_runner.plugins'):
        module_name, _, attribute = target.partition(':')
        loaded = importlib.import_module(module_name.strip())
        for part in filter(None, attribute.strip().split('.')):
            loaded = getattr(loaded, part)
        found.setdefault(name, loaded)
    return found


plugins = _load_plugins()

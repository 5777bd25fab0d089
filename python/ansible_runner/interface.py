"""The reference's public functions: run(), run_async(), run_command() and the Ansible tool
helpers. Each builds a config, runs it with a Runner (or returns a streaming role) and hands
back what the reference returns."""
import json
import os
import sys
import tempfile
import threading

from ansible_runner import output
from ansible_runner.config.ansible_cfg import AnsibleCfgConfig
from ansible_runner.config.command import CommandConfig
from ansible_runner.config.doc import DocConfig
from ansible_runner.config.inventory import InventoryConfig
from ansible_runner.config.runner import RunnerConfig
from ansible_runner.runner import Runner
from ansible_runner.streaming import Transmitter, Worker, Processor
from ansible_runner.utils import (
    dump_artifact,
    dump_env_files,
    check_isolation_executable_installed,
    sanitize_json_response,
    signal_handler,
)

# run() options that are not RunnerConfig arguments: RunnerConfig.prepare turns a role into a
# generated playbook (the reference's dump_artifacts does it before RunnerConfig).
_ROLE_OPTIONS = ('role', 'role_vars', 'role_skip_facts', 'hosts')
_HANDLERS = ('event_handler', 'status_handler', 'artifacts_handler', 'cancel_callback', 'finished_callback')


def _pop_handlers(kwargs):
    return {name: kwargs.pop(name, None) for name in _HANDLERS}


def _resolve_inventory_text(kwargs):
    """An inventory string names an existing path (made absolute, as upstream main does: 2.3.1
    leaves it relative to where Ansible then runs), a name under <pdd>/inventory, or else it
    is inventory text, written to <pdd>/inventory/hosts as the reference's run() does."""
    inventory = kwargs.get('inventory')
    private_data_dir = kwargs.get('private_data_dir')
    if not inventory or not isinstance(inventory, str) or not private_data_dir:
        return
    inventory_dir = os.path.join(os.path.abspath(private_data_dir), 'inventory')
    under = os.path.join(inventory_dir, inventory)
    if os.path.exists(inventory):
        kwargs['inventory'] = os.path.abspath(inventory)
    elif not os.path.isabs(inventory) and os.path.exists(under):
        kwargs['inventory'] = os.path.abspath(under)
    else:
        kwargs['inventory'] = dump_artifact(inventory, inventory_dir, 'hosts')


def _check_private_data_dir(kwargs):
    """As the reference's run() and transmit: a temp dir when none is given, ValueError when
    the one given does not exist."""
    private_data_dir = kwargs.get('private_data_dir')
    if not private_data_dir:
        kwargs['private_data_dir'] = tempfile.mkdtemp()
    elif not os.path.exists(private_data_dir):
        raise ValueError('private_data_dir path is either invalid or does not exist')


def init_runner(**kwargs):
    """Builds the Runner (or streaming role) that run() and run_async() start."""
    debug = kwargs.pop('debug', None)
    logfile = kwargs.pop('logfile', None)
    if not kwargs.pop('ignore_logging', True):
        output.configure()
        if debug in (True, False):
            output.set_debug('enable' if debug is True else 'disable')
        if logfile:
            output.set_logfile(logfile)

    # The job stream's paths (playbook, inventory, roles path) are made relative to the private
    # data dir by the native transmit, after it has decided what an inventory string names.
    streamer = kwargs.pop('streamer', None)
    if streamer not in ('worker', 'process'):
        _check_private_data_dir(kwargs)

    handlers = _pop_handlers(kwargs)
    if handlers['cancel_callback'] is None and streamer != 'process':
        # In the main thread: SIGINT/SIGTERM cancel the job (None elsewhere).
        handlers['cancel_callback'] = signal_handler()

    if streamer == 'transmit':
        kwargs.pop('_input', None)
        return Transmitter(**kwargs)
    if streamer == 'worker':
        return Worker(cancel_callback=handlers['cancel_callback'], **kwargs)
    if streamer == 'process':
        return Processor(**handlers, **kwargs)

    if kwargs.get('process_isolation', False):
        executable = kwargs.get('process_isolation_executable', 'podman')
        if not check_isolation_executable_installed(executable):
            print('Unable to find process isolation executable: {}'.format(executable))
            sys.exit(1)

    kwargs.pop('_input', None)
    kwargs.pop('_output', None)
    role_options = {key: kwargs.pop(key) for key in _ROLE_OPTIONS if key in kwargs}
    _resolve_inventory_text(kwargs)
    # As the reference's run(): env material goes into <pdd>/env files (docs/python.md).
    dump_env_files(kwargs, kwargs['private_data_dir'])
    config = RunnerConfig(**kwargs)
    config._run_extras.update(role_options)
    config.prepare()
    return Runner(config, **handlers)


def run(**kwargs):
    """Runs an Ansible job (or a streaming role) to its end and returns the Runner."""
    r = init_runner(**kwargs)
    r.run()
    return r


def run_async(**kwargs):
    """Starts run() on a thread; returns (thread, runner)."""
    r = init_runner(**kwargs)
    thread = threading.Thread(target=r.run)
    thread.start()
    return thread, r


def init_command_config(executable_cmd, cmdline_args=None, **kwargs):
    handlers = _pop_handlers(kwargs)
    config = CommandConfig(**kwargs)
    config.prepare_run_command(executable_cmd, cmdline_args=cmdline_args)
    return Runner(config, **handlers)


def _read_outputs(r):
    with r.stdout as out:
        response = out.read()
    with r.stderr as err:
        error = err.read()
    return response, error


def run_command(executable_cmd, cmdline_args=None, **kwargs):
    """Runs any command as a job; returns (stdout text, stderr text, rc)."""
    r = init_command_config(executable_cmd, cmdline_args=cmdline_args, **kwargs)
    r.run()
    response, error = _read_outputs(r)
    return response, error, r.rc


def run_command_async(executable_cmd, cmdline_args=None, **kwargs):
    r = init_command_config(executable_cmd, cmdline_args=cmdline_args, **kwargs)
    thread = threading.Thread(target=r.run)
    thread.start()
    return thread, r


def _helper_runner(config_class, prepare, kwargs):
    handlers = _pop_handlers(kwargs)
    config = config_class(**kwargs)
    prepare(config)
    return Runner(config, **handlers)


def _json_or_text(response, parse):
    if response and parse:
        return json.loads(sanitize_json_response(response))
    return response


def get_plugin_docs(plugin_names, plugin_type=None, response_format=None, snippet=False, playbook_dir=None,
                    module_path=None, **kwargs):
    """ansible-doc for the given plugins; returns (docs, error text)."""
    r = _helper_runner(DocConfig, lambda c: c.prepare_plugin_docs_command(
        plugin_names, plugin_type=plugin_type, response_format=response_format, snippet=snippet,
        playbook_dir=playbook_dir, module_path=module_path), kwargs)
    r.run()
    response, error = _read_outputs(r)
    return _json_or_text(response, response_format == 'json'), error


def get_plugin_docs_async(plugin_names, plugin_type=None, response_format=None, snippet=False, playbook_dir=None,
                          module_path=None, **kwargs):
    r = _helper_runner(DocConfig, lambda c: c.prepare_plugin_docs_command(
        plugin_names, plugin_type=plugin_type, response_format=response_format, snippet=snippet,
        playbook_dir=playbook_dir, module_path=module_path), kwargs)
    thread = threading.Thread(target=r.run)
    thread.start()
    return thread, r


def get_plugin_list(list_files=None, response_format=None, plugin_type=None, playbook_dir=None, module_path=None,
                    **kwargs):
    """ansible-doc -l / -F; returns (list, error text)."""
    r = _helper_runner(DocConfig, lambda c: c.prepare_plugin_list_command(
        list_files=list_files, response_format=response_format, plugin_type=plugin_type,
        playbook_dir=playbook_dir, module_path=module_path), kwargs)
    r.run()
    response, error = _read_outputs(r)
    return _json_or_text(response, response_format == 'json'), error


def get_inventory(action, inventories, response_format=None, host=None, playbook_dir=None,
                  vault_ids=None, vault_password_file=None, output_file=None, export=None, **kwargs):
    """ansible-inventory; returns (inventory, error text)."""
    r = _helper_runner(InventoryConfig, lambda c: c.prepare_inventory_command(
        action=action, inventories=inventories, response_format=response_format, host=host,
        playbook_dir=playbook_dir, vault_ids=vault_ids, vault_password_file=vault_password_file,
        output_file=output_file, export=export), kwargs)
    r.run()
    response, error = _read_outputs(r)
    return _json_or_text(response, response_format == 'json'), error


def get_ansible_config(action, config_file=None, only_changed=None, **kwargs):
    """ansible-config; returns (text, error text)."""
    r = _helper_runner(AnsibleCfgConfig, lambda c: c.prepare_ansible_config_command(
        action=action, config_file=config_file, only_changed=only_changed), kwargs)
    r.run()
    return _read_outputs(r)


def get_role_list(collection=None, playbook_dir=None, **kwargs):
    """The roles found (ansible-doc -t role -l -j); returns (dict, error text)."""
    r = _helper_runner(DocConfig, lambda c: c.prepare_role_list_command(collection, playbook_dir), kwargs)
    r.run()
    response, error = _read_outputs(r)
    return _json_or_text(response, True), error


def get_role_argspec(role, collection=None, playbook_dir=None, **kwargs):
    """A role's argument spec (ansible-doc -t role -j); returns (dict, error text)."""
    r = _helper_runner(DocConfig, lambda c: c.prepare_role_argspec_command(role, collection, playbook_dir), kwargs)
    r.run()
    response, error = _read_outputs(r)
    return _json_or_text(response, True), error

"""RunnerConfig: the configuration of a run() job (the reference's config/runner.py).
prepare() hands the options to the native core, which loads the env/ files and resolves the
environment, the command line, the working dir and any isolation wrapping."""
import os
from enum import Enum

from ansible_runner import _native
from ansible_runner.config._base import BaseConfig
from ansible_runner.exceptions import ConfigurationError


class ExecutionMode(Enum):
    NONE = 0
    ANSIBLE = 1
    ANSIBLE_PLAYBOOK = 2
    RAW = 3


class RunnerConfig(BaseConfig):
    """A run() job's configuration.

    >>> rc = RunnerConfig(private_data_dir='/tmp/demo', playbook='test.yml')
    >>> rc.prepare()
    >>> Runner(config=rc).run()
    """

    def __init__(self, private_data_dir, playbook=None, inventory=None, roles_path=None, limit=None,
                 module=None, module_args=None, verbosity=None, host_pattern=None, binary=None,
                 extravars=None, suppress_output_file=False, suppress_ansible_output=False, process_isolation_path=None,
                 process_isolation_hide_paths=None, process_isolation_show_paths=None,
                 process_isolation_ro_paths=None, tags=None, skip_tags=None,
                 directory_isolation_base_path=None, forks=None, cmdline=None, omit_event_data=False,
                 only_failed_event_data=False, **kwargs):
        self.runner_mode = "pexpect"
        super(RunnerConfig, self).__init__(private_data_dir, **kwargs)
        self.playbook = playbook
        self.inventory = inventory
        self.roles_path = roles_path
        self.limit = limit
        self.module = module
        self.module_args = module_args
        self.host_pattern = host_pattern
        self.binary = binary
        self.extra_vars = extravars
        self.process_isolation_path = process_isolation_path
        self.process_isolation_path_actual = None
        self.process_isolation_hide_paths = process_isolation_hide_paths
        self.process_isolation_show_paths = process_isolation_show_paths
        self.process_isolation_ro_paths = process_isolation_ro_paths
        self.directory_isolation_path = directory_isolation_base_path
        self.verbosity = verbosity
        self.suppress_output_file = suppress_output_file
        self.suppress_ansible_output = suppress_ansible_output
        self.tags = tags
        self.skip_tags = skip_tags
        self.execution_mode = ExecutionMode.NONE
        self.forks = forks
        self.cmdline_args = cmdline
        self.omit_event_data = omit_event_data
        self.only_failed_event_data = only_failed_event_data
        # run() options that RunnerConfig's signature does not name but run() accepts.
        self._run_extras = {}

    @property
    def sandboxed(self):
        return bool(self.process_isolation) and self.process_isolation_executable not in self._CONTAINER_ENGINES

    def _run_kwargs(self):
        kwargs = self._base_kwargs()
        kwargs.update(
            playbook=self.playbook, inventory=self.inventory, roles_path=self.roles_path, limit=self.limit,
            module=self.module, module_args=self.module_args, host_pattern=self.host_pattern, binary=self.binary,
            extravars=self.extra_vars, suppress_output_file=self.suppress_output_file,
            suppress_ansible_output=self.suppress_ansible_output,
            process_isolation_path=self.process_isolation_path,
            process_isolation_hide_paths=self.process_isolation_hide_paths,
            process_isolation_show_paths=self.process_isolation_show_paths,
            process_isolation_ro_paths=self.process_isolation_ro_paths,
            directory_isolation_base_path=self.directory_isolation_path,
            verbosity=self.verbosity, tags=self.tags, skip_tags=self.skip_tags, forks=self.forks,
            cmdline=self.cmdline_args, omit_event_data=self.omit_event_data,
            only_failed_event_data=self.only_failed_event_data)
        kwargs.update(self._run_extras)
        return {key: value for key, value in kwargs.items() if value is not None and key != 'private_data_dir'}

    def prepare(self, _dump=False):
        """Loads env/ files and resolves command, env and cwd (raises ConfigurationError)."""
        if self.private_data_dir is None:
            raise ConfigurationError("Runner Base Directory is not defined")
        if self.module and self.playbook:
            raise ConfigurationError("Only one of playbook and module options are allowed")
        os.makedirs(self.artifact_dir, mode=0o700, exist_ok=True)
        fields = _native.prepare_run(self._run_kwargs(), self.private_data_dir, dump=_dump)
        self._apply_prepared(fields)
        if self.binary:
            self.execution_mode = ExecutionMode.RAW
        elif self.module:
            self.execution_mode = ExecutionMode.ANSIBLE
        elif self.playbook or getattr(self, 'role', None) or self._run_extras.get('role'):
            self.execution_mode = ExecutionMode.ANSIBLE_PLAYBOOK
        self.process_isolation_path_actual = fields.get('process_isolation_path_actual')

    def generate_ansible_command(self):
        """The command line prepare() resolved."""
        return list(self.command)

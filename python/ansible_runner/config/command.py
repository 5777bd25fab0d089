"""CommandConfig: run_command()'s job (the reference's config/command.py)."""
import os

from ansible_runner.config._base import BaseConfig, BaseExecutionMode
from ansible_runner.exceptions import ConfigurationError

# Ansible tools that never prompt: run without a terminal unless told otherwise.
_NON_INTERACTIVE = ('ansible-config', 'ansible-doc', 'ansible-galaxy')


class CommandConfig(BaseConfig):

    def __init__(self, input_fd=None, output_fd=None, error_fd=None, runner_mode=None, **kwargs):
        self.input_fd = input_fd
        self.output_fd = output_fd
        self.error_fd = error_fd
        if runner_mode == 'pexpect' and not self.input_fd:
            raise ConfigurationError("input_fd is applicable only with 'subprocess' runner mode")
        if runner_mode and runner_mode not in ('pexpect', 'subprocess'):
            raise ConfigurationError("Invalid runner mode {0}, valid value is either 'pexpect' or 'subprocess'"
                                     .format(runner_mode))
        self.runner_mode = runner_mode
        self.execution_mode = BaseExecutionMode.NONE
        super(CommandConfig, self).__init__(**kwargs)

    def _set_runner_mode(self):
        name = self.executable_cmd.split(os.pathsep)[-1]
        self.runner_mode = 'subprocess' if self.input_fd is not None or name in _NON_INTERACTIVE else 'pexpect'

    def prepare_run_command(self, executable_cmd, cmdline_args=None):
        self.executable_cmd = executable_cmd
        self.cmdline_args = cmdline_args
        if self.runner_mode is None:
            self._set_runner_mode()
        self._prepare_env(runner_mode=self.runner_mode)
        self._prepare_command()
        self._handle_command_wrap(self.execution_mode, self.cmdline_args)

    def _prepare_command(self):
        if not self.executable_cmd:
            raise ConfigurationError("For CommandRunner 'executable_cmd' value is required")
        name = self.executable_cmd.split(os.pathsep)[-1]
        if name.startswith('ansible'):
            self.execution_mode = BaseExecutionMode.ANSIBLE_COMMANDS
        else:
            self.execution_mode = BaseExecutionMode.GENERIC_COMMANDS
        self.command = [self.executable_cmd] + (list(self.cmdline_args) if self.cmdline_args else [])
        if self.execution_mode == BaseExecutionMode.GENERIC_COMMANDS and 'python' in name and self.cmdline_args is None:
            raise ConfigurationError("Runner requires python filename for execution")

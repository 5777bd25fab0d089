"""What the Ansible tool helpers' configs share: the runner mode check and the executable's
path (ansible-doc, ansible-inventory, ansible-config)."""
from ansible_runner.config._base import BaseConfig, BaseExecutionMode
from ansible_runner.exceptions import ConfigurationError
from ansible_runner.utils import get_executable_path


def check_format(value, allowed):
    if value and value not in allowed:
        raise ConfigurationError("Invalid response_format {0}, valid value is one of either {1}"
                                 .format(value, ", ".join(allowed)))


class HelperConfig(BaseConfig):

    def __init__(self, runner_mode=None, **kwargs):
        self.runner_mode = runner_mode if runner_mode else 'subprocess'
        if self.runner_mode not in ('pexpect', 'subprocess'):
            raise ConfigurationError("Invalid runner mode {0}, valid value is either 'pexpect' or 'subprocess'"
                                     .format(self.runner_mode))
        self.execution_mode = BaseExecutionMode.ANSIBLE_COMMANDS
        super(HelperConfig, self).__init__(**kwargs)

    def _executable(self, name):
        # In a container the tool is found by the container's PATH.
        return name if self.containerized else get_executable_path(name)

    def _prepare_tool(self, name, args):
        self._prepare_command_job([self._executable(name)] + list(args), True)

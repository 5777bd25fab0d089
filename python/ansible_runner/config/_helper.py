"""What the Ansible tool helpers' configs share: the runner mode check, the executable's path
(ansible-doc, ansible-inventory, ansible-config) and the prepare steps around the command line."""
from ansible_runner import _native
from ansible_runner.config._base import BaseConfig, BaseExecutionMode
from ansible_runner.exceptions import ConfigurationError
from ansible_runner.utils import get_executable_path


class HelperConfig(BaseConfig):

    # The tool each subclass runs, and the attribute holding its path (the reference's name).
    _tool = None
    _path_attribute = None

    def __init__(self, runner_mode=None, **kwargs):
        self.runner_mode = runner_mode if runner_mode else 'subprocess'
        if self.runner_mode not in ('pexpect', 'subprocess'):
            raise ConfigurationError("Invalid runner mode {0}, valid value is either 'pexpect' or 'subprocess'"
                                     .format(self.runner_mode))
        # In a container the tool is found by the container's PATH.
        path = self._tool if kwargs.get('process_isolation') else get_executable_path(self._tool)
        setattr(self, self._path_attribute, path)
        self.execution_mode = BaseExecutionMode.ANSIBLE_COMMANDS
        super(HelperConfig, self).__init__(**kwargs)

    def _prepare_tool(self, kind, **request):
        """Prepares the environment, then the tool's command line (the native builder of the
        helper `kind` validates the request with the reference's messages), wrapped as needed."""
        args = _native.helper_args(kind, request)
        self._prepare_env(runner_mode=self.runner_mode)
        self.cmdline_args = list(args)
        self.command = [getattr(self, self._path_attribute)] + self.cmdline_args
        self._handle_command_wrap(self.execution_mode, self.cmdline_args)

"""AnsibleCfgConfig: ansible-config jobs (the reference's config/ansible_cfg.py)."""
from ansible_runner.config._helper import HelperConfig
from ansible_runner.exceptions import ConfigurationError


class AnsibleCfgConfig(HelperConfig):

    _path_attribute = '_ansible_config_exec_path'
    _tool = 'ansible-config'

    _supported_actions = ('list', 'dump', 'view')

    def prepare_ansible_config_command(self, action, config_file=None, only_changed=None):
        if action not in self._supported_actions:
            raise ConfigurationError("Invalid action {0}, valid value is one of either {1}"
                                     .format(action, ", ".join(self._supported_actions)))
        if action != 'dump' and only_changed:
            raise ConfigurationError("only_changed is applicable for action 'dump'")
        args = [action]
        if config_file:
            args += ['-c', config_file]
        if only_changed:
            args.append('--only-changed')
        self._prepare_tool(args)

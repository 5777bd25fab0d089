"""AnsibleCfgConfig: ansible-config jobs (the reference's config/ansible_cfg.py)."""
from ansible_runner.config._helper import HelperConfig


class AnsibleCfgConfig(HelperConfig):

    _path_attribute = '_ansible_config_exec_path'
    _tool = 'ansible-config'

    _supported_actions = ('list', 'dump', 'view')

    def prepare_ansible_config_command(self, action, config_file=None, only_changed=None):
        self._prepare_tool('ansible_config', action=action, config_file=config_file, only_changed=bool(only_changed))

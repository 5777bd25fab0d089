"""InventoryConfig: ansible-inventory jobs (the reference's config/inventory.py)."""
from ansible_runner.config._helper import HelperConfig, check_format
from ansible_runner.exceptions import ConfigurationError


class InventoryConfig(HelperConfig):

    _path_attribute = '_ansible_inventory_exec_path'
    _tool = 'ansible-inventory'

    _supported_response_formats = ('json', 'yaml', 'toml')
    _supported_actions = ('graph', 'host', 'list')

    def prepare_inventory_command(self, action, inventories, response_format=None, host=None,
                                  playbook_dir=None, vault_ids=None, vault_password_file=None,
                                  output_file=None, export=None):
        if action not in self._supported_actions:
            raise ConfigurationError("Invalid action {0}, valid value is one of either {1}"
                                     .format(action, ", ".join(self._supported_actions)))
        check_format(response_format, self._supported_response_formats)
        if not isinstance(inventories, list):
            raise ConfigurationError("inventories should be of type list, instead received {0} of type {1}"
                                     .format(inventories, type(inventories)))
        if action == 'host' and host is None:
            raise ConfigurationError("Value of host parameter is required when action in 'host'")
        if action == 'graph' and response_format and response_format != 'json':
            raise ConfigurationError("'graph' action supports only 'json' response format")
        args = ['--{0}'.format(action)]
        if action == 'host':
            args.append(host)
        for inventory in inventories:
            args += ['-i', inventory]
        if response_format in ('yaml', 'toml'):
            args.append('--{0}'.format(response_format))
        if playbook_dir:
            args += ['--playbook-dir', playbook_dir]
        if vault_ids:
            args += ['--vault-id', vault_ids]
        if vault_password_file:
            args += ['--vault-password-file', vault_password_file]
        if output_file:
            args += ['--output', output_file]
        if export:
            args.append('--export')
        self._prepare_tool(args)

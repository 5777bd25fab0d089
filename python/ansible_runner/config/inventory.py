"""InventoryConfig: ansible-inventory jobs (the reference's config/inventory.py)."""
from ansible_runner.config._helper import HelperConfig
from ansible_runner.exceptions import ConfigurationError


class InventoryConfig(HelperConfig):

    _path_attribute = '_ansible_inventory_exec_path'
    _tool = 'ansible-inventory'

    _supported_response_formats = ('json', 'yaml', 'toml')
    _supported_actions = ('graph', 'host', 'list')

    def prepare_inventory_command(self, action, inventories, response_format=None, host=None,
                                  playbook_dir=None, vault_ids=None, vault_password_file=None,
                                  output_file=None, export=None):
        # The native builder checks action, format and host; the list type is Python's to see.
        if not isinstance(inventories, list):
            raise ConfigurationError("inventories should be of type list, instead received {0} of type {1}"
                                     .format(inventories, type(inventories)))
        self._prepare_tool('inventory', action=action, inventories=inventories, response_format=response_format,
                           host=host, playbook_dir=playbook_dir, vault_ids=vault_ids,
                           vault_password_file=vault_password_file, output_file=output_file, export=bool(export))

"""DocConfig: ansible-doc jobs (the reference's config/doc.py)."""
from ansible_runner.config._helper import HelperConfig
from ansible_runner.exceptions import ConfigurationError


class DocConfig(HelperConfig):

    _path_attribute = '_ansible_doc_exec_path'
    _tool = 'ansible-doc'

    _supported_response_formats = ('json', 'human')

    def prepare_plugin_docs_command(self, plugin_names, plugin_type=None, response_format=None,
                                    snippet=False, playbook_dir=None, module_path=None):
        if not isinstance(plugin_names, list):
            raise ConfigurationError("plugin_names should be of type list, instead received {0} of type {1}"
                                     .format(plugin_names, type(plugin_names)))
        self._prepare_tool('plugin_docs', plugin_names=plugin_names, plugin_type=plugin_type,
                           response_format=response_format, snippet=bool(snippet),
                           playbook_dir=playbook_dir, module_path=module_path)

    def prepare_plugin_list_command(self, list_files=None, response_format=None, plugin_type=None,
                                    playbook_dir=None, module_path=None):
        self._prepare_tool('plugin_list', list_files=bool(list_files), response_format=response_format,
                           plugin_type=plugin_type, playbook_dir=playbook_dir, module_path=module_path)

    def prepare_role_list_command(self, collection_name, playbook_dir):
        self._prepare_tool('role_list', collection=collection_name, playbook_dir=playbook_dir)

    def prepare_role_argspec_command(self, role_name, collection_name, playbook_dir):
        self._prepare_tool('role_argspec', role=role_name, collection=collection_name, playbook_dir=playbook_dir)

"""DocConfig: ansible-doc jobs (the reference's config/doc.py)."""
from ansible_runner.config._helper import HelperConfig, check_format
from ansible_runner.exceptions import ConfigurationError


class DocConfig(HelperConfig):

    _path_attribute = '_ansible_doc_exec_path'
    _tool = 'ansible-doc'

    _supported_response_formats = ('json', 'human')

    def prepare_plugin_docs_command(self, plugin_names, plugin_type=None, response_format=None,
                                    snippet=False, playbook_dir=None, module_path=None):
        check_format(response_format, self._supported_response_formats)
        if not isinstance(plugin_names, list):
            raise ConfigurationError("plugin_names should be of type list, instead received {0} of type {1}"
                                     .format(plugin_names, type(plugin_names)))
        args = []
        if response_format == 'json':
            args.append('-j')
        if snippet:
            args.append('-s')
        if plugin_type:
            args += ['-t', plugin_type]
        if playbook_dir:
            args += ['--playbook-dir', playbook_dir]
        if module_path:
            args += ['-M', module_path]
        self._prepare_tool(args + list(plugin_names))

    def prepare_plugin_list_command(self, list_files=None, response_format=None, plugin_type=None,
                                    playbook_dir=None, module_path=None):
        check_format(response_format, self._supported_response_formats)
        args = ['-F' if list_files else '-l']
        if response_format == 'json':
            args.append('-j')
        if plugin_type:
            args += ['-t', plugin_type]
        if playbook_dir:
            args += ['--playbook-dir', playbook_dir]
        if module_path:
            args += ['-M', module_path]
        self._prepare_tool(args)

    def prepare_role_list_command(self, collection_name, playbook_dir):
        args = ['-t', 'role', '-l', '-j']
        if playbook_dir:
            args += ['--playbook-dir', playbook_dir]
        if collection_name:
            args.append(collection_name)
        self._prepare_tool(args)

    def prepare_role_argspec_command(self, role_name, collection_name, playbook_dir):
        args = ['-t', 'role', '-j']
        if playbook_dir:
            args += ['--playbook-dir', playbook_dir]
        args.append('{0}.{1}'.format(collection_name, role_name) if collection_name else role_name)
        self._prepare_tool(args)

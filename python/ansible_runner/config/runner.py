"""RunnerConfig: the configuration of a run() job (the reference's config/runner.py).

prepare() runs the steps in the reference's order: prepare_env() (env files, environment,
isolation settings, working dir), the directory isolation copy, prepare_inventory(),
prepare_command() (the ansible / ansible-playbook command line) and the wrapping for
ssh-agent, the bwrap sandbox or a container.
"""
import json
import os
import shlex
import shutil
import stat
import tempfile
from collections.abc import Mapping
from enum import IntEnum
from uuid import uuid4

from ansible_runner.config._base import BaseConfig, BaseExecutionMode
from ansible_runner.exceptions import ConfigurationError
from ansible_runner.loader import UnusableFileError
from ansible_runner.output import debug
from ansible_runner.utils import dump_artifact, isplaybook, register_for_cleanup


class ExecutionMode(IntEnum):
    # Integers, as the reference's plain class attributes.
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

    _strict_env_files = True

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
        self.directory_isolation_cleanup = True
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
        # run() options RunnerConfig's signature does not name (role, role_vars,
        # role_skip_facts, hosts): prepare() turns a role into a generated playbook.
        self._run_extras = {}

    @property
    def sandboxed(self):
        return bool(self.process_isolation) and self.process_isolation_executable not in self._CONTAINER_ENGINES

    def prepare(self):
        """Checks the options, then runs prepare_env, prepare_inventory and prepare_command and
        wraps the command (ssh-agent, sandbox, container). Raises ConfigurationError."""
        if self.private_data_dir is None:
            raise ConfigurationError("Runner Base Directory is not defined")
        if self.module and self.playbook:
            raise ConfigurationError("Only one of playbook and module options are allowed")
        if not os.path.exists(self.artifact_dir):
            os.makedirs(self.artifact_dir, mode=0o700)

        self._prepare_role()
        self._prepare_playbook()

        # sandboxed may come from env/settings, which prepare_env reads.
        self.prepare_env()

        if self.directory_isolation_path is not None:
            if self.sandboxed:
                self._make_directory_isolation_copy()
            else:
                # Directory isolation exists for the sandbox only. The reference also runs in
                # the base path without one, and deletes it after the job.
                if self.cwd == self.directory_isolation_path:
                    self.cwd = self.project_dir
                self.directory_isolation_path = None

        self.prepare_inventory()
        self.prepare_command()

        if self.execution_mode == ExecutionMode.ANSIBLE_PLAYBOOK and self.playbook is None:
            raise ConfigurationError("Runner playbook required when running ansible-playbook")
        elif self.execution_mode == ExecutionMode.ANSIBLE and self.module is None:
            raise ConfigurationError("Runner module required when running ansible")
        elif self.execution_mode == ExecutionMode.NONE:
            raise ConfigurationError("No executable for runner to run")

        self._handle_command_wrap()

        self._debug_env()
        if isinstance(getattr(self, 'command', None), list):
            debug('command: {0}'.format(' '.join(self.command)))

    def _prepare_role(self):
        """A role (run()'s role option) becomes a one-play playbook in the project dir, removed
        after the job, and ANSIBLE_ROLES_PATH=<roles_path>:<private data dir>/roles (added to a
        copy of envvars, beneath env/envvars)."""
        extras = self._run_extras
        role = extras.get('role')
        if not role:
            return
        entry = {'name': role}
        if extras.get('role_vars') is not None:
            entry['vars'] = extras['role_vars']
        play = {'hosts': extras.get('hosts') or 'all', 'roles': [entry]}
        if extras.get('role_skip_facts'):
            play['gather_facts'] = False

        project_existed = os.path.exists(self.project_dir)
        # Our own name, not the reference's main.json: a project's own main.json survives.
        path = dump_artifact(json.dumps([play]), self.project_dir, uuid4().hex)
        self.cleanup_paths.append(path if project_existed else self.project_dir)
        self.playbook = os.path.abspath(path)

        own_roles = os.path.join(self.private_data_dir, 'roles')
        roles_path = self.roles_path
        if isinstance(roles_path, (list, tuple)):
            roles_path = ':'.join(str(item) for item in roles_path)
        envvars = dict(self.envvars) if isinstance(self.envvars, Mapping) else {}
        envvars['ANSIBLE_ROLES_PATH'] = '{0}:{1}'.format(roles_path, own_roles) if roles_path else own_roles
        self.envvars = envvars
        self.roles_path = None  # it is in ANSIBLE_ROLES_PATH now

    def _prepare_playbook(self):
        """Plays given as objects (a mapping is one play) are written to project/main.json, as
        the reference's run() does before building its config."""
        playbook = self.playbook
        if isinstance(playbook, Mapping):
            playbook = [playbook]
        if playbook and isplaybook(playbook):
            self.playbook = dump_artifact(json.dumps(playbook), os.path.join(self.private_data_dir, 'project'),
                                          'main.json')

    def _make_directory_isolation_copy(self):
        self.directory_isolation_path = tempfile.mkdtemp(prefix='runner_di_', dir=self.directory_isolation_path)
        if self.directory_isolation_cleanup:
            self.cleanup_paths.append(self.directory_isolation_path)
        if os.path.exists(self.project_dir):
            debug('Copying directory tree from {0} to {1} for working directory isolation'
                  .format(self.project_dir, self.directory_isolation_path))
            # copytree creates its target: the reference's copy onto the dir mkdtemp just made
            # fails (Python >= 3.8), so that empty dir goes first.
            try:
                os.rmdir(self.directory_isolation_path)
            except FileNotFoundError:
                pass
            shutil.copytree(self.project_dir, self.directory_isolation_path, symlinks=True)

    def prepare_inventory(self):
        """The inventory: /runner/inventory/hosts in a container, else <pdd>/inventory when none
        was given and it exists; a mapping is written to <pdd>/inventory/hosts.json."""
        if self.containerized:
            self.inventory = '/runner/inventory/hosts'
            return
        if self.inventory is None:
            default = os.path.join(self.private_data_dir, 'inventory')
            if os.path.exists(default):
                self.inventory = default
        elif isinstance(self.inventory, Mapping):
            # The reference passes the mapping on as is when RunnerConfig is used directly.
            self.inventory = dump_artifact(json.dumps(self.inventory),
                                           os.path.join(self.private_data_dir, 'inventory'), 'hosts.json')

    def prepare_env(self):
        """BaseConfig's environment plus the run settings: isolation paths, the working dir,
        the fact cache, ANSIBLE_ROLES_PATH and the event filters."""
        super(RunnerConfig, self)._prepare_env()
        settings = self.settings
        self.process_isolation_path = settings.get('process_isolation_path', self.process_isolation_path)
        self.process_isolation_hide_paths = settings.get('process_isolation_hide_paths',
                                                         self.process_isolation_hide_paths)
        self.process_isolation_show_paths = settings.get('process_isolation_show_paths',
                                                         self.process_isolation_show_paths)
        self.process_isolation_ro_paths = settings.get('process_isolation_ro_paths', self.process_isolation_ro_paths)
        self.directory_isolation_path = settings.get('directory_isolation_base_path', self.directory_isolation_path)
        self.directory_isolation_cleanup = bool(settings.get('directory_isolation_cleanup', True))

        if 'AD_HOC_COMMAND_ID' in self.env or not os.path.exists(self.project_dir):
            self.cwd = self.private_data_dir
        elif self.directory_isolation_path is not None:
            self.cwd = self.directory_isolation_path
        else:
            self.cwd = self.project_dir

        self._fact_cache_from_settings()
        if self.roles_path:
            if isinstance(self.roles_path, (list, tuple)):
                self.env['ANSIBLE_ROLES_PATH'] = ':'.join(str(item) for item in self.roles_path)
            else:
                self.env['ANSIBLE_ROLES_PATH'] = str(self.roles_path)
        self.env['RUNNER_OMIT_EVENTS'] = str(self.omit_event_data)
        self.env['RUNNER_ONLY_FAILED_EVENTS'] = str(self.only_failed_event_data)

    def prepare_command(self):
        """The command: the words of <pdd>/args when that file exists (raw mode), else
        generate_ansible_command()."""
        args = self._load_env_file_text('args')
        if args is not None:
            self.command = self._split(args, 'args')
            self.execution_mode = ExecutionMode.RAW
        else:
            self.command = self.generate_ansible_command()

    def _load_env_file_text(self, path):
        try:
            return self.loader.load_file(path, (str,), encoding=None)
        except ConfigurationError as exc:
            if self._strict_env_files and isinstance(exc, UnusableFileError):
                raise
            return None

    @staticmethod
    def _split(text, source):
        if isinstance(text, bytes):
            text = text.decode('utf-8')
        try:
            return shlex.split(text)
        except ValueError as exc:
            # The reference lets shlex's ValueError escape; the job cannot start either way.
            raise ConfigurationError('{0}: {1}'.format(source, exc))

    def generate_ansible_command(self):
        """The ansible (module set), raw binary or ansible-playbook command line of the
        options; sets execution_mode to match."""
        if self.binary is not None:
            argv = [self.binary]
            self.execution_mode = ExecutionMode.RAW
        elif self.module is not None:
            argv = ['ansible']
            self.execution_mode = ExecutionMode.ANSIBLE
        else:
            argv = ['ansible-playbook']
            self.execution_mode = ExecutionMode.ANSIBLE_PLAYBOOK

        if self.cmdline_args:
            argv.extend(self._split(self.cmdline_args, 'cmdline'))
        else:
            cmdline = self._load_env_file_text('env/cmdline')
            if cmdline is not None:
                argv.extend(self._split(cmdline, 'env/cmdline'))

        if isinstance(self.inventory, list):
            for item in self.inventory:
                argv.extend(['-i', item])
        elif self.inventory is not None:
            argv.extend(['-i', self.inventory])

        if self.limit is not None:
            argv.extend(['--limit', self.limit])

        if self.loader.isfile('env/extravars'):
            path = '/runner/env/extravars' if self.containerized else self.loader.abspath('env/extravars')
            argv.extend(['-e', '@{}'.format(path)])
        if self.extra_vars:
            if isinstance(self.extra_vars, Mapping):
                pairs = ['"{}":{}'.format(key, json.dumps(value)) for key, value in self.extra_vars.items()]
                argv.extend(['-e', '{%s}' % ','.join(pairs)])
            elif self.loader.isfile(self.extra_vars):
                argv.extend(['-e', '@{}'.format(self.loader.abspath(self.extra_vars))])

        if self.verbosity:
            argv.append('-{}'.format('v' * int(self.verbosity)))
        if self.tags:
            argv.extend(['--tags', '{}'.format(self.tags)])
        if self.skip_tags:
            argv.extend(['--skip-tags', '{}'.format(self.skip_tags)])
        if self.forks:
            argv.extend(['--forks', '{}'.format(self.forks)])

        # Raw mode (binary) takes neither the playbook nor the module arguments.
        if self.execution_mode == ExecutionMode.ANSIBLE_PLAYBOOK:
            argv.append(self.playbook)
        elif self.execution_mode == ExecutionMode.ANSIBLE:
            argv.extend(['-m', self.module])
            if self.module_args is not None:
                argv.extend(['-a', self.module_args])
            if self.host_pattern is not None:
                argv.append(self.host_pattern)
        return argv

    def build_process_isolation_temp_dir(self):
        """A new 0700 temp dir (under process_isolation_path) for the sandbox's stand-ins of
        hidden paths; removed after the job."""
        path = tempfile.mkdtemp(prefix='ansible_runner_pi_', dir=self.process_isolation_path)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IXUSR)
        register_for_cleanup(path)
        self.cleanup_paths.append(path)
        return path

    def wrap_args_for_sandbox(self, args):
        """args run in a bwrap sandbox: the system dirs read-only, /tmp empty, hidden paths
        replaced by empty stand-ins, the private data dir and show paths writable."""
        cwd = os.path.realpath(self.cwd)
        self.process_isolation_path_actual = self.build_process_isolation_temp_dir()
        new_args = [self.process_isolation_executable or 'bwrap',
                    '--die-with-parent',
                    '--unshare-pid',
                    '--dev-bind', '/dev', 'dev',
                    '--proc', '/proc',
                    '--dir', '/tmp',
                    '--ro-bind', '/bin', '/bin',
                    '--ro-bind', '/etc', '/etc',
                    '--ro-bind', '/usr', '/usr',
                    '--ro-bind', '/opt', '/opt',
                    '--symlink', 'usr/lib64', '/lib64',
                    # Not in 2.3.1 (upstream adds it later): merged-/usr systems (Debian) find
                    # their dynamic loader only through /lib.
                    '--symlink', 'usr/lib', '/lib']
        for plugin_dir in self._plugin_dirs_to_bind():
            # Not in the reference: without it Ansible stops with "Invalid callback for stdout
            # specified: awx_display" when our plugin lives outside the bound dirs.
            new_args.extend(['--ro-bind', plugin_dir, plugin_dir])

        for path in sorted(set(self.process_isolation_hide_paths or [])):
            if not os.path.exists(path):
                debug('hide path not found: {0}'.format(path))
                continue
            path = os.path.realpath(path)
            if os.path.isdir(path):
                stand_in = tempfile.mkdtemp(dir=self.process_isolation_path_actual)
                os.chmod(stand_in, stat.S_IRUSR | stat.S_IWUSR | stat.S_IXUSR)
            else:
                handle, stand_in = tempfile.mkstemp(dir=self.process_isolation_path_actual)
                os.close(handle)
                os.chmod(stand_in, stat.S_IRUSR | stat.S_IWUSR)
            new_args.extend(['--bind', '{0}'.format(stand_in), '{0}'.format(path)])

        show_paths = [self.private_data_dir] if self.private_data_dir else [cwd]
        for path in sorted(set(self.process_isolation_ro_paths or [])):
            if not os.path.exists(path):
                debug('read-only path not found: {0}'.format(path))
                continue
            path = os.path.realpath(path)
            new_args.extend(['--ro-bind', '{0}'.format(path), '{0}'.format(path)])

        show_paths.extend(self.process_isolation_show_paths or [])
        if self.directory_isolation_path is not None:
            # Not in the reference: the sandbox changes into the project copy, so it must see it.
            show_paths.append(self.directory_isolation_path)
        for path in sorted(set(str(p) for p in show_paths)):
            if not os.path.exists(path):
                debug('show path not found: {0}'.format(path))
                continue
            path = os.path.realpath(path)
            new_args.extend(['--bind', '{0}'.format(path), '{0}'.format(path)])

        if self.execution_mode == ExecutionMode.ANSIBLE_PLAYBOOK:
            # A playbook runs in the project (or its isolated copy), ad-hoc in the private data dir.
            chdir = self.directory_isolation_path if self.directory_isolation_path is not None else self.project_dir
            new_args.extend(['--chdir', os.path.realpath(chdir)])
        elif self.execution_mode == ExecutionMode.ANSIBLE:
            new_args.extend(['--chdir', os.path.realpath(self.private_data_dir)])

        new_args.extend(args)
        return new_args

    def _plugin_dirs_to_bind(self):
        """Our callback plugin dir (the last ANSIBLE_CALLBACK_PLUGINS entry) and the dirs its
        symlinked files point into, resolved, except those a fixed bind or the private data
        dir already shows."""
        entries = (self.env or {}).get('ANSIBLE_CALLBACK_PLUGINS', '')
        plugin_dir = entries.split(':')[-1] if entries else ''
        if not plugin_dir or not os.path.isdir(plugin_dir):
            return []
        wanted = {os.path.realpath(plugin_dir)}
        for name in os.listdir(plugin_dir):
            path = os.path.join(plugin_dir, name)
            if os.path.islink(path):
                wanted.add(os.path.dirname(os.path.realpath(path)))
        shown = ('/bin', '/etc', '/usr', '/opt', os.path.realpath(self.private_data_dir))
        return sorted(path for path in wanted
                      if not any(path == dir_ or path.startswith(dir_.rstrip('/') + '/') for dir_ in shown))

    def _handle_command_wrap(self):
        """ssh-agent innermost, then the sandbox or the container (whose mounts for run() are
        what container_volume_mounts names)."""
        if self.ssh_key_data:
            debug('ssh-agent args added')
            self.command = self.wrap_args_with_ssh_agent(self.command, self.ssh_key_path)
        if self.sandboxed:
            debug('sandbox enabled')
            self.command = self.wrap_args_for_sandbox(self.command)
        else:
            debug('sandbox disabled')
        if self.containerized:
            debug('containerization enabled')
            self.command = self.wrap_args_for_containerization(self.command, BaseExecutionMode.NONE,
                                                               self.cmdline_args)
        else:
            debug('containerization disabled')

"""BaseConfig: what every job configuration shares (the reference's config/_base.py).

The keyword arguments become attributes, as consumers read and set them. The prepare steps
(env files, the job environment, ssh-agent and container wrapping) are methods that work on
those attributes, one by one, so a caller or a test can run, replace or patch each of them.
_native_fields() then hands the prepared job to the native runner, which spawns and
supervises it.
"""
import json
import math
import os
import re
import shutil
import stat
import tempfile
from base64 import b64encode
from collections.abc import Mapping
from enum import IntEnum
from uuid import uuid4

from ansible_runner import _native, defaults
from ansible_runner.exceptions import ConfigurationError
from ansible_runner.loader import ArtifactLoader, UnusableFileError
from ansible_runner.output import debug
from ansible_runner.utils import (  # patched through this module by consumers' tests
    args2cmdline,
    cli_mounts,
    get_callback_dir,
    open_fifo_write,
    register_for_cleanup,
    sanitize_container_name,
)

# Where the private data dir appears inside a container.
_CONTAINER_PDD = '/runner'
# Paths a container may never mount (checked with a trailing slash).
_UNSAFE_MOUNTS = ('/', '/home/', '/usr/')
# The options of Ansible's tools that name files a container job must see.
_INVENTORY_OPTIONS = ('-i', '--inventory', '--inventory-file')
_FILE_OPTIONS = _INVENTORY_OPTIONS + ('--vault-password-file', '--vault-pass-file', '--private-key', '--key-file')


def _pexpect_sentinels():
    """pexpect's TIMEOUT and EOF, the keys the reference always adds to expect_passwords.
    pexpect is slow to import and optional for us, so it is looked up only here."""
    try:
        from pexpect import TIMEOUT, EOF
    except ImportError:  # pragma: no cover
        return _TIMEOUT, _EOF
    return TIMEOUT, EOF


class _Sentinel(object):
    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return self._name


_TIMEOUT, _EOF = _Sentinel('TIMEOUT'), _Sentinel('EOF')


class BaseExecutionMode(IntEnum):
    # Integers, as the reference's plain class attributes: callers pass and compare 0, 1, 2.
    NONE = 0
    ANSIBLE_COMMANDS = 1
    GENERIC_COMMANDS = 2


def _clean_path(path):
    """path with $VARS and ~ expanded, made absolute."""
    return os.path.abspath(os.path.expanduser(os.path.expandvars(path)))


def _with_slash(path):
    return os.path.join(path, '')


def _seconds(value, name):
    """A timeout for the native runner: None or 0 means none; numbers as float."""
    if value is None or value is False:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError('{0} must be a number of seconds, got {1!r}'.format(name, value))
    return seconds or None


def _timeout_kwarg(value):
    """The truthy timeout kwarg as int(timeout), by the rule every timer follows (the native
    config::timeout_kwarg: negative and NaN are refused, infinity is no timeout)."""
    timeout = _native.timeout_kwarg(_seconds(value, 'timeout'))
    return int(timeout) if math.isfinite(timeout) else timeout


class BaseConfig(object):

    _CONTAINER_ENGINES = ('docker', 'podman')
    # Whether an env file that exists but cannot be used (unreadable, not UTF-8, neither JSON
    # nor YAML) stops the job. run() jobs: yes (the reference silently drops such a file,
    # which changes the job without a word). The command helpers carry on without it.
    _strict_env_files = False

    def __init__(self, private_data_dir=None, host_cwd=None, envvars=None, passwords=None, settings=None,
                 project_dir=None, artifact_dir=None, fact_cache_type='jsonfile', fact_cache=None,
                 process_isolation=False, process_isolation_executable=None,
                 container_image=None, container_volume_mounts=None, container_options=None, container_workdir=None,
                 container_auth_data=None, ident=None, rotate_artifacts=0, timeout=None, ssh_key=None, quiet=False,
                 json_mode=False, check_job_event_data=False, suppress_env_files=False):
        self.host_cwd = host_cwd
        self.envvars = envvars
        self.ssh_key_data = ssh_key

        self.process_isolation = process_isolation
        self.process_isolation_executable = process_isolation_executable or defaults.default_process_isolation_executable
        self.container_image = container_image or defaults.default_container_image
        self.container_volume_mounts = container_volume_mounts
        self.container_workdir = container_workdir
        self.container_auth_data = container_auth_data
        self.registry_auth_path = None
        self.container_name = None  # known once the environment is prepared
        self.container_options = container_options
        self._volume_mount_paths = []

        self.rotate_artifacts = rotate_artifacts
        self.quiet = quiet
        self.json_mode = json_mode
        self.passwords = passwords
        self.settings = settings
        self.timeout = timeout
        self.check_job_event_data = check_job_event_data
        self.suppress_env_files = suppress_env_files

        if private_data_dir:
            self.private_data_dir = os.path.abspath(private_data_dir)
            os.makedirs(self.private_data_dir, exist_ok=True, mode=0o700)
        else:
            self.private_data_dir = tempfile.mkdtemp(prefix=defaults.AUTO_CREATE_NAMING, dir=defaults.AUTO_CREATE_DIR)

        artifact_root = (os.path.join(self.private_data_dir, 'artifacts') if artifact_dir is None
                         else os.path.abspath(artifact_dir))
        self.ident = str(uuid4()) if ident is None else ident
        self.artifact_dir = os.path.join(artifact_root, "{}".format(self.ident))
        self.project_dir = project_dir or os.path.join(self.private_data_dir, 'project')

        self.fact_cache_type = fact_cache_type
        self.fact_cache = (os.path.join(self.artifact_dir, fact_cache or 'fact_cache')
                           if self.fact_cache_type == 'jsonfile' else None)
        self.loader = ArtifactLoader(self.private_data_dir)

        if self.host_cwd:
            self.host_cwd = os.path.abspath(self.host_cwd)
            self.cwd = self.host_cwd
        else:
            self.cwd = os.getcwd()

        # What a Runner reads even when nothing was prepared (prepare sets them properly).
        self.env = {}
        self.expect_passwords = {}
        self.job_timeout = None
        self.idle_timeout = None
        self.pexpect_timeout = 5
        self.pexpect_use_poll = True
        self.suppress_output_file = False
        self.suppress_ansible_output = quiet
        # Files and dirs the job made for itself; the native runner removes them at the end.
        self.cleanup_paths = []

        os.makedirs(self.artifact_dir, exist_ok=True, mode=0o700)

    @property
    def containerized(self):
        return bool(self.process_isolation) and self.process_isolation_executable in self._CONTAINER_ENGINES

    # -- the environment -----------------------------------------------------------------------

    def _load_env_file(self, path, objtype):
        """The content of `path` (relative to the private data dir) through self.loader, or None
        when it is missing or of the wrong type."""
        try:
            return self.loader.load_file(path, objtype)
        except UnusableFileError:
            if self._strict_env_files:
                raise
            debug('Not loading {0}: it cannot be used'.format(path))
        except ConfigurationError:
            debug('Not loading {0}'.format(path))
        return None

    def _prepare_env(self, runner_mode='pexpect'):
        """Reads env/settings, env/passwords, env/envvars and env/ssh_key and builds the job
        environment and the run settings (timeouts, isolation, output) from them and the
        keyword arguments."""
        self.runner_mode = runner_mode

        # Unlike the reference, settings given as an argument survive a missing env/settings
        # (the reference's run() had written them there; ours writes no env files).
        settings = dict(self.settings) if isinstance(self.settings, Mapping) else {}
        settings.update(self._load_env_file('env/settings', Mapping) or {})
        self.settings = settings

        if runner_mode == 'pexpect':
            self._prepare_passwords()
            self.pexpect_timeout = settings.get('pexpect_timeout', 5)
            self.pexpect_use_poll = settings.get('pexpect_use_poll', True)
            self.idle_timeout = settings.get('idle_timeout', None)
            self.job_timeout = _timeout_kwarg(self.timeout) if self.timeout else settings.get('job_timeout', None)
        elif runner_mode == 'subprocess':
            self.subprocess_timeout = (_timeout_kwarg(self.timeout) if self.timeout
                                       else settings.get('subprocess_timeout', None))

        for name in ('process_isolation', 'process_isolation_executable', 'container_image',
                     'container_volume_mounts', 'container_options', 'container_auth_data'):
            setattr(self, name, settings.get(name, getattr(self, name)))

        container_artifacts = os.path.join(_CONTAINER_PDD, 'artifacts', str(self.ident))
        if self.containerized:
            self.container_name = "ansible_runner_{}".format(sanitize_container_name(self.ident))
            # Inside the container the job sees only what env.list gives it.
            self.env = {}
            if self.process_isolation_executable == 'podman':
                # fuse-overlayfs cannot set extended attributes; modules fall back with this set.
                self.env['ANSIBLE_UNSAFE_WRITES'] = '1'
            self.env['AWX_ISOLATED_DATA_DIR'] = container_artifacts
            if self.fact_cache_type == 'jsonfile':
                self.env['ANSIBLE_CACHE_PLUGIN_CONNECTION'] = os.path.join(container_artifacts, 'fact_cache')
        else:
            self.env = os.environ.copy()

        if self.envvars and isinstance(self.envvars, Mapping):
            self.env.update(self.envvars)
        envvars = self._load_env_file('env/envvars', Mapping)
        if envvars:
            self.env.update(envvars)

        if self.ssh_key_data is None:
            self.ssh_key_data = self._load_env_file('env/ssh_key', (str,))
        if self.ssh_key_data:
            # ssh-add reads the key from this FIFO (see wrap_args_with_ssh_agent); it never
            # lands in a regular file.
            self.ssh_key_path = os.path.join(self.artifact_dir, 'ssh_key_data')
            try:
                os.unlink(self.ssh_key_path)  # left by an earlier run with the same ident
            except FileNotFoundError:
                pass
            open_fifo_write(self.ssh_key_path, self.ssh_key_data)

        # The reference takes these from env/settings only; arguments given are our defaults.
        self.suppress_output_file = settings.get('suppress_output_file', bool(self.suppress_output_file))
        self.suppress_ansible_output = settings.get('suppress_ansible_output',
                                                    bool(self.quiet or self.suppress_ansible_output))
        self._fact_cache_from_settings()

        if self.containerized:
            # The plugin is copied to <artifact_dir>/callback, which the container sees.
            callback_copy = os.path.join(self.artifact_dir, 'callback')
            if os.path.exists(callback_copy):
                shutil.rmtree(callback_copy)
            shutil.copytree(get_callback_dir(), callback_copy)
            self._append_callback_dir(os.path.join(container_artifacts, 'callback'))
        else:
            # An empty AWX_LIB_DIRECTORY counts as unset (upstream main), so the plugin is
            # never silently lost.
            self._append_callback_dir(self.env.get('AWX_LIB_DIRECTORY') or os.getenv('AWX_LIB_DIRECTORY')
                                      or get_callback_dir())

        if self.env.get('ANSIBLE_STDOUT_CALLBACK'):
            self.env['ORIGINAL_STDOUT_CALLBACK'] = self.env['ANSIBLE_STDOUT_CALLBACK']
        if getattr(self, 'binary', None) is None and getattr(self, 'module', None) is not None:
            # Ad-hoc `ansible` loads a stdout callback plugin only when told to.
            self.env['ANSIBLE_LOAD_CALLBACK_PLUGINS'] = '1'
            self.env.setdefault('AD_HOC_COMMAND_ID', '1')
        self.env['ANSIBLE_STDOUT_CALLBACK'] = 'awx_display'
        self.env['ANSIBLE_RETRY_FILES_ENABLED'] = 'False'
        self.env.setdefault('ANSIBLE_HOST_KEY_CHECKING', 'False')
        if not self.containerized:
            self.env['AWX_ISOLATED_DATA_DIR'] = self.artifact_dir
        if self.fact_cache_type == 'jsonfile':
            self.env['ANSIBLE_CACHE_PLUGIN'] = 'jsonfile'
            if not self.containerized:
                self.env['ANSIBLE_CACHE_PLUGIN_CONNECTION'] = self.fact_cache

        # The child's environment holds strings only.
        self.env = {str(key): str(value) for key, value in self.env.items()}
        self._debug_env()

    def _prepare_passwords(self):
        """expect_passwords: each prompt pattern (compiled, multi-line) with its answer, from the
        passwords argument and env/passwords (the file wins), plus pexpect's TIMEOUT and EOF."""
        from_file = self._load_env_file('env/passwords', Mapping)
        if isinstance(self.passwords, Mapping) and self.passwords:
            merged = dict(self.passwords)
            merged.update(from_file or {})
            self.passwords = merged
        elif not self.passwords:
            self.passwords = from_file
        self.expect_passwords = {}
        if isinstance(self.passwords, Mapping):
            for pattern, answer in self.passwords.items():
                try:
                    self.expect_passwords[re.compile(pattern, re.M)] = answer
                except (re.error, TypeError) as exc:
                    # The reference then drops every prompt; we drop only the broken one.
                    debug('Failed to compile RE from passwords: {}'.format(exc))
        timeout, eof = _pexpect_sentinels()
        self.expect_passwords[timeout] = None
        self.expect_passwords[eof] = None

    def _fact_cache_from_settings(self):
        if 'fact_cache' in self.settings and self.settings.get('fact_cache_type', 'jsonfile') == 'jsonfile':
            self.fact_cache = os.path.join(self.artifact_dir, str(self.settings['fact_cache']))

    def _append_callback_dir(self, directory):
        self.env['ANSIBLE_CALLBACK_PLUGINS'] = ':'.join(
            filter(None, (self.env.get('ANSIBLE_CALLBACK_PLUGINS'), directory)))

    def _debug_env(self):
        debug('env:')
        for key, value in sorted(self.env.items()):
            debug(' {0}: {1}'.format(key, value))

    # -- command wrapping ------------------------------------------------------------------------

    def _handle_command_wrap(self, execution_mode, cmdline_args):
        """Wraps self.command for ssh-agent (when there is a key), then for the container."""
        if self.ssh_key_data:
            debug('ssh key data added')
            self.command = self.wrap_args_with_ssh_agent(self.command, self.ssh_key_path)
        if self.containerized:
            debug('containerization enabled')
            self.command = self.wrap_args_for_containerization(self.command, execution_mode, cmdline_args)
        else:
            debug('containerization disabled')
        if isinstance(getattr(self, 'command', None), list):
            debug('command: {0}'.format(' '.join(self.command)))

    def wrap_args_with_ssh_agent(self, args, ssh_key_path, ssh_auth_sock=None, silence_ssh_add=False):
        """args run by `sh -c` under a fresh ssh-agent, after ssh-add has read the key from
        ssh_key_path (a FIFO, removed whatever happens)."""
        if self.containerized:
            ssh_key_path = os.path.join(_CONTAINER_PDD, 'artifacts', str(self.ident), 'ssh_key_data')
        if not ssh_key_path:
            return args
        add_key = args2cmdline('ssh-add', ssh_key_path)
        if silence_ssh_add:
            add_key += ' 2>/dev/null'
        remove_key = 'rm -f {}'.format(ssh_key_path)
        # The trap removes the FIFO even when ssh-add fails, so no later reader hangs on it.
        script = ' && '.join([args2cmdline('trap', remove_key, 'EXIT'), add_key, remove_key, args2cmdline(*args)])
        wrapped = ['ssh-agent']
        if ssh_auth_sock:
            wrapped += ['-a', ssh_auth_sock]
        return wrapped + ['sh', '-c', script]

    def _ensure_path_safe_to_mount(self, path):
        if os.path.isfile(path):
            path = os.path.dirname(path)
        if _with_slash(path) in _UNSAFE_MOUNTS:
            raise ConfigurationError("When using containerized execution, cannot mount '/' or '/home' or '/usr'")

    def _update_volume_mount_paths(self, args_list, src_mount_path, dst_mount_path=None, labels=None):
        """Adds `-v SRC/:DST/[:labels]` to args_list unless it is there already. A file mounts
        its directory; a relative destination is taken under container_workdir; a source that
        does not exist is skipped."""
        if src_mount_path is None or not os.path.exists(src_mount_path):
            debug('Source volume mount path does not exist {0}'.format(src_mount_path))
            return
        src_path = _clean_path(src_mount_path)
        if dst_mount_path is None:
            dst_path = src_path
        elif self.container_workdir and not os.path.isabs(dst_mount_path):
            dst_path = _clean_path(os.path.join(self.container_workdir, dst_mount_path))
        else:
            dst_path = _clean_path(dst_mount_path)

        # The destination does not exist here: the source tells whether both are directories.
        is_dir = os.path.isdir(src_path)
        src_dir = _with_slash(src_path if is_dir else os.path.dirname(src_path))
        dst_dir = _with_slash(dst_path if is_dir else os.path.dirname(dst_path))
        self._ensure_path_safe_to_mount(src_dir)
        self._ensure_path_safe_to_mount(dst_dir)

        volume = '{0}:{1}'.format(src_dir, dst_dir)
        if labels:
            volume += labels if labels.startswith(':') else ':' + labels
        if volume not in args_list:
            args_list.extend(['-v', volume])

    def _get_playbook_path(self, cmdline_args):
        """The playbook among an ansible-playbook command line's arguments: the only argument
        left once the inventory options are taken out, else the first that is no option's value.
        None for an inventory option without its value (Ansible reports it)."""
        rest = list(cmdline_args)
        for arg in cmdline_args:
            if arg in _INVENTORY_OPTIONS:
                at = rest.index(arg)
                del rest[at]
                if at >= len(rest):
                    return None
                del rest[at]
        # The reference fails with IndexError on nothing left or an empty argument.
        if not rest:
            return ''
        if len(rest) == 1 or not rest[0].startswith('-'):
            return rest[0]
        for arg in rest[1:]:
            if arg.startswith('-'):
                continue
            # As the reference, the argument's first occurrence decides.
            before = rest.index(arg) - 1
            if before < 0 or not rest[before].startswith('-'):
                return arg
        return ''

    def _handle_ansible_cmd_options_bind_mounts(self, args_list, cmdline_args):
        """Mounts the files an Ansible tool's command line names: the playbook, inventories,
        vault password files, private keys."""
        if not cmdline_args or '-h' in cmdline_args or '--help' in cmdline_args:
            return
        if any('ansible-playbook' in value for value in self.command):
            playbook = self._get_playbook_path(cmdline_args)
            if playbook:
                self._update_volume_mount_paths(args_list, playbook)

        rest = list(cmdline_args)
        for arg in cmdline_args:
            if arg not in _FILE_OPTIONS:
                continue
            at = rest.index(arg)
            del rest[at]
            if at >= len(rest):
                return  # an option without its value: Ansible reports it
            value = rest.pop(at)
            if arg in _INVENTORY_OPTIONS and value.endswith(','):
                continue  # a host list, not a path
            self._update_volume_mount_paths(args_list, value)

    def _handle_automounts(self, new_args):
        """Shares the ssh agent socket, ~/.ssh and the known hosts file with the container."""
        home = os.environ.get('HOME')
        for automount in cli_mounts():
            for name in automount['ENVS']:
                if name not in os.environ:
                    continue
                value = os.environ[name]
                dest = value
                if os.path.exists(value):
                    # str.lstrip strips characters, not a prefix; kept as the reference has it,
                    # since the -v and -e below agree on the result.
                    if home and value.startswith(home):
                        dest = '/home/runner/{}'.format(value.lstrip(home))
                    elif value.startswith('~'):
                        dest = '/home/runner/{}'.format(value.lstrip('~/'))
                    self._update_volume_mount_paths(new_args, value, dst_mount_path=dest)
                new_args.extend(['-e', '{}={}'.format(name, dest)])
            for paths in automount['PATHS']:
                if os.path.exists(paths['src']):
                    self._update_volume_mount_paths(new_args, paths['src'], dst_mount_path=paths['dest'])

    def wrap_args_for_containerization(self, args, execution_mode, cmdline_args):
        """args run in a new container of container_image, with the private data dir mounted
        at /runner; sets self.cwd to the working dir inside the container. execution_mode
        NONE (run()) mounts only what container_volume_mounts names besides; the helpers'
        modes also mount the files their command line names and the ssh setup."""
        engine = self.process_isolation_executable
        new_args = [engine, 'run', '--rm']
        if self.runner_mode == 'pexpect' or getattr(self, 'input_fd', None) is not None:
            new_args.append('--tty')
        new_args.append('--interactive')

        if self.container_workdir:
            workdir = self.container_workdir
        elif self.host_cwd is not None and os.path.exists(self.host_cwd):
            self._ensure_path_safe_to_mount(self.host_cwd)
            self._update_volume_mount_paths(new_args, self.host_cwd)
            workdir = self.host_cwd
        else:
            workdir = os.path.join(_CONTAINER_PDD, 'project')
        self.cwd = workdir
        new_args.extend(['--workdir', workdir])

        artifacts = os.path.join(self.private_data_dir, 'artifacts')
        if execution_mode != BaseExecutionMode.NONE:
            if execution_mode == BaseExecutionMode.ANSIBLE_COMMANDS:
                self._handle_ansible_cmd_options_bind_mounts(new_args, cmdline_args)
            self._handle_automounts(new_args)
            if 'podman' in engine:
                new_args.extend(['--group-add=root', '--ipc=host'])
            self._ensure_path_safe_to_mount(self.private_data_dir)
            for sub in ('project', 'artifacts'):
                path = os.path.join(self.private_data_dir, sub)
                if not os.path.exists(path):
                    os.mkdir(path, 0o700)
            self._update_volume_mount_paths(new_args, artifacts, dst_mount_path='/runner/artifacts', labels=':Z')
        elif not os.path.exists(artifacts):
            os.mkdir(artifacts, 0o700)

        self._update_volume_mount_paths(new_args, self.private_data_dir, dst_mount_path=_CONTAINER_PDD, labels=':Z')

        if self.container_auth_data:
            self.registry_auth_path, registries_conf = self._generate_container_auth_dir(self.container_auth_data)
            if 'podman' in engine:
                new_args.append('--authfile={}'.format(self.registry_auth_path))
            else:
                new_args.insert(new_args.index(engine) + 1, '--config={}'.format(self.registry_auth_path))
            if registries_conf is not None:
                self.env['CONTAINERS_REGISTRIES_CONF'] = registries_conf  # podman >= 3.1.0
                self.env['REGISTRIES_CONFIG_PATH'] = registries_conf  # podman < 3.1.0

        for mapping in self.container_volume_mounts or []:
            parts = mapping.split(':', 2)
            if len(parts) < 2:
                # The reference fails with IndexError.
                raise ConfigurationError("container_volume_mounts: '{0}' is not of the form src:dst[:labels]"
                                         .format(mapping))
            self._ensure_path_safe_to_mount(parts[0])
            labels = ':' + parts[2] if len(parts) == 3 else None
            self._update_volume_mount_paths(new_args, parts[0], dst_mount_path=parts[1], labels=labels)

        # The runner writes the job environment there just before starting the engine.
        new_args.extend(['--env-file', os.path.join(self.artifact_dir, 'env.list')])
        if 'podman' in engine:
            new_args.append('--quiet')
        if 'docker' in engine:
            new_args.append('--user={}'.format(os.getuid()))
        new_args.extend(['--name', self.container_name])
        if self.container_options:
            new_args.extend(self.container_options)
        new_args.append(self.container_image)
        new_args.extend(args)
        debug('container engine invocation: {0}'.format(' '.join(new_args)))
        return new_args

    def _generate_container_auth_dir(self, auth_data):
        """A new 0700 temp dir holding the registry credentials (auth.json for podman,
        config.json for docker) and, when verify_ssl is false, a registries.conf. Returns
        (what to pass to the engine: the file for podman, the dir for docker, the
        registries.conf path or None)."""
        host = auth_data.get('host')
        token = '{}:{}'.format(auth_data.get('username'), auth_data.get('password'))
        document = {'auths': {host: {'auth': b64encode(token.encode('UTF-8')).decode('UTF-8')}}}
        path = tempfile.mkdtemp(prefix='%s%s_' % (defaults.registry_auth_prefix, self.ident))
        register_for_cleanup(path)
        # The native runner removes it after the job (the reference keeps it until exit).
        self.cleanup_paths.append(path)

        docker = self.process_isolation_executable == 'docker'
        auth_file = os.path.join(path, 'config.json' if docker else 'auth.json')
        _write_private(auth_file, json.dumps(document, indent=4))
        registries_conf = None
        if auth_data.get('verify_ssl', True) is False:
            registries_conf = os.path.join(path, 'registries.conf')
            _write_private(registries_conf, '\n'.join(['[[registry]]', 'location = "{}"'.format(host),
                                                       'insecure = true']))
        return (path if docker else auth_file), registries_conf

    # -- hand-over to the native runner ----------------------------------------------------------

    def _native_fields(self):
        """The prepared job as the native runner takes it (the JobConfig fields), read from the
        attributes, so whatever a caller set after (or instead of) prepare counts."""
        containerized = bool(self.containerized)
        env = {str(key): str(value) for key, value in (getattr(self, 'env', None) or {}).items()}
        command = getattr(self, 'command', None)
        if isinstance(command, str):
            command = [command]
        if not isinstance(command, (list, tuple)) or not command:
            raise ConfigurationError('No command to run: prepare the config first')
        passwords = []
        for key, answer in (getattr(self, 'expect_passwords', None) or {}).items():
            if hasattr(key, 'pattern'):  # pexpect's TIMEOUT and EOF are no prompts
                passwords.append([key.pattern, None if answer is None else str(answer)])
        has_key = bool(getattr(self, 'ssh_key_data', None)) and bool(getattr(self, 'ssh_key_path', None))
        fields = dict(
            private_data_dir=self.private_data_dir,
            ident=str(self.ident),
            artifact_dir=str(self.artifact_dir),
            project_dir=str(self.project_dir),
            command=[str(arg) for arg in command],
            cwd=str(self.cwd),
            env=env,
            job_timeout=_seconds(getattr(self, 'job_timeout', None), 'job_timeout'),
            idle_timeout=_seconds(getattr(self, 'idle_timeout', None), 'idle_timeout'),
            pexpect_timeout=_seconds(getattr(self, 'pexpect_timeout', 5), 'pexpect_timeout') or 5,
            suppress_output_file=bool(getattr(self, 'suppress_output_file', False)),
            suppress_ansible_output=bool(getattr(self, 'suppress_ansible_output', False)),
            json_mode=bool(self.json_mode),
            check_job_event_data=bool(self.check_job_event_data),
            rotate_artifacts=int(self.rotate_artifacts or 0),
            passwords=passwords,
            # The key went to its FIFO through open_fifo_write in _prepare_env: the runner only
            # removes the FIFO at the end if ssh-add never read it.
            ssh_key=None,
            ssh_key_fifo=self.ssh_key_path if has_key else '',
            fact_cache_type=self.fact_cache_type or '',
            fact_cache_dir=self.fact_cache if self.fact_cache_type == 'jsonfile' and self.fact_cache else None,
            containerized=containerized,
            sandboxed=bool(getattr(self, 'sandboxed', False)),
            container_name=self.container_name if containerized else None,
            process_isolation_executable=self.process_isolation_executable if self.process_isolation else None,
            cleanup_paths=[str(path) for path in getattr(self, 'cleanup_paths', None) or []],
        )
        if containerized:
            # The engine runs here, with our environment plus the job's (secrets pass through
            # it); the container gets the job environment from env.list.
            fields['env_list'] = '\n'.join('{}={}'.format(key, value) for key, value in env.items())
            spawn_env = {str(key): str(value) for key, value in os.environ.items()}
            spawn_env.update(env)
            fields['spawn_env'] = spawn_env
            fields['spawn_cwd'] = os.getcwd()
        return fields


def _write_private(path, text):
    """Writes a new file readable by its owner only (never through an existing file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, 'w') as handle:
        handle.write(text)

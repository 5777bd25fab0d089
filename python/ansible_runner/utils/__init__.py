"""Helpers of ansible_runner: artifact writing, private data dir preparation, event parsing.

The standard modules below are used through their module objects (threading.main_thread,
signal.signal, os.path.exists, tempfile.mkdtemp, subprocess.Popen) on purpose: callers and
upstream's tests patch them as ansible_runner.utils.<module>.<name>.
"""
import atexit
import base64
import codecs
import errno
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, MutableMapping
from io import StringIO
from shlex import quote

from ansible_runner.exceptions import ConfigurationError

# Mode of the files dump_artifact() writes.
_ARTIFACT_MODE = 0o600


def cleanup_folder(folder):
    """Removes the directory tree folder; True when something was removed."""
    # The reference raises on a symlink (rmtree refuses them); a link is not ours to delete.
    if os.path.islink(folder):
        return False
    try:
        shutil.rmtree(folder)
        return True
    except (FileNotFoundError, NotADirectoryError):
        return False


def register_for_cleanup(folder):
    """Removes folder (which need not exist yet) when the interpreter exits."""
    atexit.register(cleanup_folder, folder)


def get_plugin_dir():
    """The directory holding our Ansible callback plugin package (display_callback)."""
    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(package_dir, 'display_callback')


def get_callback_dir():
    """The directory to put on ANSIBLE_CALLBACK_PLUGINS for the awx_display callback."""
    return os.path.join(get_plugin_dir(), 'callback')


def is_dir_owner(directory):
    """True when the effective user owns directory."""
    # Compared by uid: the reference compares user names and raises for a uid without one.
    return os.stat(directory).st_uid == os.geteuid()


class Bunch(object):
    """An object whose attributes are the keyword arguments it was given."""

    def __init__(self, **kwargs):
        self.update(**kwargs)

    def update(self, **kwargs):
        self.__dict__.update(kwargs)

    def get(self, key):
        return self.__dict__.get(key)


def isplaybook(obj):
    """True for a sequence of plays: iterable, but neither a string nor a mapping."""
    return isinstance(obj, Iterable) and not isinstance(obj, (str, MutableMapping))


def isinventory(obj):
    """True for an inline inventory: a mapping, or a string (a path or INI text)."""
    return isinstance(obj, (MutableMapping, str))


def check_isolation_executable_installed(isolation_executable):
    """True when `<isolation_executable> --version` runs and succeeds (podman, docker, bwrap)."""
    try:
        proc = subprocess.Popen([isolation_executable, '--version'],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.communicate()
        return proc.returncode == 0
    except (OSError, ValueError) as exc:
        # Only "no such file" means "not installed"; anything else is a real problem.
        if isinstance(exc, ValueError) or getattr(exc, 'errno', None) != 2:
            raise RuntimeError(f'{isolation_executable} unavailable for unexpected reason.')
        return False


def _regular_file_bytes(path):
    """The bytes of path when it is a regular file (never through a symlink), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, 'rb') as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return handle.read()


def _write_replacing(path, data, mode):
    """Writes path as a new file renamed into place: readers never see half a file, and a
    symlink or hard link planted at path is replaced, not written through."""
    directory, name = os.path.split(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.%s.' % name)
    try:
        with os.fdopen(fd, 'wb') as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def dump_artifact(obj, path, filename=None):
    """Writes obj (text) to <path>/<filename> unless that file already holds exactly it.

    path is created (0700) when missing; without filename a fresh unique name is used.
    Returns the file's full path.
    """
    # The reference writes in place (through planted symlinks) under a lock file; we write a
    # temp file and rename it, which needs no lock. Mode 0600, as the core: 2.3.1's 0400
    # makes a later rewrite fail for non-root users.
    data = str(obj).encode('utf-8')
    os.makedirs(path, mode=0o700, exist_ok=True)
    if filename is None:
        fd, fn = tempfile.mkstemp(dir=path)
        os.close(fd)
    else:
        fn = os.path.join(path, filename)
    if _regular_file_bytes(fn) != data:
        _write_replacing(fn, data, _ARTIFACT_MODE)
    return fn


def cleanup_artifact_dir(path, num_keep=0):
    """Keeps the num_keep most recently modified entries of path, removes the others
    (num_keep < 1 keeps everything)."""
    if num_keep < 1:
        return
    entries = sorted((os.path.join(path, name) for name in os.listdir(path)), key=os.path.getmtime)
    for entry in entries[:max(len(entries) - num_keep, 0)]:
        # The reference's rmtree fails on a plain file or symlink; those are unlinked.
        if os.path.isdir(entry) and not os.path.islink(entry):
            shutil.rmtree(entry)
        else:
            os.unlink(entry)


def _role_playbook(kwargs, private_data_dir):
    """Turns the role kwargs into a one-play playbook and sets ANSIBLE_ROLES_PATH."""
    role = {'name': kwargs.pop('role')}
    if 'role_vars' in kwargs:
        role['vars'] = kwargs.pop('role_vars')
    play = {'hosts': kwargs.pop('hosts', 'all'), 'roles': [role]}
    if kwargs.pop('role_skip_facts', False):
        play['gather_facts'] = False
    kwargs['playbook'] = [play]

    own_roles = os.path.join(private_data_dir, 'roles')
    roles_path = kwargs.pop('roles_path', None)
    if isinstance(roles_path, (list, tuple)):
        # A list is documented but the reference mangles it; it becomes a ':'-joined path.
        roles_path = ':'.join(str(p) for p in roles_path)
    roles_path = roles_path + ':' + own_roles if roles_path else own_roles
    # A copy: the reference adds the key to the caller's own envvars dict.
    envvars = dict(kwargs.get('envvars') or {})
    envvars['ANSIBLE_ROLES_PATH'] = roles_path
    kwargs['envvars'] = envvars


def dump_artifacts(kwargs):
    """Writes the inline objects of run() kwargs into the private data dir, in place.

    A role becomes a generated playbook; playbook and inventory objects become files whose
    paths replace them in kwargs; env objects (envvars, extravars, passwords, settings,
    ssh_key, cmdline) become env/<name> files, unless such a file exists already or
    suppress_env_files is set, and are then removed from kwargs.
    """
    private_data_dir = kwargs.get('private_data_dir')
    if not private_data_dir:
        private_data_dir = tempfile.mkdtemp()
        kwargs['private_data_dir'] = private_data_dir
    if not os.path.exists(private_data_dir):
        raise ValueError('private_data_dir path is either invalid or does not exist')

    if 'role' in kwargs:
        _role_playbook(kwargs, private_data_dir)

    playbook = kwargs.get('playbook')
    if playbook:
        if isinstance(playbook, MutableMapping):
            playbook = [playbook]
        if isplaybook(playbook):
            kwargs['playbook'] = dump_artifact(json.dumps(playbook),
                                               os.path.join(private_data_dir, 'project'), 'main.json')

    inventory = kwargs.get('inventory')
    if inventory and isinventory(inventory):
        inventory_dir = os.path.join(private_data_dir, 'inventory')
        if isinstance(inventory, MutableMapping):
            kwargs['inventory'] = dump_artifact(json.dumps(inventory), inventory_dir, 'hosts.json')
        elif not os.path.exists(inventory):
            # A string that is no existing path is inventory text.
            kwargs['inventory'] = dump_artifact(inventory, inventory_dir, 'hosts')

    dump_env_files(kwargs, private_data_dir)


def dump_env_files(kwargs, private_data_dir):
    """The env part of dump_artifacts: envvars, extravars, passwords, settings (as JSON) and
    ssh_key, cmdline (as text) become <pdd>/env/<name> files, removed from kwargs, unless such
    a file exists already or suppress_env_files is set. Ansible then reads extravars through
    `-e @env/extravars`: a large mapping never meets the kernel's limit on one argument."""
    if kwargs.get('suppress_env_files', False):
        return
    env_dir = os.path.join(private_data_dir, 'env')
    for key, as_text in (('envvars', json.dumps), ('extravars', json.dumps), ('passwords', json.dumps),
                         ('settings', json.dumps), ('ssh_key', str), ('cmdline', str)):
        value = kwargs.get(key)
        if value and not os.path.exists(os.path.join(env_dir, key)):
            dump_artifact(as_text(value), env_dir, key)
            kwargs.pop(key)


_EVENT_FILE_RE = re.compile(r'^[0-9]+-.+json$')


def collect_new_events(event_path, old_events):
    """Yields (event, old_events) for each event file in event_path not yet in old_events, in
    counter order; stops at a file that is not complete JSON yet (still being written)."""
    names = [name for name in os.listdir(event_path)
             if _EVENT_FILE_RE.match(name) and '-partial' not in name and name not in old_events]
    names.sort(key=lambda name: int(name.split('-', 1)[0]))
    for name in names:
        with codecs.open(os.path.join(event_path, name), 'r', encoding='utf-8') as handle:
            try:
                event = json.load(handle)
            except ValueError:
                break
        old_events[name] = True
        yield event, old_events


class OutputEventFilter(object):
    """A file-like object that takes Ansible's output with our callback's encoded event data
    embedded, calls event_callback for every event and writes the plain text to handle (and
    to sys.stdout unless suppress_ansible_output).

    The callback wraps each event's JSON, base64 encoded, as ESC[K <chunk> ESC[<n>D ... ESC[K
    before that event's text; text outside any event becomes 'verbose' events, one per line.
    """

    EVENT_DATA_RE = re.compile(r'\x1b\[K((?:[A-Za-z0-9+/=]+\x1b\[\d+D)+)\x1b\[K')
    _CURSOR_MOVE_RE = re.compile(r'\x1b\[\d+D')

    def __init__(self, handle, event_callback, suppress_ansible_output=False, output_json=False):
        self._event_callback = event_callback
        self._counter = 0
        self._start_line = 0
        self._handle = handle
        self._buffer = StringIO()
        self._last_chunk = ''
        self._current_event_data = None
        self.output_json = output_json
        self.suppress_ansible_output = suppress_ansible_output

    def flush(self):
        if self._handle:
            self._handle.flush()

    def _show(self, text):
        if not self.suppress_ansible_output:
            sys.stdout.write(text)
            sys.stdout.flush()
        if self._handle:
            self._handle.write(text)
            self._handle.flush()

    def _show_events(self, events):
        for event in events:
            text = json.dumps(event) if self.output_json else event.get('stdout')
            if text and text != '{}':
                self._show(text + '\n')

    def write(self, data):
        self._buffer.write(data)
        # A marker may straddle two writes, so the previous chunk is looked at too; without
        # one the (possibly large) buffer is not searched at all.
        has_marker = '\x1b[K' in self._last_chunk + data
        self._last_chunk = data
        if has_marker:
            while True:
                value = self._buffer.getvalue()
                match = self.EVENT_DATA_RE.search(value)
                if not match:
                    break
                try:
                    encoded = self._CURSOR_MOVE_RE.sub('', match.group(1))
                    event_data = json.loads(base64.b64decode(encoded).decode('utf-8'))
                except ValueError:
                    event_data = {}
                # The reference shows only the last of several verbose lines here; we show all.
                self._show_events(self._emit(value[:match.start()], event_data))
                remainder = value[match.end():]
                self._buffer = StringIO()
                self._buffer.write(remainder)
                self._last_chunk = remainder
        elif '\n' in data and self._current_event_data is None:
            # Plain output between events: each complete line becomes a verbose event now.
            lines = self._buffer.getvalue().splitlines(True)
            partial = lines.pop() if '\n' not in lines[-1] else None
            for line in lines:
                self._emit(line)
                self._show(line)
            self._buffer = StringIO()
            if partial:
                self._buffer.write(partial)

    def close(self):
        value = self._buffer.getvalue()
        if value:
            # The reference emits this last unterminated text but never shows it; we show it.
            self._show_events(self._emit(value))
            self._buffer = StringIO()
        self._event_callback(dict(event='EOF'))
        if self._handle:
            self._handle.close()

    def _emit(self, text, next_event_data=None):
        """Calls the callback for text: as the stdout of the event whose data came before it,
        or as verbose events, one per line. Returns the events emitted."""
        current = self._current_event_data
        if current:
            chunks = [(current, text)]
        elif text:
            # A new dict per line (the reference reuses one, so callers saw the last line only).
            chunks = [(dict(event='verbose', uuid=str(uuid.uuid4())), line) for line in text.splitlines(True)]
        else:
            chunks = []
        emitted = []
        for event_data, chunk in chunks:
            self._counter += 1
            newlines = chunk.count('\n')
            event_data['counter'] = self._counter
            event_data['stdout'] = chunk.rstrip('\r\n')
            event_data['start_line'] = self._start_line
            event_data['end_line'] = self._start_line + newlines
            self._start_line += newlines
            if self._event_callback:
                self._event_callback(event_data)
            emitted.append(event_data)
        next_event_data = next_event_data or {}
        self._current_event_data = next_event_data if next_event_data.get('uuid') else None
        return emitted

    def _emit_event(self, buffered_stdout, next_event_data=None):
        """The reference's form of _emit: returns the last event emitted, or {}."""
        emitted = self._emit(buffered_stdout, next_event_data)
        return emitted[-1] if emitted else {}


def open_fifo_write(path, data):
    """Creates the FIFO path (0600) and writes data (str or bytes) into it from a thread once a
    reader (e.g. ssh-add) opens it. The thread gives up when the FIFO is removed or replaced
    (the job ended without reading it), so it never outlives the job."""
    os.mkfifo(path, stat.S_IRUSR | stat.S_IWUSR)
    if isinstance(data, str):
        data = data.encode()
    made = os.stat(path)

    def still_ours():
        try:
            now = os.stat(path)
        except OSError:
            return False
        return (now.st_dev, now.st_ino) == (made.st_dev, made.st_ino)

    def feed():
        # The reference blocks in open() until a reader comes, for ever if none does. A
        # non-blocking open fails with ENXIO while nobody reads, so it is retried instead.
        while still_ours():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            except OSError as exc:
                if exc.errno != errno.ENXIO:
                    return
                time.sleep(0.05)
                continue
            os.set_blocking(fd, True)
            try:
                with os.fdopen(fd, 'wb') as fifo:
                    fifo.write(data)
            except OSError:
                pass  # the reader went away (e.g. ssh-add failed): nothing left to feed
            return

    threading.Thread(target=feed, daemon=True).start()


def args2cmdline(*args):
    """The arguments as one shell-quoted command line."""
    return ' '.join(quote(arg) for arg in args)


def ensure_str(s, encoding='utf-8', errors='strict'):
    """s as str: bytes are decoded, str is returned as is, anything else is a TypeError."""
    if isinstance(s, bytes):
        return s.decode(encoding, errors)
    if isinstance(s, str):
        return s
    raise TypeError("not expecting type '%s'" % type(s))


def sanitize_container_name(original_name):
    """original_name (any value) with every character podman/docker refuse in a container
    name replaced by '_'."""
    return re.sub('[^a-zA-Z0-9_-]', '_', str(original_name))


def cli_mounts():
    """Paths and environment variables the CLI shares with a container job (ssh setup)."""
    # os.path.expanduser: the reference reads $HOME and raises KeyError without it.
    ssh_dir = '{}/.ssh/'.format(os.path.expanduser('~'))
    return [
        {
            'ENVS': ['SSH_AUTH_SOCK'],
            'PATHS': [
                {'src': ssh_dir, 'dest': '/home/runner/.ssh/'},
                {'src': ssh_dir, 'dest': '/root/.ssh/'},
                {'src': '/etc/ssh/ssh_known_hosts', 'dest': '/etc/ssh/ssh_known_hosts'},
            ]
        },
    ]


def sanitize_json_response(data):
    """data from its first '{' on, stripped: drops the warnings Ansible's tools print before
    their JSON output."""
    start = data.find('{')
    # Without a '{' the reference fails with AttributeError; the text is left to json.loads.
    return data[start:].strip() if start >= 0 else data.strip()


def get_executable_path(name):
    """The full path of the command name on PATH; ConfigurationError when there is none."""
    path = shutil.which(name)
    if path is None:
        raise ConfigurationError(f'{name} command not found')
    return path


def signal_handler():
    """Installs SIGTERM and SIGINT handlers that only record the signal, and returns a function
    telling whether one arrived; None (and no handlers) outside the main thread, where Python
    cannot install them."""
    if threading.current_thread() is not threading.main_thread():
        return None

    received = threading.Event()

    def _handler(number, frame):
        received.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    return received.is_set

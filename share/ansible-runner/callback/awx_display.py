# Stdout callback plugin for the C++ ansible-runner.
#
# Ansible loads only Python plugins, so this one file is the Python part of the runner.
# It renders text with a normal stdout callback and wraps the text of every event in
# invisible in-band frames (docs/artifacts-and-events.md, sections 3 and 4):
#
#   ESC _ <the JSON event> ESC \
#   ... the event's text ...
#   ESC _ {} ESC \
#
# Events, their fields and their text are the same as those of the ansible-runner 2.3
# plugin. The difference is the transport: that plugin puts only the uuid in the begin
# frame, as base64 in ESC[K ... ESC[K, and the data in job_events/<uuid>-partial.json; this
# one puts the whole event's JSON in the begin frame as it is and writes no files.

from __future__ import absolute_import, division, print_function

DOCUMENTATION = '''
    name: awx_display
    type: stdout
    short_description: Emits framed ansible-runner events around the normal screen output
    version_added: "2.0"
    description:
        - Needed by ansible-runner, which finds the events in the output of Ansible.
        - The text comes from the callback named by ORIGINAL_STDOUT_CALLBACK, else C(minimal)
          for ad-hoc commands (AD_HOC_COMMAND_ID set), else C(default).
    extends_documentation_fragment:
      - default_callback
    requirements:
      - Set as the stdout callback
'''

import copy
import datetime
import functools
import inspect
import io
import json
import multiprocessing
import os
import sys
import threading

from ansible import constants as C
from ansible.plugins.loader import callback_loader
from ansible.utils.display import Display

CENSORED = ("the output has been hidden due to the fact that 'no_log: true' was specified "
            "for this result")

IS_ADHOC = bool(os.getenv('AD_HOC_COMMAND_ID', ''))

# Flags that Display methods leave in the context; the first one set names a
# non-callback event. Anything else displayed outside a callback is 'verbose'.
DISPLAY_EVENT_FLAGS = ('debug', 'verbose', 'deprecated', 'warning', 'system_warning', 'error')

# Events that are never about a task (they must not take one from their arguments).
EVENTS_WITHOUT_PLAY = ('playbook_on_start', 'playbook_on_stats')
EVENTS_WITHOUT_TASK = frozenset(EVENTS_WITHOUT_PLAY + (
    'playbook_on_setup',
    'playbook_on_notify',
    'playbook_on_import_for_host',
    'playbook_on_not_import_for_host',
    'playbook_on_no_hosts_matched',
    'playbook_on_no_hosts_remaining',
))

# Only these keep their event_data with RUNNER_ONLY_FAILED_EVENTS. 'runner_on_item_failed'
# is not an event name (the real one is runner_item_on_failed); the 2.3 plugin has the same
# list, so item failures lose their data there too and we keep that behaviour.
FAILED_EVENTS = ('runner_on_failed', 'runner_on_async_failed', 'runner_on_item_failed')

TASK_CONTEXT_KEYS = ('task', 'task_path', 'task_uuid', 'task_action', 'task_args',
                     'resolved_action', 'role', 'resolved_role')
TASK_CONTEXT_KEYS_SET = frozenset(TASK_CONTEXT_KEYS)

# A frame is an APC string (ESC _ ... ESC \), which terminals do not show.
FRAME_OPEN = '\x1b_'
FRAME_CLOSE = '\x1b\\'


def _base_callback_class():
    name = os.getenv('ORIGINAL_STDOUT_CALLBACK')
    if not name:
        name = 'minimal' if IS_ADHOC else 'default'
    return callback_loader.get(name).__class__


BaseCallback = _base_callback_class()


def utc_now():
    # naive UTC, as the 2.3 runner writes it
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def utc_now_text():
    # utc_now().isoformat(), without building the naive copy: an aware time's text is the
    # naive one's and "+00:00"
    return _now(_UTC).isoformat()[:-6]


_now = datetime.datetime.now
_UTC = datetime.timezone.utc


# The settings read for every event. The runner sets them before Ansible starts and tasks
# cannot change the controller's environment, so they are read once: a lookup in os.environ
# costs more than the rest of building a small event's header (bench/FINDINGS.md, section 7).
# Conversions still happen per event, so a bad value fails where it did before.
_EVENT_ENV = {name: os.environ.get(name) for name in (
    'JOB_ID', 'AD_HOC_COMMAND_ID', 'PROJECT_UPDATE_ID',
    'RUNNER_OMIT_EVENTS', 'RUNNER_ONLY_FAILED_EVENTS', 'MAX_EVENT_RES')}
_JOB_ID_KEYS = (('JOB_ID', 'job_id'), ('AD_HOC_COMMAND_ID', 'ad_hoc_command_id'),
                ('PROJECT_UPDATE_ID', 'project_update_id'))


_NO_VALUES = {}


def _env_is_true(name):
    return (_EVENT_ENV[name] or 'False').lower() == 'true'


# The two switches cannot fail to convert, so they are converted once.
_OMIT_EVENT_DATA = _env_is_true('RUNNER_OMIT_EVENTS')
_ONLY_FAILED_EVENT_DATA = _env_is_true('RUNNER_ONLY_FAILED_EVENTS')


class EventEncoder(json.JSONEncoder):
    """Results may hold !vault values and dates; anything else unknown is an error."""

    def default(self, o):
        if getattr(o, 'yaml_tag', None) == '!vault':
            ciphertext = o._ciphertext
            if isinstance(ciphertext, bytes):
                ciphertext = ciphertext.decode('utf-8')
            return {'__ansible_vault': ciphertext}
        if isinstance(o, (datetime.date, datetime.datetime)):
            return o.isoformat()
        return super(EventEncoder, self).default(o)


def _json_writer():
    """json.dumps(o, cls=EventEncoder) for dicts, without building an encoder for every event."""
    default = EventEncoder().default
    make_encoder = getattr(json.encoder, 'c_make_encoder', None)
    if make_encoder is None:
        return lambda o: json.dumps(o, cls=EventEncoder)

    def write(o):
        # a fresh markers dict per call: it finds circular references, as json.dumps does
        return ''.join(make_encoder({}, default, json.encoder.encode_basestring_ascii, None, ': ', ', ',
                                    False, False, True)(o, 0))
    return write


event_json = _json_writer()


def encode_frame(json_text):
    # json_text is printable ASCII (ensure_ascii escapes the rest), so it holds no ESC and
    # the frame ends at the first ST
    return FRAME_OPEN + json_text + FRAME_CLOSE


END_FRAME = encode_frame(event_json({}))


class EventContext(object):
    """What the next event is about, and the writing of its frames.

    Two layers, merged with the thread's layer winning: a process-wide one (playbook,
    play, current task) set by the callback, and a per-thread one holding the event
    being written. Per-thread because Ansible calls callbacks from its results thread
    while the main thread keeps displaying. Forked workers inherit a copy of both.
    """

    def __init__(self):
        # Shared with forked workers: a worker's frames must not land inside an event
        # that the main process is writing to the same terminal.
        self.lock = multiprocessing.RLock()
        self._process_wide = {}
        # The task values in _process_wide as set_task put them (None when they may not be),
        # and the members of _process_wide's JSON, kept while it is unchanged: most events
        # are about the task of the moment, and their frames reuse that text. Both change
        # only under self.lock, under which every event is built.
        self._wide_task = None
        self._wide_members = None
        self._thread = threading.local()
        self.pid = os.getpid()
        self._uuids = []
        self._display_lock = None
        # A forked worker must neither name the parent's pid nor hand out the parent's
        # unused uuids.
        os.register_at_fork(after_in_child=self._forget_parent)

    def _forget_parent(self):
        self.pid = os.getpid()
        self._uuids = []
        self._wide_members = None  # made again from the copy of the layer this process has

    def new_uuid(self):
        """str(uuid.uuid4()), from random bytes drawn 4 KiB at a time: os.urandom lets go of
        the GIL, and every hand-over to Ansible's other thread costs more than the call."""
        try:
            return self._uuids.pop()  # one atomic step: safe between threads
        except IndexError:
            pass
        pool = bytearray(os.urandom(4096))
        uuids = []
        for at in range(0, len(pool), 16):
            pool[at + 6] = (pool[at + 6] & 0x0f) | 0x40  # version 4
            pool[at + 8] = (pool[at + 8] & 0x3f) | 0x80  # RFC 4122 variant
            h = pool[at:at + 16].hex()
            uuids.append('%s-%s-%s-%s-%s' % (h[:8], h[8:12], h[12:16], h[16:20], h[20:]))
        self._uuids = uuids
        return uuids.pop()

    # -- context layers (keys are removed on exit, never restored, as in 2.3) --

    def _thread_layer(self):
        layer = getattr(self._thread, 'layer', None)
        if layer is None:
            layer = self._thread.layer = {}
        return layer

    def put(self, process_wide=False, **values):
        if not process_wide:
            self._thread_layer().update(values)
            return
        with self.lock:
            self._process_wide.update(values)
            self._wide_changed(values)

    def drop(self, keys, process_wide=False):
        if not process_wide:
            layer = self._thread_layer()
            for key in keys:
                layer.pop(key, None)
            return
        with self.lock:
            for key in keys:
                self._process_wide.pop(key, None)
            self._wide_changed(keys)

    def set_task(self, task_values):
        """The process-wide task: `task_values` (from task_context) in place of any before."""
        with self.lock:
            self.drop(TASK_CONTEXT_KEYS, process_wide=True)
            self.put(process_wide=True, **task_values)
            self._wide_task = task_values

    def _wide_changed(self, keys):
        self._wide_members = None
        if not TASK_CONTEXT_KEYS_SET.isdisjoint(keys):
            self._wide_task = None

    def begin_event(self, values, task_values=None):
        """Gives this thread a layer for the event being written: the one it had plus
        `values` (and the event's task, which replaces any task there). Returns the layer it
        had, for end_event."""
        outer = self._thread_layer()
        layer = dict(outer) if outer else {}  # nearly always empty: nothing is set around a callback
        layer.update(values)
        if task_values is not None:
            if not layer.keys().isdisjoint(TASK_CONTEXT_KEYS):
                for key in TASK_CONTEXT_KEYS:
                    layer.pop(key, None)
            if task_values != self._wide_task:
                # else the process-wide layer holds the same keys and values, in the places
                # the merged event gives them: the event's frame can reuse that layer's JSON
                layer.update(task_values)
        self._thread.layer = layer
        return outer

    def end_event(self, outer, values, had_task):
        """Puts the layer begin_event took back, without the keys the event set: they are
        removed, not restored, as in 2.3."""
        if outer:
            for key in values:
                outer.pop(key, None)
            if had_task:
                for key in TASK_CONTEXT_KEYS:
                    outer.pop(key, None)
        self._thread.layer = outer

    def merged(self):
        merged = dict(self._process_wide)
        merged.update(self._thread_layer())
        return merged

    def in_event(self):
        # merged().get('uuid') without copying both layers: called on every display
        layer = self._thread_layer()
        return bool(layer['uuid'] if 'uuid' in layer else self._process_wide.get('uuid'))

    # -- building the event --

    def build_event(self):
        """The event, from both layers merged (the thread's values win)."""
        event, data = self._event_header(self.merged())
        event['event_data'] = self._filter_event_data(event['event'], data)
        return event

    def event_text(self):
        """event_json(self.build_event()), with the process-wide layer's part of event_data
        encoded once for all the events built while it is unchanged (half of a task result's
        JSON). Called under self.lock, as the layer changes only there."""
        wide = self._process_wide
        layer = self._thread_layer()
        if _OMIT_EVENT_DATA or _ONLY_FAILED_EVENT_DATA or not wide or not layer.keys().isdisjoint(wide):
            return event_json(self.build_event())
        # The merged dict would hold the process-wide keys first, then this thread's.
        event, data = self._event_header(dict(layer), wide)
        header = event_json(event)
        own = event_json(self._filter_event_data(event['event'], data))
        if self._wide_members is None:
            self._wide_members = event_json(wide)[1:-1]
        # {header..., "event_data": {process-wide members, this thread's members}}
        return ''.join((header[:-1], ', "event_data": {', self._wide_members, ', ' if data else '', own[1:], '}'))

    def _event_header(self, data, wide=_NO_VALUES):
        """The event without its event_data, and what is left of `data` for it (both layers
        merged, or this thread's alone when `wide` is the process-wide layer)."""
        name = data.pop('event', None)
        if not name:
            name = next((flag for flag in DISPLAY_EVENT_FLAGS if data.get(flag, False)), 'verbose')
        event = {'event': name}
        for var, key in _JOB_ID_KEYS:
            if _EVENT_ENV[var]:
                event[key] = int(_EVENT_ENV[var])
        event['pid'] = data['pid'] if 'pid' in data else self.pid
        event['uuid'] = data['uuid'] if 'uuid' in data else self.new_uuid()
        event['created'] = data['created'] if 'created' in data else utc_now_text()
        if data.get('parent_uuid', None):
            event['parent_uuid'] = data['parent_uuid']
        else:
            for key in ('task_uuid', 'play_uuid', 'playbook_uuid'):
                candidate = data[key] if key in data else wide.get(key, None)
                if candidate and candidate != data.get('uuid', None):
                    event['parent_uuid'] = candidate
                    break
        if 'verbosity' in data:
            event['verbosity'] = data.pop('verbosity')
        return event, data

    @staticmethod
    def _filter_event_data(name, data):
        if _OMIT_EVENT_DATA:
            return {}
        if _ONLY_FAILED_EVENT_DATA and name not in FAILED_EVENTS:
            return {}
        max_res = _EVENT_ENV['MAX_EVENT_RES']
        max_res = int(max_res if max_res is not None else 700000)
        if name != 'playbook_on_stats' and 'res' in data and len(str(data['res'])) > max_res:
            data['res'] = {}
        return data

    # -- frames --
    #
    # The 2.3 plugin's begin frame is small: on a buffered stream it waits in Python's
    # buffer until the event's first line of text flushes it, so text the event sends to
    # the other stream meanwhile (warnings go to stderr) reaches the terminal first. Our
    # frame is big enough to overflow that buffer, so instead we hold it back ourselves
    # until the first text for the same stream and write it just before. On an
    # unbuffered stream (PYTHONUNBUFFERED) the 2.3 frame goes out at once, and so does ours.

    #
    # While an event is written its stream holds what is written (neither line buffered nor
    # write-through), so the frames and the event's lines leave in one write at the end frame
    # instead of one write each: a write to a terminal costs Ansible a system call and the
    # runner a wake-up. Text for the other stream first flushes this one, so the terminal gets
    # the two streams in the order they were written. Display's lock is held meanwhile: a
    # worker is forked under it, and must not inherit text that is not written yet.

    def open(self, stream):
        # Encoding errors propagate before anything is written, as in 2.3.
        frame = encode_frame(self.event_text())
        unbuffered = _is_unbuffered(stream)
        self._hold(stream)
        if unbuffered:
            self._thread.pending = None
            stream.write(frame)
        else:
            self._thread.pending = (stream, frame)

    def before_text(self, stream):
        held = getattr(self._thread, 'held', None)
        if held is not None and held[0] is not stream:
            held[0].flush()
        pending = getattr(self._thread, 'pending', None)
        if pending is not None and pending[0] is stream:
            self._thread.pending = None
            stream.write(pending[1])

    def close(self, stream):
        pending = getattr(self._thread, 'pending', None)
        self._thread.pending = None
        begin = pending[1] if pending is not None and pending[0] is stream else ''
        try:
            stream.write(begin + END_FRAME)
            stream.flush()
        finally:
            self._release()

    def _hold(self, stream):
        if getattr(self._thread, 'held', None) is not None or not hasattr(stream, 'reconfigure'):
            return
        lock = self._display_lock
        if lock is None:
            # Display is a singleton: its lock is the same for the life of the process
            lock = self._display_lock = getattr(Display(), '_lock', None)
            if lock is None:
                return
        lock.acquire()
        try:
            state = (stream.line_buffering, stream.write_through)
            if state != (False, False):
                stream.reconfigure(line_buffering=False, write_through=False)
        except Exception:
            lock.release()  # a stream that cannot hold: written as it comes
            return
        self._thread.held = (stream, lock) + state

    def _release(self):
        held = getattr(self._thread, 'held', None)
        if held is None:
            return
        self._thread.held = None
        stream, lock, line_buffering, write_through = held
        try:
            if line_buffering or write_through:
                stream.reconfigure(line_buffering=line_buffering, write_through=write_through)  # flushes
        finally:
            lock.release()


def _is_unbuffered(stream):
    # true when a write reaches the file descriptor at once: text layer in write-through
    # mode over a raw file, as Python sets up stdout/stderr with -u or PYTHONUNBUFFERED
    return (getattr(stream, 'write_through', False)
            and isinstance(getattr(stream, 'buffer', None), io.RawIOBase))


def _argument_reader(function):
    """read(args, kwargs, name): the value `name` gets in a call function(*args, **kwargs),
    its default when the call leaves it out; what inspect's bind() and apply_defaults() give,
    for a valid call, at a fraction of their cost (Display.display is called for every event)."""
    parameters = list(inspect.signature(function).parameters.values())
    position = {p.name: i for i, p in enumerate(parameters)}
    default = {p.name: p.default for p in parameters}

    def read(args, kwargs, name):
        index = position[name]
        if index < len(args):
            return args[index]
        return kwargs.get(name, default[name])
    return read


def _install_display_hooks(context):
    """Route everything Ansible displays outside a callback through events."""

    def flagging(name, method):
        # Let the event know which Display method produced it (warning, deprecated, ...).
        # The flag is set in this thread's layer for the call and removed after it, by hand
        # rather than with a context manager: a forked worker calls Display.debug about ten
        # times per task result, and a context manager each time was most of the plugin's
        # cost in the workers.
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            layer = context._thread_layer()
            layer[name] = True
            try:
                return method(*args, **kwargs)
            finally:
                layer.pop(name, None)
        return wrapper

    for name in dir(Display):
        if name.startswith('_') or 'cow' in name or 'prompt' in name:
            continue
        if name in ('display', 'v', 'vv', 'vvv', 'vvvv', 'vvvvv', 'vvvvvv', 'verbose'):
            continue
        if callable(getattr(Display, name)):
            setattr(Display, name, flagging(name, getattr(Display, name)))

    original_verbose = Display.verbose
    verbose_argument = _argument_reader(original_verbose)

    @functools.wraps(original_verbose)
    def verbose(*args, **kwargs):
        extra = {'verbose': True, 'verbosity': verbose_argument(args, kwargs, 'caplevel') + 1}
        host = verbose_argument(args, kwargs, 'host')
        if host is not None:
            extra['remote_addr'] = host
        # set for the call and removed after it, by hand as in flagging: workers call
        # display.vvv for each command they run, whether or not it is shown
        layer = context._thread_layer()
        layer.update(extra)
        try:
            return original_verbose(*args, **kwargs)
        finally:
            for key in extra:
                layer.pop(key, None)

    Display.verbose = verbose

    original_display = Display.display
    display_argument = _argument_reader(original_display)

    @functools.wraps(original_display)
    def display(*args, **kwargs):
        if display_argument(args, kwargs, 'log_only'):
            with context.lock:
                return original_display(*args, **kwargs)
        stream = sys.stderr if display_argument(args, kwargs, 'stderr') else sys.stdout
        # In a forked worker Display sends the text to the main process (which displays
        # it again, as an event of its own) instead of writing it.
        writes_here = not getattr(display_argument(args, kwargs, 'self'), '_final_q', None)
        if context.in_event():
            # Most text: a callback's, inside its event. This thread holds context.lock
            # already (in_event() is true only there), so it does not take it again.
            if writes_here:
                context.before_text(stream)
            return original_display(*args, **kwargs)
        # Text displayed outside any callback becomes an event of its own.
        with context.lock:
            try:
                context.put(uuid=context.new_uuid())
                context.open(stream)
                if writes_here:
                    context.before_text(stream)
                return original_display(*args, **kwargs)
            finally:
                context.close(stream)
                context.drop(['uuid'])

    Display.display = display


# Ansible may import this file more than once; hook Display only once and share the context.
event_context = getattr(Display, '_runner_event_context', None)
if event_context is None:
    event_context = EventContext()
    _install_display_hooks(event_context)
    Display._runner_event_context = event_context


def _censor(event_data):
    res = event_data.get('res')
    if not res:
        return
    if res.get('_ansible_no_log', False):
        event_data['res'] = res = {'censored': CENSORED}
    if res.get('results', []):
        # The copied list goes back into the result itself (as in 2.3), so items censored
        # below stay censored for the text callback too.
        res['results'] = copy.copy(res['results'])
    for index, item in enumerate(res.get('results', [])):
        if isinstance(item, dict) and item.get('_ansible_no_log', False):
            res['results'][index] = {'censored': CENSORED}


def task_context(task):
    """What events about `task` say of it (TASK_CONTEXT_KEYS)."""
    action = task.action
    values = {
        'task': task.name or action,
        'task_uuid': str(task._uuid),
        'task_action': action,
        'resolved_action': getattr(task, 'resolved_action', action),
        'task_args': '',
    }
    try:
        values['task_path'] = task.get_path()
    except AttributeError:
        pass
    if C.DISPLAY_ARGS_TO_STDOUT:
        if task.no_log:
            values['task_args'] = CENSORED
        else:
            values['task_args'] = ', '.join('%s=%s' % pair for pair in task.args.items())
    role_object = getattr(task, '_role', None)
    if role_object:
        role = role_object._role_name
        if hasattr(role_object, 'get_name'):
            resolved_role = role_object.get_name()
            if resolved_role != role:
                values['resolved_role'] = resolved_role
    else:
        role = getattr(task, 'role_name', '')
    if role:
        values['role'] = role
    return values


class _CallbackEvent(object):
    """`with callback._event(name, **event_data)`: the event's frames around what the text
    callback writes inside the block. A class rather than a generator: entered for every event."""

    __slots__ = ('_values', '_task', '_outer')

    def __init__(self, event, event_data):
        if 'uuid' not in event_data:
            event_data['uuid'] = event_context.new_uuid()
        self._task = event_data.pop('task', None) if event not in EVENTS_WITHOUT_TASK else None
        _censor(event_data)
        event_data['event'] = event
        self._values = event_data
        self._outer = None

    def __enter__(self):
        event_context.lock.acquire()
        try:
            self._outer = event_context.begin_event(
                self._values, task_context(self._task) if self._task else None)
            event_context.open(sys.stdout)
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def __exit__(self, *exc_info):
        try:
            event_context.close(sys.stdout)
        finally:
            try:
                if self._outer is not None:
                    event_context.end_event(self._outer, self._values, bool(self._task))
            finally:
                event_context.lock.release()


class CallbackModule(BaseCallback):
    """Wraps each callback of the text callback in an event."""

    CALLBACK_NAME = 'awx_display'
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'

    def __init__(self):
        super(CallbackModule, self).__init__()
        self._host_start = {}
        # Free strategy and serial start the same play/task more than once; repeats get
        # a "_<n>" suffix so each start event has its own uuid.
        self._seen_uuids = set()
        self._repeat_counts = {}

    # -- context --

    @staticmethod
    def _event(event, **event_data):
        return _CallbackEvent(event, event_data)

    def _unique_uuid(self, raw_uuid):
        raw_uuid = str(raw_uuid)
        if raw_uuid not in self._seen_uuids:
            self._seen_uuids.add(raw_uuid)
            return raw_uuid
        count = self._repeat_counts.get(raw_uuid, 1) + 1
        self._repeat_counts[raw_uuid] = count
        unique = '%s_%d' % (raw_uuid, count)
        self._seen_uuids.add(unique)
        return unique

    @staticmethod
    def _play_pattern(play):
        hosts = getattr(play, 'hosts', '')
        return ','.join(hosts) if isinstance(hosts, list) else hosts

    def _set_playbook(self, playbook):
        self.playbook_uuid = event_context.new_uuid()
        event_context.put(process_wide=True, playbook=getattr(playbook, '_file_name', '???'),
                          playbook_uuid=self.playbook_uuid)
        self._clear_play()

    def _set_play(self, play):
        pattern = self._play_pattern(play)
        event_context.put(process_wide=True, play=play.get_name().strip() or pattern,
                          play_uuid=str(play._uuid), play_pattern=pattern)
        self._clear_task()

    def _clear_play(self):
        event_context.drop(('play', 'play_uuid', 'play_pattern'), process_wide=True)
        self._clear_task()

    def _set_task(self, task):
        event_context.set_task(task_context(task))

    def _clear_task(self):
        event_context.drop(TASK_CONTEXT_KEYS, process_wide=True)

    # -- per-host result data --

    def _timing(self, result):
        start = self._host_start.get(result._host.get_name())
        if not start:
            return None, None, None
        end = utc_now()
        return start, end, (end - start).total_seconds()

    @staticmethod
    def _event_loop(task):
        if hasattr(task, 'loop_with'):
            return task.loop_with
        return getattr(task, 'loop', None)

    @staticmethod
    def _host_res(result):
        return dict(host=result._host.get_name(), task=result._task, res=result._result)

    @staticmethod
    def _async_data(result):
        return dict(host=result._host.get_name(), task=result._task, res=result._result,
                    jid=result._result.get('ansible_job_id'))

    # -- playbook level --

    def v2_playbook_on_start(self, playbook):
        self._set_playbook(playbook)
        with self._event('playbook_on_start', uuid=self.playbook_uuid):
            super(CallbackModule, self).v2_playbook_on_start(playbook)

    def v2_playbook_on_vars_prompt(self, varname, private=True, prompt=None, encrypt=None,
                                   confirm=False, salt_size=None, salt=None, default=None,
                                   unsafe=None):
        with self._event('playbook_on_vars_prompt', varname=varname, private=private,
                         prompt=prompt, encrypt=encrypt, confirm=confirm, salt_size=salt_size,
                         salt=salt, default=default, unsafe=unsafe):
            # unsafe is not passed on, as in 2.3
            super(CallbackModule, self).v2_playbook_on_vars_prompt(
                varname, private, prompt, encrypt, confirm, salt_size, salt, default)

    def v2_playbook_on_include(self, included_file):
        filename = included_file._filename if included_file is not None else None
        with self._event('playbook_on_include', included_file=filename):
            super(CallbackModule, self).v2_playbook_on_include(included_file)

    def v2_playbook_on_play_start(self, play):
        if IS_ADHOC:
            return
        # The play object keeps the suffixed uuid: later events name it as their play.
        play._uuid = self._unique_uuid(play._uuid)
        self._set_play(play)
        pattern = self._play_pattern(play)
        with self._event('playbook_on_play_start', name=play.get_name().strip() or pattern,
                         pattern=pattern, uuid=str(play._uuid)):
            super(CallbackModule, self).v2_playbook_on_play_start(play)

    def v2_playbook_on_import_for_host(self, result, imported_file):
        with self._event('playbook_on_import_for_host'):
            super(CallbackModule, self).v2_playbook_on_import_for_host(result, imported_file)

    def v2_playbook_on_not_import_for_host(self, result, missing_file):
        with self._event('playbook_on_not_import_for_host'):
            super(CallbackModule, self).v2_playbook_on_not_import_for_host(result, missing_file)

    def v2_playbook_on_setup(self):
        with self._event('playbook_on_setup'):
            super(CallbackModule, self).v2_playbook_on_setup()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._set_task(task)
        if IS_ADHOC:
            return
        # Only the event uuid is suffixed; task_uuid in the context stays Ansible's.
        event_uuid = self._unique_uuid(task._uuid)
        with self._event('playbook_on_task_start', task=task, name=task.get_name(),
                         is_conditional=is_conditional, uuid=event_uuid):
            super(CallbackModule, self).v2_playbook_on_task_start(task, is_conditional)

    def _handler_like_start(self, task):
        # Handlers (and cleanup tasks) reuse playbook_on_task_start with
        # is_conditional=True, which is how old Ansible marked handlers.
        self._set_task(task)
        return self._event('playbook_on_task_start', task=task, name=task.get_name(),
                           uuid=str(task._uuid), is_conditional=True)

    def v2_playbook_on_cleanup_task_start(self, task):
        with self._handler_like_start(task):
            super(CallbackModule, self).v2_playbook_on_cleanup_task_start(task)

    def v2_playbook_on_handler_task_start(self, task):
        with self._handler_like_start(task):
            super(CallbackModule, self).v2_playbook_on_handler_task_start(task)

    def v2_playbook_on_no_hosts_matched(self):
        with self._event('playbook_on_no_hosts_matched'):
            super(CallbackModule, self).v2_playbook_on_no_hosts_matched()

    def v2_playbook_on_no_hosts_remaining(self):
        with self._event('playbook_on_no_hosts_remaining'):
            super(CallbackModule, self).v2_playbook_on_no_hosts_remaining()

    def v2_playbook_on_notify(self, handler, host):
        with self._event('playbook_on_notify', host=host.get_name(), handler=handler.get_name()):
            super(CallbackModule, self).v2_playbook_on_notify(handler, host)

    def v2_playbook_on_stats(self, stats):
        self._clear_play()
        custom = stats.custom.get('_run', {}) if hasattr(stats, 'custom') else {}
        with self._event('playbook_on_stats', changed=stats.changed, dark=stats.dark,
                         failures=stats.failures, ignored=getattr(stats, 'ignored', 0),
                         ok=stats.ok, processed=stats.processed,
                         rescued=getattr(stats, 'rescued', 0), skipped=stats.skipped,
                         artifact_data=custom):
            super(CallbackModule, self).v2_playbook_on_stats(stats)

    # -- host results --

    def v2_runner_on_start(self, host, task):
        self._host_start[host.get_name()] = utc_now()
        with self._event('runner_on_start', host=host.get_name(), task=task):
            super(CallbackModule, self).v2_runner_on_start(host, task)

    def v2_runner_on_ok(self, result):
        if result._task.action in ('setup', 'gather_facts'):
            # the environment is already in the job's env and may hold secrets
            result._result.get('ansible_facts', {}).pop('ansible_env', None)
        start, end, duration = self._timing(result)
        with self._event('runner_on_ok', host=result._host.get_name(),
                         remote_addr=result._host.address, task=result._task,
                         res=result._result, start=start, end=end, duration=duration,
                         event_loop=self._event_loop(result._task)):
            super(CallbackModule, self).v2_runner_on_ok(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        start, end, duration = self._timing(result)
        with self._event('runner_on_failed', host=result._host.get_name(),
                         remote_addr=result._host.address, res=result._result,
                         task=result._task, start=start, end=end, duration=duration,
                         ignore_errors=ignore_errors,
                         event_loop=self._event_loop(result._task)):
            super(CallbackModule, self).v2_runner_on_failed(result, ignore_errors)

    def v2_runner_on_skipped(self, result):
        start, end, duration = self._timing(result)
        with self._event('runner_on_skipped', host=result._host.get_name(),
                         remote_addr=result._host.address, task=result._task,
                         start=start, end=end, duration=duration,
                         event_loop=self._event_loop(result._task)):
            super(CallbackModule, self).v2_runner_on_skipped(result)

    def v2_runner_on_unreachable(self, result):
        start, end, duration = self._timing(result)
        with self._event('runner_on_unreachable', host=result._host.get_name(),
                         remote_addr=result._host.address, task=result._task,
                         start=start, end=end, duration=duration, res=result._result):
            super(CallbackModule, self).v2_runner_on_unreachable(result)

    def v2_runner_on_no_hosts(self, task):
        with self._event('runner_on_no_hosts', task=task):
            super(CallbackModule, self).v2_runner_on_no_hosts(task)

    def v2_runner_on_async_poll(self, result):
        with self._event('runner_on_async_poll', **self._async_data(result)):
            super(CallbackModule, self).v2_runner_on_async_poll(result)

    def v2_runner_on_async_ok(self, result):
        with self._event('runner_on_async_ok', **self._async_data(result)):
            super(CallbackModule, self).v2_runner_on_async_ok(result)

    def v2_runner_on_async_failed(self, result):
        with self._event('runner_on_async_failed', **self._async_data(result)):
            super(CallbackModule, self).v2_runner_on_async_failed(result)

    def v2_runner_on_file_diff(self, result, diff):
        with self._event('runner_on_file_diff', host=result._host.get_name(),
                         task=result._task, diff=diff):
            super(CallbackModule, self).v2_runner_on_file_diff(result, diff)

    def v2_on_file_diff(self, result):
        with self._event('runner_on_file_diff', host=result._host.get_name(),
                         task=result._task, diff=result._result.get('diff')):
            super(CallbackModule, self).v2_on_file_diff(result)

    def v2_runner_item_on_ok(self, result):
        with self._event('runner_item_on_ok', **self._host_res(result)):
            super(CallbackModule, self).v2_runner_item_on_ok(result)

    def v2_runner_item_on_failed(self, result):
        with self._event('runner_item_on_failed', **self._host_res(result)):
            super(CallbackModule, self).v2_runner_item_on_failed(result)

    def v2_runner_item_on_skipped(self, result):
        with self._event('runner_item_on_skipped', **self._host_res(result)):
            super(CallbackModule, self).v2_runner_item_on_skipped(result)

    def v2_runner_retry(self, result):
        with self._event('runner_retry', **self._host_res(result)):
            super(CallbackModule, self).v2_runner_retry(result)

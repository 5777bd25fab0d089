"""The three streaming roles as the reference's classes: Transmitter writes a job stream,
Worker runs one, Processor rebuilds the artifacts of a result stream and calls the handlers.
The protocol work (framing, zip, base64, unpacking with limits, the job itself) is native;
these classes adapt Python file objects and handlers to it."""
import io
import json
import os
import sys
import tempfile
import threading
import uuid
from collections.abc import Mapping

import ansible_runner.plugins  # noqa: F401

from ansible_runner import _native
from ansible_runner.exceptions import ConfigurationError
from ansible_runner.loader import ArtifactLoader
from ansible_runner.runner import event_json_handler, write_console


class UUIDEncoder(json.JSONEncoder):
    def default(self, obj):
        if isinstance(obj, uuid.UUID):
            return obj.hex
        return json.JSONEncoder.default(self, obj)


class MockConfig(object):
    """What Processor passes as runner_config: the settings, and command/env/cwd once known."""

    def __init__(self, settings):
        self.settings = settings


def _plugins():
    return getattr(ansible_runner, 'plugins', {}) or {}


def _fd_of(stream):
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return -1
    return fd if isinstance(fd, int) and fd >= 0 else -1


def _take_buffered(stream, fd):
    """The bytes a buffered reader already holds (e.g. after receptorctl read its header line
    through it), without blocking: they come before anything still in the fd."""
    peek = getattr(stream, 'peek', None)
    read1 = getattr(stream, 'read1', None)
    if peek is None or read1 is None:
        return b''
    was_blocking = os.get_blocking(fd)
    try:
        os.set_blocking(fd, False)  # a peek into an empty buffer must not wait for the socket
        try:
            held = peek(1) or b''
        except BlockingIOError:
            held = b''
    finally:
        os.set_blocking(fd, was_blocking)
    return read1(len(held)) if held else b''


def input_spec(stream):
    """(fd, pending bytes, reader, watch_for_close) for the native roles."""
    if isinstance(stream, int):
        return stream, b'', None, True
    if isinstance(stream, io.TextIOBase) and hasattr(stream, 'buffer'):
        stream = stream.buffer
    fd = _fd_of(stream)
    if fd >= 0:
        return fd, _take_buffered(stream, fd), None, True
    reader = getattr(stream, 'read1', None) or stream.read

    def read(size):
        data = reader(size)
        if isinstance(data, str):
            data = data.encode('utf-8')
        return data
    return -1, b'', read, False


def output_spec(stream):
    """(fd, object): the fd to write to directly, else an object whose write() takes bytes."""
    if isinstance(stream, int):
        return stream, None
    fd = _fd_of(stream)
    if fd >= 0:
        flush = getattr(stream, 'flush', None)
        if flush is not None:
            flush()  # what the caller wrote through the object goes first
        return fd, None
    return -1, stream


class Transmitter(object):
    def __init__(self, _output=None, **kwargs):
        if _output is None:
            _output = sys.stdout.buffer
        self._output = _output
        self.private_data_dir = os.path.abspath(kwargs.pop('private_data_dir'))
        self.only_transmit_kwargs = kwargs.pop('only_transmit_kwargs', False)
        kwargs.pop('keepalive_seconds', None)  # a worker-only option: older workers refuse it
        self.kwargs = kwargs
        self.status = "unstarted"
        self.rc = None

    def run(self):
        fd, target = output_spec(self._output)
        # Python's own encoder decides what is serialisable, as in the reference.
        kwargs = json.loads(json.dumps(self.kwargs, cls=UUIDEncoder))
        _native.transmit(self.private_data_dir, kwargs, fd, target, bool(self.only_transmit_kwargs))
        return self.status, self.rc


class Worker(object):
    def __init__(self, _input=None, _output=None, **kwargs):
        if _input is None:
            _input = sys.stdin.buffer
        if _output is None:
            _output = sys.stdout.buffer
        self._input = _input
        self._output = _output
        self.kwargs = kwargs
        self.job_kwargs = None
        self.private_data_dir = kwargs.get('private_data_dir')
        self.keepalive_seconds = kwargs.get('keepalive_seconds')
        self.cancel_callback = kwargs.get('cancel_callback')
        self.status = "unstarted"
        self.rc = None

    def run(self):
        in_fd, pending, reader, watch = input_spec(self._input)
        out_fd, target = output_spec(self._output)
        options = {'private_data_dir': self.private_data_dir}
        if self.keepalive_seconds:
            options['keepalive_seconds'] = float(self.keepalive_seconds)
        result = _native.worker(in_fd, pending, reader, watch, out_fd, target, options,
                                should_cancel=self.cancel_callback,
                                check_signals=threading.current_thread() is threading.main_thread())
        flush = getattr(self._output, 'flush', None)
        if flush is not None:
            flush()
        self.status = result['status']
        self.rc = result['rc']
        return self.status, self.rc


class Processor(object):
    def __init__(self, _input=None, status_handler=None, event_handler=None,
                 artifacts_handler=None, cancel_callback=None, finished_callback=None, **kwargs):
        if _input is None:
            _input = sys.stdin.buffer
        self._input = _input
        self.quiet = kwargs.get('quiet')
        private_data_dir = kwargs.get('private_data_dir')
        if private_data_dir is None:
            private_data_dir = tempfile.mkdtemp()
        self.private_data_dir = private_data_dir
        self._loader = ArtifactLoader(self.private_data_dir)
        settings = kwargs.get('settings')
        if settings is None:
            try:
                settings = self._loader.load_file('env/settings', Mapping)
            except ConfigurationError:
                settings = {}
        self.config = MockConfig(settings)
        self._ident = kwargs.get('ident')
        if kwargs.get('artifact_dir'):
            self.artifact_dir = os.path.abspath(kwargs.get('artifact_dir'))
        else:
            artifacts = os.path.abspath(os.path.join(self.private_data_dir, 'artifacts'))
            self.artifact_dir = os.path.join(artifacts, "{}".format(self._ident)) if self._ident else artifacts
        self.status_handler = status_handler
        self.event_handler = event_handler
        self.artifacts_handler = artifacts_handler
        self.cancel_callback = cancel_callback  # not used: close the input to stop, as in the reference
        self.finished_callback = finished_callback
        self.status = "unstarted"
        self.rc = None

    def status_callback(self, status_data):
        self.status = status_data['status']
        if self.status == 'starting':
            self.config.command = status_data.get('command')
            self.config.env = status_data.get('env')
            self.config.cwd = status_data.get('cwd')
        for plugin in _plugins().values():
            plugin.status_handler(self.config, status_data)
        if self.status_handler is not None:
            self.status_handler(status_data, runner_config=self.config)

    def event_callback(self, event_data):
        """Returns whether to write the event's job_events file."""
        should_write = True
        if self.event_handler is not None:
            should_write = self.event_handler(event_data)
        for plugin in _plugins().values():
            plugin.event_handler(self.config, event_data)
        return should_write

    def _on_artifacts(self, artifact_dir):
        self.artifacts_handler(artifact_dir)

    def run(self):
        in_fd, pending, reader, watch = input_spec(self._input)
        wants_events = self.event_handler is not None or bool(_plugins())
        options = {'private_data_dir': self.private_data_dir, 'quiet': bool(self.quiet),
                   'artifact_dir': self.artifact_dir}
        result = _native.process(in_fd, pending, reader, watch, options,
                                 on_status=self.status_callback,
                                 on_event_json=event_json_handler(self.event_callback) if wants_events else None,
                                 on_artifacts=self._on_artifacts if self.artifacts_handler is not None else None,
                                 on_console=write_console)
        self.status = result['status'] if result['status'] else self.status
        # rc stays None, as the reference's Processor leaves it (AWX reads the status); the
        # job's rc is in <artifact_dir>/rc.
        if self.finished_callback is not None:
            self.finished_callback(self)
        return self.status, self.rc

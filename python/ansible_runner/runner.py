"""Runner: runs one prepared job (a RunnerConfig) through the native core and reads its
artifacts back, with the reference's attributes, properties and handler calls."""
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time

import ansible_runner.plugins  # noqa: F401  (the entry-point plugins live on the package)

from . import _native
from .exceptions import AnsibleRunnerException, CallbackError

logger = logging.getLogger('ansible-runner')

_EVENT_FILE = re.compile(r'^([0-9]+)-.+json$')


def _plugins():
    import ansible_runner
    return getattr(ansible_runner, 'plugins', {}) or {}


def _read_new_events(event_dir, seen):
    """Yields the events of event_dir not in `seen` (file names), in counter order. A file that
    is not complete JSON yet ends the sweep: a running job may still be writing it."""
    try:
        names = os.listdir(event_dir)
    except FileNotFoundError:
        return
    found = []
    for name in names:
        match = _EVENT_FILE.match(name)
        if match and '-partial' not in name and name not in seen:
            found.append((int(match.group(1)), name))
    for _, name in sorted(found):
        try:
            with open(os.path.join(event_dir, name), 'r') as f:
                event = json.load(f)
        except (ValueError, OSError):
            return
        seen.add(name)
        yield event


def _fd_of(stream):
    """A descriptor number for input_fd/output_fd/error_fd, which callers give as numbers or, as
    subprocess accepts them, as open files."""
    if stream is None or isinstance(stream, int):
        return stream
    return stream.fileno()


def event_json_handler(event_callback):
    """What the native side calls with each event as json.dumps text: the event parsed by
    Python's own json module (big integers, lone surrogates exact), given to `event_callback`,
    and written back (with any keys the handler added) when it returns a truthy value."""
    def on_event_json(text):
        event = json.loads(text)
        return json.dumps(event) if event_callback(event) else None
    return on_event_json


def write_console(text):
    """The job's console output goes through sys.stdout, as the reference prints it, so
    redirect_stdout and pytest's capture see it."""
    sys.stdout.write(text)
    sys.stdout.flush()


class Runner(object):

    def __init__(self, config, cancel_callback=None, remove_partials=True, event_handler=None,
                 artifacts_handler=None, finished_callback=None, status_handler=None):
        self.config = config
        self.cancel_callback = cancel_callback
        self.event_handler = event_handler
        self.artifacts_handler = artifacts_handler
        self.finished_callback = finished_callback
        self.status_handler = status_handler
        self.remove_partials = remove_partials
        self.canceled = False
        self.timed_out = False
        self.errored = False
        self.status = "unstarted"
        self.rc = None
        self.last_stdout_update = 0

    # -- handler entry points (the reference's names; the native core calls them) ------------

    def event_callback(self, event_data):
        """Called with each event before it is written; returns whether to write it."""
        self.last_stdout_update = time.time()
        should_write = True
        if self.event_handler is not None:
            try:
                should_write = self.event_handler(event_data)
            except OSError:
                # The reference drops the event on an OSError from the handler.
                should_write = False
        for plugin in _plugins().values():
            plugin.event_handler(self.config, event_data)
        return should_write

    def status_callback(self, status):
        """The reference's entry point: builds the status message and calls the handlers."""
        data = {'status': status, 'runner_ident': str(self.config.ident)}
        if status == 'starting':
            data.update(command=self.config.command, env=self.config.env, cwd=self.config.cwd)
        self._on_status(data)

    def _on_status(self, data):
        self.status = data.get('status')
        for plugin in _plugins().values():
            plugin.status_handler(self.config, data)
        if self.status_handler is not None:
            self.status_handler(data, runner_config=self.config)

    def _on_artifacts(self, artifact_dir):
        try:
            self.artifacts_handler(artifact_dir)
        except Exception as e:
            raise CallbackError("Exception in Artifact Callback: {}".format(e))

    def _should_cancel(self):
        try:
            self.canceled = bool(self.cancel_callback())
        except Exception as e:
            raise CallbackError("Exception in Cancel Callback: {}".format(e))
        return self.canceled

    # -- running ------------------------------------------------------------------------------

    def run(self):
        """Runs the job to its end; returns (status, rc)."""
        config = self.config
        wants_events = self.event_handler is not None or bool(_plugins())
        mode = getattr(config, 'runner_mode', 'pexpect') or 'pexpect'
        fields = config._native_fields()
        extra = {}
        if mode == 'subprocess':
            extra = dict(subprocess_timeout=getattr(config, 'subprocess_timeout', None),
                         input_fd=_fd_of(getattr(config, 'input_fd', None)),
                         output_fd=_fd_of(getattr(config, 'output_fd', None)),
                         error_fd=_fd_of(getattr(config, 'error_fd', None)))
        result = _native.run_job(
            fields, mode=mode,
            on_status=self._on_status,
            on_event_json=event_json_handler(self.event_callback) if wants_events else None,
            on_artifacts=self._on_artifacts if self.artifacts_handler is not None else None,
            on_console=write_console,
            should_cancel=self._should_cancel if self.cancel_callback is not None else None,
            check_signals=threading.current_thread() is threading.main_thread(),
            **extra)
        self.status = result['status']
        self.rc = result['rc']
        self.canceled = result['canceled']
        self.timed_out = result['timed_out']
        self.errored = result['errored']
        if self.finished_callback is not None:
            try:
                self.finished_callback(self)
            except Exception as e:
                raise CallbackError("Exception in Finished Callback: {}".format(e))
        return self.status, self.rc

    # -- artifacts ----------------------------------------------------------------------------

    def _artifact(self, name):
        path = os.path.join(self.config.artifact_dir, name)
        if not os.path.exists(path):
            raise AnsibleRunnerException("{} missing".format(name))
        return open(path, 'r')

    @property
    def stdout(self):
        """A new open text file on the stdout artifact (the caller closes it)."""
        return self._artifact('stdout')

    @property
    def stderr(self):
        """A new open text file on the stderr artifact (the caller closes it)."""
        return self._artifact('stderr')

    @property
    def events(self):
        """The job's events in counter order, following the job while it runs."""
        event_dir = os.path.join(self.config.artifact_dir, 'job_events')
        deadline = time.monotonic() + 60
        while not os.path.exists(event_dir):
            if time.monotonic() > deadline:
                raise AnsibleRunnerException("events directory is missing: %s" % event_dir)
            time.sleep(0.05)
        seen = set()
        while self.status == "running":
            got = False
            for event in _read_new_events(event_dir, seen):
                got = True
                yield event
            if not got:
                time.sleep(0.05)  # the reference re-lists in a busy loop; same events, less CPU
        yield from _read_new_events(event_dir, seen)

    @property
    def stats(self):
        """The playbook_on_stats summary, or None without one."""
        for event in self.events:
            if event.get('event') == 'playbook_on_stats':
                data = event.get('event_data', {})
                return {key: data.get(key, {}) for key in
                        ('skipped', 'ok', 'dark', 'failures', 'ignored', 'rescued', 'processed', 'changed')}
        return None

    def host_events(self, host):
        """The events whose event_data.host is `host`."""
        return filter(lambda e: 'event_data' in e and e['event_data'].get('host') == host, self.events)

    def kill_container(self):
        """Kills the job's container, if it runs in one."""
        name = getattr(self.config, 'container_name', None)
        if not name:
            return
        engine = self.config.process_isolation_executable
        proc = subprocess.run([engine, 'kill', name], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if proc.returncode:
            logger.info('Error from %s kill %s command:\n%s', engine, name, proc.stderr)
        else:
            logger.info("Killed container %s", name)

    @classmethod
    def handle_termination(cls, pid, pidfile=None, is_cancel=True):
        """Kills the process group of `pid` and removes the daemon's pid file."""
        try:
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        except OSError:
            pass
        try:
            os.remove(pidfile)
        except (TypeError, OSError):
            pass

    def _fact_cache_path(self, host):
        if self.config.fact_cache_type != 'jsonfile':
            raise Exception('Unsupported fact cache type.  Only "jsonfile" is supported for reading and writing '
                            'facts from ansible-runner')
        return os.path.join(self.config.fact_cache, host)

    def get_fact_cache(self, host):
        """The jsonfile fact cache of `host`, {} when there is none."""
        path = self._fact_cache_path(host)
        if os.path.exists(path):
            with open(path) as f:
                return json.loads(f.read())
        return {}

    def set_fact_cache(self, host, data):
        """Writes the jsonfile fact cache of `host`."""
        path = self._fact_cache_path(host)
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(path, 'w') as f:
            return f.write(json.dumps(data))

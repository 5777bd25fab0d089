"""Runs Ansible with the reference awx_display plugin and with ours, and compares the events.

Both runs happen under a pseudo-terminal of 80 columns, as the runner does it. The
reference puts only {"uuid": ...} in its begin frames and the event data in
job_events/<uuid>-partial.json; ours puts the whole event in the frame. Either way the
output becomes a list of items:

    ("text", "...")                  text outside any event (the runner makes verbose events of it)
    ("event", {...event...}, "...")   an event and the text between its begin and end frames

Usable as a library (tests/plugin/test_awx_display.py) and from the command line:

    python3 tests/plugin/harness.py basic.yml [-- extra ansible-playbook args]
"""

import base64
import difflib
import fcntl
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PLAYBOOKS = os.path.join(HERE, 'playbooks')
INVENTORY = os.path.join(PLAYBOOKS, 'inventory.ini')
OUR_PLUGIN_DIR = os.path.join(REPO, 'share', 'ansible-runner', 'callback')
REFERENCE_PLUGIN_DIR = '/usr/lib/python3/dist-packages/ansible_runner/display_callback/callback'

# A frame: the 2.3 plugin's base64 in chunks (group 1) or our JSON in an APC string (group 2).
FRAME_RE = re.compile(r'\x1b\[K((?:[A-Za-z0-9+/=]+\x1b\[\d+D)+)\x1b\[K|\x1b_(\{[ -~]*)\x1b\\')
CHUNK_RE = re.compile(r'([A-Za-z0-9+/=]+)\x1b\[(\d+)D')


class RunResult(object):
    def __init__(self, rc, output, errors, artifact_dir):
        self.rc = rc
        self.output = output          # decoded terminal output (or stdout), frames included
        self.errors = errors          # stderr when run with pipes, else ''
        self.artifact_dir = artifact_dir


# ---------------------------------------------------------------- running

def base_env(plugin_dir, artifact_dir, extra=None):
    """The environment the runner gives Ansible (execution spec, section 2)."""
    env = {
        'PATH': '/usr/local/bin:/usr/bin:/bin',
        'HOME': os.environ.get('HOME', '/root'),
        'LANG': 'C.UTF-8',
        'LC_ALL': 'C.UTF-8',
        'TERM': 'xterm',
        'ANSIBLE_STDOUT_CALLBACK': 'awx_display',
        'ANSIBLE_CALLBACK_PLUGINS': plugin_dir,
        'AWX_ISOLATED_DATA_DIR': artifact_dir,
        'ANSIBLE_RETRY_FILES_ENABLED': 'False',
        'ANSIBLE_HOST_KEY_CHECKING': 'False',
        'RUNNER_OMIT_EVENTS': 'False',
        'RUNNER_ONLY_FAILED_EVENTS': 'False',
        # nothing left behind: ssh must not keep a master connection on our pty
        'ANSIBLE_SSH_ARGS': '-o ControlMaster=no -o ConnectTimeout=5',
        'ANSIBLE_PYTHON_INTERPRETER': '/usr/bin/python3',
        'ANSIBLE_FORKS': '1',
        'PYTHONDONTWRITEBYTECODE': '1',   # keep the source tree clean
    }
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_under_pty(argv, env, cwd, responses=(), timeout=90):
    """Runs argv on a fresh 80x24 pty; returns (rc, raw bytes).

    responses: (trigger text, reply) pairs, handled in order; once a trigger appears in
    the output (after the previous one), its reply is typed if it is text (like the
    runner's expect mode), or called if it is a function (to change the world on cue).
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))

    def make_controlling_tty():
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                            start_new_session=True, preexec_fn=make_controlling_tty,
                            close_fds=True)
    os.close(slave)
    pending = list(responses)
    data = bytearray()
    searched_from = 0
    deadline = time.monotonic() + timeout
    try:
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError('%r did not finish within %ss' % (argv, timeout))
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:   # EIO: every writer of the pty is gone
                break
            if not chunk:
                break
            data.extend(chunk)
            if pending:
                trigger, reply = pending[0]
                found = data.find(trigger.encode(), searched_from)
                if found >= 0:
                    searched_from = found + len(trigger)
                    pending.pop(0)
                    if callable(reply):
                        reply()
                    else:
                        os.write(master, reply.encode())
        rc = proc.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    return rc, bytes(data)


def run_with_pipes(argv, env, cwd, timeout=90):
    """Runs argv with stdout and stderr on separate pipes (the runner's subprocess mode)."""
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, cwd=cwd, env=env, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def run_ansible(args, plugin_dir, env=None, responses=(), adhoc=False, terminal=True,
                timeout=90):
    """Runs ansible-playbook (or ansible, if adhoc) in the playbooks dir."""
    artifact_dir = tempfile.mkdtemp(prefix='awx-plugin-test-')
    argv = ['ansible' if adhoc else 'ansible-playbook', '-i', INVENTORY] + list(args)
    env = base_env(plugin_dir, artifact_dir, env)
    if terminal:
        # a function reply gets this run's artifact dir
        responses = [(trigger, (lambda r=reply: r(artifact_dir)) if callable(reply) else reply)
                     for trigger, reply in responses]
        rc, output = run_under_pty(argv, env, PLAYBOOKS, responses=responses, timeout=timeout)
        errors = b''
    else:
        rc, output, errors = run_with_pipes(argv, env, PLAYBOOKS, timeout=timeout)
    return RunResult(rc, output.decode('utf-8', 'replace'), errors.decode('utf-8', 'replace'),
                     artifact_dir)


# ---------------------------------------------------------------- decoding

def decode_frame(match):
    """A FRAME_RE match's JSON: checks a base64 frame's chunking (<= 78 chars, ESC[<len>D)."""
    body, text = match.group(1), match.group(2)
    if text is not None:
        return json.loads(text)
    chunks = CHUNK_RE.findall(body)
    assert ''.join('%s\x1b[%sD' % c for c in chunks) == body, 'malformed frame %r' % body
    for index, (chunk, length) in enumerate(chunks):
        assert int(length) == len(chunk), 'chunk length mismatch in %r' % body
        assert len(chunk) <= 78, 'chunk over 78 chars'
        if index < len(chunks) - 1:
            assert len(chunk) == 78, 'short chunk before the last one'
    payload = ''.join(c for c, _ in chunks)
    return json.loads(base64.b64decode(payload, validate=True).decode('utf-8'))


def split_frames(output):
    """Splits output into ("text", t) and ("event", begin frame JSON, text) items."""
    items = []
    position = 0
    open_event = None
    for match in FRAME_RE.finditer(output):
        text = output[position:match.start()]
        position = match.end()
        data = decode_frame(match)
        if data:
            assert 'uuid' in data, 'begin frame without uuid: %r' % data
            assert open_event is None, 'begin frame inside an event: %r' % data
            if text:
                items.append(('text', text))
            open_event = data
        else:
            assert open_event is not None, 'end frame outside an event'
            items.append(('event', open_event, text))
            open_event = None
    assert open_event is None, 'output ends inside an event'
    if output[position:]:
        items.append(('text', output[position:]))
    return items


def reference_events(result, stream='output'):
    """Items of a reference run, with each event's data read from its partial file."""
    items = []
    for item in split_frames(getattr(result, stream)):
        if item[0] == 'event':
            assert list(item[1]) == ['uuid'], 'reference begin frame %r' % item[1]
            path = os.path.join(result.artifact_dir, 'job_events',
                                '%s-partial.json' % item[1]['uuid'])
            with open(path) as handle:
                item = ('event', json.load(handle), item[2])
        items.append(item)
    return items


def our_events(result, stream='output'):
    """Items of a run with our plugin, which must not write event files."""
    job_events = os.path.join(result.artifact_dir, 'job_events')
    assert not os.path.exists(job_events), 'our plugin wrote %s' % os.listdir(job_events)
    return split_frames(getattr(result, stream))


# ---------------------------------------------------------------- normalising

UUID_RE = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
TEXT_RULES = [
    (re.compile(r'\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?'), '<ts>'),
    (re.compile(r'\b\d+:\d\d:\d\d\.\d{6}\b'), '<delta>'),
    (re.compile(r'ansible-tmp-[0-9.]+-\d+-\d+'), 'ansible-tmp-X'),
    (re.compile(r'ansible-local-\d+[0-9a-z_]+'), 'ansible-local-X'),
    (re.compile(r'\btmp[0-9a-z_]{8}\b'), 'tmpX'),
    (re.compile(r'\bj\d{6,}\.\d+\b'), 'jX'),
    (re.compile(r'/tmp/awx-plugin-test-[0-9a-z_]+'), '<artifacts>'),
    (re.compile(r'(Ansible|Python|Mitogen)?\s*PID[: =]+\d+'), 'PID'),
    (re.compile(r'\bpid \d+\b'), 'pid N'),
    (re.compile(r'mux_client_request_session: read from master failed.*'), ''),
]
GATHERED_FACT_PREFIXES = ('ansible_', 'gather_subset', 'module_setup', 'discovered_')
VOLATILE_KEYS = {'created', 'start', 'end', 'duration', 'delta'}


class Normaliser(object):
    """Maps run-specific values to stable placeholders, by order of first appearance."""

    def __init__(self):
        self.uuids = {}
        self.pids = {}

    def text(self, value):
        def uuid_placeholder(match):
            return self.uuids.setdefault(match.group(0), '<uuid-%d>' % (len(self.uuids) + 1))
        value = UUID_RE.sub(uuid_placeholder, value)
        for pattern, replacement in TEXT_RULES:
            value = pattern.sub(replacement, value)
        return value

    def value(self, value, key=None):
        if isinstance(value, dict):
            return self.mapping(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, str):
            if key in VOLATILE_KEYS:
                return '<time>' if value else value
            return self.text(value)
        if key in VOLATILE_KEYS and isinstance(value, (int, float)) and not isinstance(value, bool):
            return '<duration>'
        return value

    def mapping(self, data):
        out = {}
        for key, value in data.items():
            if key == 'pid' and isinstance(value, int):
                out[key] = self.pids.setdefault(value, '<pid-%d>' % (len(self.pids) + 1))
            elif key == 'ansible_facts' and isinstance(value, dict):
                out[key] = self.facts(value)
            else:
                out[self.text(key)] = self.value(value, key)
        return out

    def facts(self, facts):
        # gathered fact values change from run to run; their names and order do not
        return {key: '<fact>' if key.startswith(GATHERED_FACT_PREFIXES) else self.value(value)
                for key, value in facts.items()}

    def items(self, items):
        out = []
        for item in items:
            if item[0] == 'text':
                out.append(('text', self.text(item[1])))
            else:
                out.append(('event', self.mapping(item[1]), self.text(item[2])))
        return out


def normalise(items):
    return Normaliser().items(items)


def render(items):
    """Readable, order-preserving text of normalised items, for comparison and diffs."""
    lines = []
    for item in items:
        if item[0] == 'text':
            lines.append('TEXT %s' % json.dumps(item[1]))
        else:
            lines.append('EVENT %s' % json.dumps(item[1], indent=1, sort_keys=False))
            lines.append('  STDOUT %s' % json.dumps(item[2]))
    return '\n'.join(lines)


def event_names(items):
    return [item[1]['event'] for item in items if item[0] == 'event']


def events_of(items, name):
    return [item for item in items if item[0] == 'event' and item[1]['event'] == name]


def by_process(items, main_pid):
    """Splits raw items into those of the main Ansible process and those of its workers.

    A forked worker writes its own (empty) frames for what it displays, while the main
    process displays the same text later from its results thread, so how the two
    interleave is a race, in the reference as much as in ours. Each side alone is
    deterministic. Text outside events belongs to the main process; adjacent pieces are
    joined, since a worker frame may have split them.
    """
    main, workers = [], []
    for item in items:
        if item[0] == 'event' and item[1]['pid'] != main_pid:
            workers.append(item)
        elif item[0] == 'text' and main and main[-1][0] == 'text':
            main[-1] = ('text', main[-1][1] + item[1])
        else:
            main.append(item)
    return main, workers


def diff(reference, ours):
    return '\n'.join(difflib.unified_diff(render(reference).splitlines(),
                                          render(ours).splitlines(),
                                          'reference', 'ours', lineterm='', n=4))


# ---------------------------------------------------------------- both runs

def run_both(args, env=None, our_env=None, **options):
    """Runs the reference and our plugin concurrently; returns (ref, ours) RunResults.

    our_env: extra environment for our run only. options: as for run_ansible.
    """
    results = {}

    def worker(which, plugin_dir, run_env):
        try:
            results[which] = run_ansible(args, plugin_dir, env=run_env, **options)
        except BaseException as exc:   # re-raised in the caller's thread
            results[which] = exc

    threads = [threading.Thread(target=worker, args=('reference', REFERENCE_PLUGIN_DIR, env)),
               threading.Thread(target=worker, args=('ours', OUR_PLUGIN_DIR,
                                                     dict(env or {}, **(our_env or {}))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for value in results.values():
        if isinstance(value, BaseException):
            raise value
    return results['reference'], results['ours']


class Comparison(object):
    """Raw and normalised items of a reference run and of ours (stdout, or the terminal)."""

    def __init__(self, ref_run, our_run):
        self.ref_run, self.our_run = ref_run, our_run
        try:
            self.raw_reference = reference_events(ref_run)
            self.raw_ours = our_events(our_run)
            self.raw_reference_stderr = reference_events(ref_run, 'errors')
            self.raw_our_stderr = our_events(our_run, 'errors')
        finally:
            for run in (ref_run, our_run):
                shutil.rmtree(run.artifact_dir, ignore_errors=True)
        self.reference = normalise(self.raw_reference)
        self.ours = normalise(self.raw_ours)

    def differences(self):
        """None if the runs agree, else a readable diff (stdout, then stderr if piped)."""
        pids = (main_pid(self.raw_reference), main_pid(self.raw_ours))
        parts = [stream_differences(self.raw_reference, self.raw_ours, pids),
                 stream_differences(self.raw_reference_stderr, self.raw_our_stderr, pids)]
        if parts[1]:
            parts[1] = '=== stderr ===\n' + parts[1]
        return '\n'.join(p for p in parts if p) or None


def main_pid(items):
    """The Ansible process's pid: that of the first event on stdout (never a worker's)."""
    return next((item[1]['pid'] for item in items if item[0] == 'event'), None)


def host_ordered(items):
    """Items with each run of consecutive runner_* events of one task stably sorted by host.

    The hosts of a task run side by side, and Ansible reports one host's start and another's
    result in whichever order its processes get there (seen on a loaded machine: h2's
    runner_on_start before or after h1's runner_on_failed); each host's own order is kept.
    """
    def task_of(item):
        if item[0] != 'event' or not str(item[1].get('event', '')).startswith('runner_'):
            return None
        return item[1].get('event_data', {}).get('task_uuid')

    out, run = [], []
    for item in list(items) + [None]:
        task = task_of(item) if item is not None else None
        if run and (task is None or task != task_of(run[0])):
            out.extend(sorted(run, key=lambda i: str(i[1].get('event_data', {}).get('host'))))
            run = []
        if task is not None:
            run.append(item)
        elif item is not None:
            out.append(item)
    return out


def stream_differences(raw_reference, raw_ours, main_pids):
    """None if two streams agree, else a readable diff.

    They agree if their items are the same in the same order, or, when they differ
    only in how worker frames interleave with the main process's output (see
    by_process), if each process's items are the same.
    """
    reference, ours = normalise(raw_reference), normalise(raw_ours)
    if render(reference) == render(ours):
        return None
    if render(normalise(host_ordered(raw_reference))) == render(normalise(host_ordered(raw_ours))):
        return None
    ref_main, ref_workers = by_process(raw_reference, main_pids[0])
    our_main, our_workers = by_process(raw_ours, main_pids[1])
    parts = []
    for label, ref_part, our_part in (('main process', ref_main, our_main),
                                      ('workers', ref_workers, our_workers)):
        ref_part, our_part = normalise(ref_part), normalise(our_part)
        if render(ref_part) != render(our_part):
            parts.append('--- %s ---\n%s' % (label, diff(ref_part, our_part)))
    return '\n'.join(parts) or None


def compare(args, env=None, our_env=None, **options):
    """Runs both; returns a Comparison. Both runs must end with the same rc."""
    ref_run, our_run = run_both(args, env=env, our_env=our_env, **options)
    result = Comparison(ref_run, our_run)
    assert ref_run.rc == our_run.rc, 'rc differs: reference %s, ours %s\n%s' % (
        ref_run.rc, our_run.rc, our_run.output)
    return result


ADHOC_ENV = {'AD_HOC_COMMAND_ID': '1', 'ANSIBLE_LOAD_CALLBACK_PLUGINS': '1'}


def main(argv):
    adhoc = bool(argv) and argv[0] == '--adhoc'
    if adhoc:
        argv = argv[1:]
    result = compare(argv, adhoc=adhoc, env=ADHOC_ENV if adhoc else None)
    print(render(result.ours))
    problems = result.differences()
    if problems:
        print(problems)
        return 1
    print('\nsame events (%d items, rc %s)' % (len(result.ours), result.our_run.rc))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

"""Our plugin hands each event to the terminal in one write: the begin frame, the event's
lines and the end frame leave together when the end frame is written, instead of a write per
line (line-buffered stdout) or per piece (PYTHONUNBUFFERED). Each write to a terminal costs
Ansible a system call and wakes the runner once, so this is most of the plugin's and the
runner's cost per event (bench/FINDINGS.md). test_awx_display.py checks that the events and the
text between frames stay those of the 2.3 plugin; this checks the writes, with strace.

Run: /usr/bin/python3 -m pytest tests/plugin
"""

import os
import re
import shutil
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which('strace') is None,
                                reason='strace is not installed (scripts/install-deps.sh installs it)')

WRITE_RE = re.compile(r'^(\d+) +write\(1, "((?:[^"\\]|\\.)*)"(?:\.\.\.)?, (\d+)\)? *(?:= (\S+)|<unfinished \.\.\.>)')
RESUMED_RE = re.compile(r'^(\d+) +<\.\.\. write resumed>.*= (\S+)')


def completed_writes(trace):
    """(pid, first bytes) of each write to fd 1 that completed: a call another thread's call
    interrupts is printed as "<unfinished ...>" and "<... write resumed>"; one a signal
    interrupts before it wrote anything (= ? ERESTARTSYS) is made again, and counted then;
    one a signal cuts short after some bytes is finished by the next write, which is not
    counted (it starts in the middle of what the first began)."""
    writes, unfinished, cut_short = [], {}, set()

    def completed(pid, data, count, result):
        if result == '?':
            return
        continues = pid in cut_short
        if result.isdigit() and int(result) < int(count):
            cut_short.add(pid)
        else:
            cut_short.discard(pid)
        if not continues:
            writes.append((pid, data))

    for line in trace.splitlines():
        found = WRITE_RE.match(line)
        if found:
            pid, data, count, result = found.groups()
            if result is None:
                unfinished[pid] = (data, count)
            else:
                completed(pid, data, count, result)
            continue
        resumed = RESUMED_RE.match(line)
        if resumed and resumed.group(1) in unfinished:
            data, count = unfinished.pop(resumed.group(1))
            completed(resumed.group(1), data, count, resumed.group(2))
    return writes


@pytest.mark.parametrize('env', [{}, {'PYTHONUNBUFFERED': '1'}], ids=['line-buffered', 'unbuffered-python'])
def test_each_event_leaves_in_one_write(env):
    trace = tempfile.mktemp(prefix='awx-plugin-writes-')
    artifact_dir = tempfile.mkdtemp(prefix='awx-plugin-test-')
    try:
        argv = ['strace', '-f', '-qq', '-e', 'trace=write', '-s', '16', '-o', trace,
                'ansible-playbook', '-i', harness.INVENTORY, 'loops.yml']
        rc, output = harness.run_under_pty(argv, harness.base_env(harness.OUR_PLUGIN_DIR, artifact_dir, env),
                                           harness.PLAYBOOKS)
        with open(trace) as f:
            writes = completed_writes(f.read())
    finally:
        shutil.rmtree(artifact_dir, ignore_errors=True)
        if os.path.exists(trace):
            os.unlink(trace)
    assert rc == 0, output
    events = len(harness.FRAME_RE.findall(output.decode('utf-8', 'replace'))) // 2  # begin and end
    assert events > 20, 'too few events to tell: %d' % events
    # the writes of ansible-playbook's threads (main and results; its children write to pipes
    # of their own): each starts with a begin frame, no line of text is left on its own
    writers = {pid for pid, data in writes if data.startswith('\\33_')}
    starts = [data for pid, data in writes if pid in writers]
    assert all(data.startswith('\\33_') for data in starts), [d for d in starts if not d.startswith('\\33_')][:5]
    # and about one write per event (the 2.3 plugin makes three or more): a write cut short
    # by a signal and made again, or text for stderr inside an event (which flushes stdout
    # first), adds one now and then
    assert events <= len(starts) <= events + events // 10 + 2, (len(starts), events)

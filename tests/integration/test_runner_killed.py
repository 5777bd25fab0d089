"""A runner killed with SIGKILL mid-task (Receptor's cancel after its grace period, the OOM
killer) takes the whole job along: ansible-playbook, its forked workers and the task's own
processes. Pinned next to the reference, whose job runs on unobserved."""
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from conftest import OURS, REFERENCE
from stream_util import kill_processes_mentioning, transmit, write_pdd


def sleeping_task(marker):
    # The shell's command line carries the marker, so the task's process can be found.
    return ("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
            f"    - ansible.builtin.shell: \"sleep 300 # {marker}\"\n")


def pids_mentioning(text):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0]
        except (OSError, IndexError):
            continue
        if text.encode() in cmdline and state != "Z":
            found.append(int(pid))
    return found


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def marker():
    text = f"guard-{uuid.uuid4().hex}"
    yield text
    kill_processes_mentioning(text)


def start(argv, stdin=None):
    return subprocess.Popen(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_when_task_runs(proc, marker, stdin=None):
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    wait_for(lambda: pids_mentioning(marker), 90, "the task to start")
    proc.kill()
    proc.wait(timeout=10)


def test_run_killed_takes_the_task_along(tmp_path, marker):
    pdd = write_pdd(tmp_path / "pdd", sleeping_task(marker))
    proc = start([OURS, "run", str(pdd), "-p", "test.yml"])
    kill_when_task_runs(proc, marker)
    wait_for(lambda: not pids_mentioning(marker), 15, "the task to die with the runner")
    wait_for(lambda: not pids_mentioning(str(pdd)), 15, "ansible-playbook and its workers to die")


def test_worker_killed_takes_the_task_along(tmp_path, marker):
    pdd = write_pdd(tmp_path / "pdd", sleeping_task(marker))
    stream = transmit(OURS, pdd, "killed")
    proc = start([OURS, "worker"], stdin=stream)
    kill_when_task_runs(proc, marker, stdin=stream)
    wait_for(lambda: not pids_mentioning(marker), 15, "the task to die with the worker")


def test_reference_run_killed_leaves_the_task_running(tmp_path, marker):
    """Pinned: the reference's job survives it (pexpect's child ignores the pty's hangup)."""
    pdd = write_pdd(tmp_path / "pdd", sleeping_task(marker))
    proc = start([REFERENCE, "run", str(pdd), "-p", "test.yml"])
    kill_when_task_runs(proc, marker)
    time.sleep(3)
    assert pids_mentioning(marker), "the reference now stops the job too: update docs/security.md"

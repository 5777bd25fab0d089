"""The worker inside the execution environment, as AWX runs it (issue: execution environments).

`make ee-image`'s image (Debian's ansible-core, our executable and package) runs the worker as a
Receptor podman work unit or a Kubernetes pod does: `podman run -i --rm IMAGE ansible-runner
worker`, the job stream on stdin, the result stream on stdout. Each pipeline {reference, ours}
transmit -> worker in the EE -> {reference, ours} process must give what the all-reference
pipeline on the host gives; a worker stopped mid-job (the work unit canceled) must end like the
reference's worker stopped the same way, with no container and no job process left; a container
killed under the worker (the node's engine or the OOM killer) must end like a reference worker
SIGKILLed on the host.

Runs after python.upstream (ctest DEPENDS): the image's wheel is built in the same CMake dir."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from ee_image import built_image  # noqa: E402
from reference import REFERENCE  # noqa: E402
from stream_util import outcome, process, transmit, worker, write_pdd  # noqa: E402

SOURCE_DIR = Path(os.environ.get("AR_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BUILD = Path(os.environ.get("AR_BUILD_DIR", SOURCE_DIR / "build"))
OURS = str(BUILD / "ansible-runner")
HOST = {"ref": REFERENCE, "ours": OURS}

PLAYS = {
    "successful": ("- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hello\n"
                   "    - command: uname -s\n", "successful", "0"),
    "failed": ("- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hello\n"
               "    - fail: msg=boom\n", "failed", "2"),
    "facts_loop": ("- hosts: all\n  gather_facts: true\n  tasks:\n    - debug: msg='item {{ item }}'\n"
                   "      loop: '{{ range(0, 40) | list }}'\n", "successful", "0"),
}
SLOW = "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=started\n    - command: sleep 73\n"


@pytest.fixture(scope="module")
def ee(tmp_path_factory):
    """An executable that runs `ansible-runner ARGS` in the EE, named ansible_runner_ee_test."""
    if not os.access(REFERENCE, os.X_OK):
        pytest.fail(f"the reference is not installed: {REFERENCE}")
    image = built_image("ee", BUILD, timeout=1800)
    wrapper = tmp_path_factory.mktemp("ee") / "ee-ansible-runner"
    wrapper.write_text(f"#!/bin/sh\nexec podman run -i --rm --name ansible_runner_ee_test {image} ansible-runner \"$@\"\n")
    wrapper.chmod(0o755)
    return str(wrapper)


def containers_left():
    out = subprocess.run(["podman", "ps", "-a", "--filter", "name=^ansible_runner_ee_test$", "--format",
                          "{{.Names}}"], stdout=subprocess.PIPE, text=True, timeout=60).stdout
    return out.split()


class Pipelines:
    def __init__(self, tmp, ee):
        self.tmp, self.ee, self.streams, self.results = tmp, ee, {}, {}

    def result(self, job, t, w):
        key = (job, t, w)
        if key not in self.results:
            if (job, t) not in self.streams:
                pdd = write_pdd(self.tmp.mktemp(f"{job}-{t}"), PLAYS[job][0])
                self.streams[(job, t)] = transmit(HOST[t], pdd, ident=job)
            self.results[key] = worker(self.ee if w == "ee" else HOST[w], self.streams[(job, t)])
            assert containers_left() == []
        return self.results[key]

    def outcome(self, job, t, w, p):
        out = self.tmp.mktemp(f"{job}-out-{t}{w}{p}")
        proc = process(HOST[p], self.result(job, t, w).stdout, out, ident=job)
        return proc, outcome(proc, out, job)


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory, ee):
    return Pipelines(tmp_path_factory, ee)


@pytest.mark.parametrize("job", sorted(PLAYS))
@pytest.mark.parametrize("t,p", [("ref", "ref"), ("ref", "ours"), ("ours", "ref"), ("ours", "ours")])
def test_worker_in_ee_matches_reference_pipeline(pipelines, job, t, p):
    _, want_status, want_rc = PLAYS[job]
    _, base = pipelines.outcome(job, "ref", "ref", "ref")
    result = pipelines.result(job, t, "ee")
    proc, got = pipelines.outcome(job, t, "ee", p)
    assert base["status"] == want_status and base["rc"] == want_rc
    assert result.returncode == int(want_rc), result.stderr.decode()
    for key in ("status", "rc", "events", "counters", "files", "event_stdout", "stdout"):
        assert got[key] == base[key], f"{key}: {got[key]!r} != reference {base[key]!r}"


def stop_mid_job(argv, job_stream, stop=lambda proc: proc.send_signal(signal.SIGTERM)):
    """Starts a worker, waits for the job's first event, stops it (by default SIGTERM: Receptor's
    cancel of a work unit), and returns its whole output and exit code."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(job_stream)
    proc.stdin.close()
    proc.stdin = None  # communicate() below must not flush it
    out = b""
    deadline = time.monotonic() + 120
    while b'"event": "runner_on_start"' not in out and b'"event":"runner_on_start"' not in out:
        chunk = os.read(proc.stdout.fileno(), 65536)
        assert chunk and time.monotonic() < deadline, f"no task started: {out[-2000:]!r}"
        out += chunk
    time.sleep(1)
    stop(proc)
    rest, _ = proc.communicate(timeout=120)
    return out + rest, proc.returncode


def assert_nothing_left():
    """No container (after podman's cleanup, within 30 s) and no process of the SLOW job."""
    deadline = time.monotonic() + 30
    while containers_left() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert containers_left() == []
    left = subprocess.run(["pgrep", "-f", "sleep 73"], stdout=subprocess.PIPE, text=True).stdout
    assert left == "", f"job processes left: {left}"


def test_stopped_worker_in_ee_ends_like_the_reference_and_leaves_nothing(tmp_path, ee):
    pdd = write_pdd(tmp_path / "src", SLOW)
    stream = transmit(REFERENCE, pdd, ident="slow")
    seen = {}
    for who, argv in (("ref", [REFERENCE, "worker"]), ("ee", [ee, "worker"])):
        started = time.monotonic()
        result, code = stop_mid_job(argv, stream)
        assert time.monotonic() - started < 60
        out = tmp_path / f"out-{who}"
        proc = process(REFERENCE, result, out, ident="slow")
        seen[who] = outcome(proc, out, "slow")["status"]
    print("statuses after SIGTERM:", seen)
    assert seen["ee"] == seen["ref"], seen
    assert_nothing_left()


def kill_container(proc):
    """What the engine does to a container it kills: SIGKILL to the worker, PID 1 inside."""
    subprocess.run(["podman", "kill", "--signal", "KILL", "ansible_runner_ee_test"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=60, check=True)


def test_killed_container_ends_like_a_killed_reference_worker_and_leaves_nothing(tmp_path, ee):
    pdd = write_pdd(tmp_path / "src", SLOW)
    stream = transmit(REFERENCE, pdd, ident="slow")
    seen = {}
    for who, argv, stop in (("ref", [REFERENCE, "worker"], lambda proc: proc.kill()),
                            ("ee", [ee, "worker"], kill_container)):
        started = time.monotonic()
        result, code = stop_mid_job(argv, stream, stop)
        assert time.monotonic() - started < 60
        assert code != 0, f"{who}: a killed worker exited 0"
        out = tmp_path / f"out-{who}"
        proc = process(REFERENCE, result, out, ident="slow")
        got = outcome(proc, out, "slow")
        # The events that made it depend on when the kill landed: not compared.
        seen[who] = (got["status"], got["rc"], proc.returncode)
        if who == "ee":
            # Our process reads a stream cut before eof as broken (docs/streaming-protocol.md 4).
            mine = tmp_path / "out-ee-ours"
            ours_proc = process(OURS, result, mine, ident="slow")
            seen["ee, our process"] = (outcome(ours_proc, mine, "slow")["status"], ours_proc.returncode)
        if who == "ref":
            # A SIGKILLed reference worker leaves its job running (its ansible-playbook is not
            # told): clear it before the EE's run is checked for leftovers.
            subprocess.run(["pkill", "-KILL", "-f", "sleep 73"], timeout=30)
    print("after a kill (status, rc, process exit):", seen)
    assert seen["ee"] == seen["ref"], seen
    # The reference's process takes the cut stream for a success (exit 0); ours does not.
    assert seen["ee, our process"][1] == 1, seen
    assert_nothing_left()

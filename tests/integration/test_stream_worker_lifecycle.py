"""The worker as a long-running process: killed mid-job, cancelled by a signal, keepalives,
private data dir handling and exit codes."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import OURS
from stream_util import IMPLEMENTATIONS, kill_processes_mentioning, messages, process, transmit, worker, write_pdd

SLOW = """- hosts: all
  gather_facts: false
  tasks:
    - name: first
      debug:
        msg: started
    - name: wait
      command: sleep {seconds}
    - name: last
      debug:
        msg: done
"""


def slow_job(tmp_path, t="ours", seconds=30):
    pdd = write_pdd(tmp_path / "src", SLOW.format(seconds=seconds))
    return transmit(IMPLEMENTATIONS[t], pdd, ident="slow")


def wait_for(predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("w", ["ours", "ref"])
def test_worker_killed_mid_job_leaves_process_with_an_error(w, tmp_path, ours, reference):
    job = slow_job(tmp_path)
    pdd = tmp_path / "worker-pdd"
    out = tmp_path / "out"
    wk = subprocess.Popen([IMPLEMENTATIONS[w], "worker", "--private-data-dir", str(pdd)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    pr = subprocess.Popen([ours, "process", str(out), "--ident", "slow"], stdin=wk.stdout, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    wk.stdout.close()
    wk.stdin.write(job)
    wk.stdin.close()
    try:
        events = out / "artifacts" / "slow" / "job_events"
        assert wait_for(lambda: events.is_dir() and len(list(events.iterdir())) >= 3), "no events arrived"
        wk.kill()
        wk.wait()
        started = time.monotonic()
        stdout, stderr = pr.communicate(timeout=20)
        assert time.monotonic() - started < 10
        assert pr.returncode != 0
        assert not (out / "artifacts" / "slow" / "status").exists()  # no artifacts ever arrived
    finally:
        for p in (wk, pr):
            if p.poll() is None:
                p.kill()
        kill_processes_mentioning(str(pdd))


def test_sigterm_cancels_and_still_completes_the_stream(tmp_path, ours):
    job = slow_job(tmp_path)
    pdd = tmp_path / "worker-pdd"
    wk = subprocess.Popen([ours, "worker", "--private-data-dir", str(pdd)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wk.stdin.write(job)
    wk.stdin.close()
    try:
        collected = b""
        while b'"task": "wait"' not in collected:
            chunk = os.read(wk.stdout.fileno(), 65536)
            assert chunk, "worker ended early"
            collected += chunk
        wk.send_signal(signal.SIGTERM)
        wk.stdin = None  # already closed; communicate() must not flush it
        rest, err = wk.communicate(timeout=60)
    finally:
        if wk.poll() is None:
            wk.kill()
        kill_processes_mentioning(str(pdd))
    stream = collected + rest
    msgs = messages(stream)
    statuses = [m["status"] for m in msgs if "status" in m]
    assert statuses[-1] == "canceled"
    assert "zipfile" in msgs[-2] and msgs[-1] == {"eof": True}
    assert wk.returncode == 254
    assert err == b""
    result = process(ours, stream, tmp_path / "out", ident="slow")
    assert result.returncode == 254
    assert (tmp_path / "out" / "artifacts" / "slow" / "status").read_text() == "canceled"


@pytest.mark.parametrize("how", ["flag", "env"])
def test_keepalives_fill_idle_time(how, tmp_path, ours, reference):
    job = slow_job(tmp_path, seconds=3)
    env = dict(os.environ)
    args = []
    if how == "flag":
        args = ["--keepalive-seconds", "1"]
    else:
        env["ANSIBLE_RUNNER_KEEPALIVE_SECONDS"] = "0.5"
    result = worker(ours, job, extra_args=args, env=env)
    assert result.returncode == 0, result.stderr
    msgs = messages(result.stdout)
    keepalives = [m for m in msgs if m.get("event") == "keepalive"]
    assert keepalives and all(m == {"event": "keepalive", "counter": 0, "uuid": 0} for m in keepalives)
    assert msgs[-1] == {"eof": True}
    # Our process ignores them: no job_events/0-0.json (2.3.1's process would write one).
    out = tmp_path / "out"
    assert process(ours, result.stdout, out, ident="slow").returncode == 0
    assert not (out / "artifacts" / "slow" / "job_events" / "0-0.json").exists()
    events = sorted(int(p.name.split("-")[0]) for p in (out / "artifacts" / "slow" / "job_events").iterdir())
    assert events == list(range(1, len(events) + 1))


@pytest.mark.parametrize("value, every_ms", [("inf", False), ("1e999", False), ("1e-9", True)])
def test_keepalive_values_that_mean_none_or_a_floor(value, every_ms, tmp_path, ours):
    """Infinity and overflow mean no keepalives; a tiny interval is raised to 1 ms: the stream
    is not flooded and SIGTERM still ends the job (docs/streaming-protocol.md, keepalive).
    Negative and NaN values are refused (test_timer_values)."""
    job = slow_job(tmp_path, seconds=2)
    env = dict(os.environ, ANSIBLE_RUNNER_KEEPALIVE_SECONDS=value)
    started = time.monotonic()
    result = worker(ours, job, env=env, timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    msgs = messages(result.stdout)
    keepalives = sum(1 for m in msgs if m.get("event") == "keepalive")
    assert msgs[-1] == {"eof": True}
    if every_ms:
        # At most one per millisecond of the worker's life (a 1e-9 s timer used to write
        # megabytes a second).
        assert 0 < keepalives <= elapsed * 1000 + 10, (keepalives, elapsed)
    else:
        assert keepalives == 0


def test_keepalive_that_is_not_a_number_is_refused(tmp_path, ours):
    job = slow_job(tmp_path, seconds=1)
    env = dict(os.environ, ANSIBLE_RUNNER_KEEPALIVE_SECONDS="soon")
    result = worker(ours, job, env=env, timeout=60)
    assert result.returncode == 1
    assert result.stdout == b""
    assert b"ANSIBLE_RUNNER_KEEPALIVE_SECONDS" in result.stderr and b"'soon'" in result.stderr


def test_worker_with_stdout_closed_fails_and_writes_no_stream_into_a_file(tmp_path, ours):
    """With fd 1 closed, the first file the worker opened used to become its stdout: the result
    stream went into an artifact and the worker exited 0. Now fd 1 is held by /dev/null opened
    read-only, so the stream cannot be delivered: the job is stopped and the exit is non-zero."""
    job = slow_job(tmp_path, seconds=30)
    pdd = tmp_path / "pdd"
    started = time.monotonic()
    proc = subprocess.run([ours, "worker", "--private-data-dir", str(pdd)], input=job,
                          stderr=subprocess.PIPE, timeout=120, preexec_fn=lambda: os.close(1))
    assert proc.returncode != 0
    assert time.monotonic() - started < 25  # stopped, not run for its 30 s
    for path in pdd.rglob("*"):
        if path.is_file():
            assert b'"eof": true' not in path.read_bytes(), path


def test_private_data_dir_kept_or_deleted(tmp_path, ours):
    job = slow_job(tmp_path, seconds=0)
    kept = tmp_path / "kept"
    assert worker(ours, job, pdd=kept).returncode == 0
    assert (kept / "project" / "test.yml").is_file()
    assert (kept / "artifacts" / "slow" / "rc").read_text() == "0"
    assert not any((kept / "artifacts" / "slow" / "job_events").iterdir()), "the worker writes no event files"

    gone = tmp_path / "gone"
    gone.mkdir()
    (gone / "stale").write_text("from an earlier job")
    result = subprocess.run([ours, "worker", f"--private-data-dir={gone}", "--delete"], input=job,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert result.returncode == 0
    assert not gone.exists()
    assert b"stale" not in result.stdout

    # Without --private-data-dir: a temp dir (under a private TMPDIR here), removed at the end.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert worker(ours, job, env=dict(os.environ, TMPDIR=str(scratch))).returncode == 0
    assert list(scratch.iterdir()) == []


def test_exit_codes_follow_the_job(tmp_path, ours, reference):
    fail = write_pdd(tmp_path / "fail", "- hosts: all\n  gather_facts: false\n  tasks:\n    - fail:\n        msg: x\n")
    job = transmit(ours, fail, ident="f")
    for binary in (ours, reference):
        assert worker(binary, job).returncode == 2
    garbage = b"garbage\n"
    assert worker(ours, garbage).returncode == 1
    assert worker(reference, garbage).returncode == 0  # the reference hides the error in the exit code


def test_only_transmit_kwargs_stream_uses_the_existing_dir(tmp_path, ours):
    pdd = write_pdd(tmp_path / "worker-pdd", SLOW.format(seconds=0))
    job = (json.dumps({"kwargs": {"ident": "k", "playbook": "test.yml", "inventory": "inventory"}}) + "\n"
           + json.dumps({"eof": True}) + "\n").encode()
    result = worker(ours, job, pdd=pdd)
    assert result.returncode == 0, result.stdout[-500:]
    statuses = [m["status"] for m in messages(result.stdout) if "status" in m]
    assert statuses[-1] == "successful"


def test_sigterm_while_waiting_for_the_job_stream(tmp_path, ours):
    """A worker whose input never ends still stops on SIGTERM, with an error status and eof."""
    wk = subprocess.Popen([ours, "worker", "--private-data-dir", str(tmp_path / "pdd")], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wk.stdin.write(b'{"kwargs": {"playbook": "x.yml"}}\n')
        wk.stdin.flush()
        time.sleep(1)
        wk.send_signal(signal.SIGTERM)
        wk.wait(timeout=20)  # stdin stays open: only the signal can end the read
        out = wk.stdout.read()
    finally:
        if wk.poll() is None:
            wk.kill()
        wk.stdin.close()
    msgs = messages(out)
    assert msgs[0]["status"] == "error" and msgs[-1] == {"eof": True}
    assert wk.returncode == 1


def test_delete_of_a_symlinked_private_data_dir(tmp_path, ours, reference):
    """--delete on a path that is a symlink: ours removes the link, runs in a fresh dir there and
    removes that, never touching the link's target; the reference cannot rmtree a symlink,
    so the job is unpacked into the target and left there."""
    job = slow_job(tmp_path, seconds=0)
    for who, binary in (("ref", reference), ("ours", ours)):
        target = tmp_path / f"target-{who}"
        target.mkdir()
        (target / "keep").write_text("k")
        link = tmp_path / f"link-{who}"
        link.symlink_to(target)
        result = subprocess.run([binary, "worker", "--private-data-dir", str(link), "--delete"], input=job,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        statuses = [m["status"] for m in messages(result.stdout) if "status" in m]
        assert statuses[-1] == "successful"
        left = sorted(p.name for p in target.iterdir())
        if who == "ref":
            assert link.is_symlink() and "project" in left
        else:
            assert result.returncode == 0 and result.stderr == b""
            assert not link.exists() and not link.is_symlink()
            assert left == ["keep"]


def test_empty_private_data_dir_is_refused(tmp_path, ours):
    """argparse gives "--private-data-dir=" as "", which the reference takes for the cwd (and
    then skips --delete): it would unpack the job wherever the worker started. Ours refuses."""
    job = slow_job(tmp_path, seconds=0)
    for extra in ([], ["--delete"]):
        result = subprocess.run([ours, "worker", "--private-data-dir=", *extra], input=job, cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        msgs = messages(result.stdout)
        assert msgs[0]["status"] == "error" and "empty path" in msgs[0]["job_explanation"]
        assert msgs[-1] == {"eof": True} and result.returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]

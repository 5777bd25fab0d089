"""start / is-alive / stop (docs/cli.md 2). Unlike the reference, stop ends the whole job: the
daemon cancels it (status canceled), and nothing of the Ansible process tree survives."""
import os
import time
from pathlib import Path

from cli_util import copy_fixture, run


def job_processes(artifact_dir):
    """Pids whose environment points at this job's artifact dir (Ansible and its children)."""
    marker = f"AWX_ISOLATED_DATA_DIR={artifact_dir}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def wait_for(predicate, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_start_is_alive_stop(tmp_path, ours):
    pdd = copy_fixture("sleeper", tmp_path / "pdd")
    artifact_dir = pdd / "artifacts" / "daemon1"
    proc = run(ours, ["start", str(pdd), "-p", "sleep.yml", "-i", "daemon1"], timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert wait_for(lambda: (pdd / "pid").exists())
    assert (pdd / "daemon.log").exists()
    assert run(ours, ["is-alive", str(pdd)]).returncode == 0
    # Wait until the task's `sleep` runs, so there is a real process tree to stop.
    assert wait_for(lambda: len(job_processes(artifact_dir)) >= 2)

    proc = run(ours, ["stop", str(pdd)], timeout=60)
    assert proc.returncode == 0
    assert not (pdd / "pid").exists()
    assert run(ours, ["is-alive", str(pdd)]).returncode == 1
    assert wait_for(lambda: not job_processes(artifact_dir), timeout=20)
    assert wait_for(lambda: (artifact_dir / "status").exists(), timeout=20)
    assert (artifact_dir / "status").read_text() == "canceled"


def test_stop_and_is_alive_without_pid_file(tmp_path, ours, reference):
    for binary in (reference, ours):
        pdd = tmp_path / Path(binary).name
        assert run(binary, ["stop", str(pdd)]).returncode == 1
        assert run(binary, ["is-alive", str(pdd)]).returncode == 1


def test_is_alive_with_stale_pid(tmp_path, ours):
    pdd = tmp_path / "pdd"
    pdd.mkdir()
    child = os.fork()
    if child == 0:
        os._exit(0)
    os.waitpid(child, 0)
    (pdd / "pid").write_text(f"{child}\n")
    assert run(ours, ["is-alive", str(pdd)]).returncode == 1
    assert run(ours, ["stop", str(pdd)]).returncode == 0
    assert not (pdd / "pid").exists()


def test_start_refuses_a_running_job(tmp_path, ours):
    pdd = tmp_path / "pdd"
    pdd.mkdir()
    (pdd / "pid").write_text(f"{os.getpid()}\n")
    proc = run(ours, ["start", str(pdd), "-p", "x.yml"])
    assert proc.returncode == 1
    assert b"already running" in proc.stderr


def test_start_validates_before_daemonising(tmp_path, ours, reference):
    for binary in (reference, ours):
        pdd = tmp_path / Path(binary).name
        proc = run(binary, ["start", str(pdd)])
        assert proc.returncode == 1
        assert proc.stderr == b"The -p option must be specified when not using -m or -r\n"

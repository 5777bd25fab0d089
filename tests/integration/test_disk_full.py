"""A full disk while writing artifacts (issue 8): a clear error naming the path and the
reason, a non-zero exit / error status, no crash, no hang, no job left running.

Each case runs on its own small tmpfs; it needs root (mount) and is skipped otherwise.
The reference's outcomes are in docs/security.md: it dies with a traceback (run: then hangs),
or, for process, exits 1 without a word (its traceback goes to <pdd>/daemon.log on the full disk).
"""
import base64
import io
import json
import os
import subprocess
import zipfile

import pytest

import stream_util
from conftest import OURS

ENOSPC_TEXT = "No space left on device"
TIMEOUT = 120


@pytest.fixture
def tiny_fs(tmp_path):
    """Mounts a fresh 1 MiB tmpfs; yields its path; unmounts it afterwards."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(mount_point)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        stream_util.kill_processes_mentioning(str(mount_point))
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def loop_pdd(root, items):
    """A private data dir whose playbook prints `items` debug results (~1 KB of events each)."""
    (root / "project").mkdir(parents=True)
    (root / "inventory").mkdir()
    (root / "project" / "main.yml").write_text(
        "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        f"    - debug: msg=\"item {{{{ item }}}}\"\n      loop: \"{{{{ range(0, {items}) | list }}}}\"\n")
    (root / "inventory" / "hosts").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
    return root


def assert_no_process_mentions(text):
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
        except OSError:
            continue
        assert text.encode() not in cmdline, f"process {pid} still runs: {cmdline!r}"


def test_run_stops_with_a_clear_error_when_the_artifacts_fill_the_disk(tiny_fs, ours):
    pdd = loop_pdd(tiny_fs / "pdd", 3000)
    proc = subprocess.run([ours, "run", str(pdd), "-p", "main.yml"], capture_output=True, timeout=TIMEOUT,
                          check=False)
    err = proc.stderr.decode()
    assert proc.returncode != 0
    assert ENOSPC_TEXT in err and str(pdd / "artifacts") in err, err
    assert "Traceback" not in err and "terminate called" not in err
    assert_no_process_mentions(str(pdd))
    # The status file says "error" when a page is left for it; it never claims anything else.
    assert [p.read_text() for p in (pdd / "artifacts").glob("*/status")] in (["error"], [""], [])


def job_stream_with_big_file(tmp_path, size):
    pdd = loop_pdd(tmp_path / "job", 1)
    (pdd / "project" / "blob.bin").write_bytes(os.urandom(size))
    return stream_util.transmit(OURS, pdd, "disk-full", playbook="main.yml")


def assert_error_status_then_eof(stdout, reason_text):
    msgs = stream_util.messages(stdout)
    assert msgs[-1] == {"eof": True}, msgs[-3:]
    status = msgs[-2]
    assert status["status"] == "error", status
    assert reason_text in status["result_traceback"], status


def test_worker_reports_a_full_tmpdir_on_the_stream(tmp_path, tiny_fs, ours):
    job = job_stream_with_big_file(tmp_path, 3 << 20)
    env = dict(os.environ, TMPDIR=str(tiny_fs))
    proc = stream_util.worker(ours, job, pdd=tmp_path / "worker-pdd", env=env, timeout=TIMEOUT)
    assert proc.returncode != 0
    assert_error_status_then_eof(proc.stdout, ENOSPC_TEXT)


def test_worker_reports_a_full_private_data_dir_on_the_stream(tmp_path, tiny_fs, ours):
    job = job_stream_with_big_file(tmp_path, 3 << 20)
    proc = stream_util.worker(ours, job, pdd=tiny_fs / "worker-pdd", timeout=TIMEOUT)
    assert proc.returncode != 0
    assert_error_status_then_eof(proc.stdout, ENOSPC_TEXT)
    assert_error_status_then_eof(proc.stdout, "blob.bin")
    # The controller's process side ends cleanly on that stream.
    result = stream_util.process(ours, proc.stdout, tmp_path / "controller", ident="disk-full")
    assert result.returncode == 1


def event_line(counter):
    return json.dumps({"uuid": f"u-{counter}", "counter": counter, "stdout": f"line {counter}",
                       "event": "verbose", "pad": "x" * 900})


def test_process_stops_with_a_clear_error_when_event_files_fill_the_disk(tiny_fs, ours):
    # 1 MiB of tmpfs holds 256 one-page files; 1,000 events cannot fit.
    stream = "\n".join([event_line(n) for n in range(1, 1001)] + ['{"status": "successful"}', '{"eof": true}'])
    pdd = tiny_fs / "pdd"
    proc = stream_util.process(ours, (stream + "\n").encode(), pdd, ident="x")
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert ENOSPC_TEXT in err and str(pdd / "artifacts" / "x" / "job_events") in err, err
    assert len(err.splitlines()) == 1, err  # stops at the first failure
    assert b"line 1\n" in proc.stdout


def test_process_stops_with_a_clear_error_when_the_artifacts_zip_fills_the_disk(tiny_fs, ours):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("rc", "0")
        archive.writestr("stdout", os.urandom(2 << 20))
    payload = base64.b64encode(data.getvalue())
    stream = (event_line(1) + '\n{"status": "successful"}\n' + json.dumps({"zipfile": len(data.getvalue())})
              + "\n").encode() + payload + b'{"eof": true}\n'
    pdd = tiny_fs / "pdd"
    proc = stream_util.process(ours, stream, pdd, ident="x")
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert ENOSPC_TEXT in err and str(pdd / "artifacts" / "x") in err and "stdout" in err, err

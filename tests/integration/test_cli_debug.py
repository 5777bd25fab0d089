"""--debug and --logfile, through the reference and ours.

Both print diagnostic lines on stdout that start with "starting debug logging" and name the
final command; --logfile appends them with a timestamp, and alone creates an empty file. The
wording of the other lines is each runner's own. Where they differ on purpose: our transmit and
worker keep them out of stdout, because the reference's land in the stream and break it:
transmit prints them on stderr, the worker only into --logfile (Receptor merges a worker's
stderr into its stream)."""
import re
import subprocess

import pytest

from cli_util import copy_fixture, fake_env, make_fake_bin, run
from conftest import OURS, REFERENCE

RUNNERS = {"ours": OURS, "reference": REFERENCE}
STAMP_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: ")


@pytest.fixture
def job(tmp_path):
    bindir = make_fake_bin(tmp_path)
    return tmp_path, fake_env(bindir)


def debug_lines(text):
    return [line for line in text.splitlines() if line]


@pytest.mark.parametrize("who", RUNNERS)
def test_debug_prints_on_stdout_and_names_the_command(job, who):
    root, env = job
    pdd = copy_fixture("demo", root / who)
    proc = run(RUNNERS[who], ["run", str(pdd), "-p", "test.yml", "--ident", "dbg", "--debug"], env=env)
    assert proc.returncode == 0, proc.stderr
    lines = debug_lines(proc.stdout.decode())
    assert lines[0] == "starting debug logging"
    assert f"command: ansible-playbook -i {pdd}/inventory test.yml" in lines
    assert "env:" in lines
    assert f" AWX_ISOLATED_DATA_DIR: {pdd}/artifacts/dbg" in lines


@pytest.mark.parametrize("who", RUNNERS)
def test_without_debug_nothing_is_printed(job, who):
    root, env = job
    pdd = copy_fixture("demo", root / who)
    proc = run(RUNNERS[who], ["run", str(pdd), "-p", "test.yml"], env=env)
    assert proc.returncode == 0, proc.stderr
    assert b"debug logging" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("who", RUNNERS)
def test_logfile_alone_is_created_empty(job, who):
    root, env = job
    pdd = copy_fixture("demo", root / who)
    log = root / f"{who}.log"
    proc = run(RUNNERS[who], ["run", str(pdd), "-p", "test.yml", "--logfile", str(log)], env=env)
    assert proc.returncode == 0, proc.stderr
    assert log.exists() and log.read_bytes() == b""


@pytest.mark.parametrize("who", RUNNERS)
def test_logfile_with_debug_is_appended_with_timestamps(job, who):
    root, env = job
    pdd = copy_fixture("demo", root / who)
    log = root / f"{who}.log"
    log.write_text("earlier line\n")
    proc = run(RUNNERS[who], ["run", str(pdd), "-p", "test.yml", "--debug", "--logfile", str(log)], env=env)
    assert proc.returncode == 0, proc.stderr
    lines = log.read_text().splitlines()
    assert lines[0] == "earlier line"
    stamped = [line for line in lines[1:] if STAMP_RE.match(line)]
    messages = [STAMP_RE.sub("", line) for line in stamped]
    assert messages[0] == "starting debug logging"
    assert f"command: ansible-playbook -i {pdd}/inventory test.yml" in messages
    # Every message printed on stdout is also in the log.
    assert set(debug_lines(proc.stdout.decode())) <= set(messages) | {line for line in lines if not STAMP_RE.match(line)}


@pytest.mark.parametrize("who", RUNNERS)
def test_unwritable_logfile_is_an_error(job, who):
    root, env = job
    pdd = copy_fixture("demo", root / who)
    missing = root / "no-such-dir" / "x.log"
    proc = run(RUNNERS[who], ["run", str(pdd), "-p", "test.yml", "--logfile", str(missing)], env=env)
    assert proc.returncode == 1
    assert str(missing).encode() in proc.stderr
    assert not (pdd / "artifacts").exists() or who == "reference"
    if who == "ours":
        assert proc.stderr.decode().count("\n") == 1, proc.stderr  # one line, no traceback


def test_debug_keeps_our_streams_intact(job):
    """transmit --debug | worker --debug --logfile | process --debug: ours keeps the
    diagnostics of the two stream writers out of their streams, so the job goes through."""
    root, env = job
    pdd = copy_fixture("demo", root / "src")
    transmit = run(OURS, ["transmit", str(pdd), "-p", "test.yml", "--ident", "s", "--debug"], env=env)
    assert transmit.returncode == 0, transmit.stderr
    assert transmit.stdout.startswith(b'{"kwargs": ')
    assert transmit.stderr.decode().splitlines()[0] == "starting debug logging"
    log = root / "worker.log"
    worker = run(OURS, ["worker", "--debug", "--logfile", str(log)], env=env, input=transmit.stdout)
    assert worker.returncode == 0, worker.stderr
    assert worker.stdout.startswith(b'{"status": "starting"')
    assert worker.stderr == b""
    assert "command: ansible-playbook -i " in log.read_text()
    out = root / "out"
    process = run(OURS, ["process", str(out), "--ident", "s", "--debug"], env=env, input=worker.stdout)
    assert process.returncode == 0, process.stderr
    assert process.stdout.decode().splitlines()[0] == "starting debug logging"
    assert (out / "artifacts" / "s" / "status").read_text() == "successful"


def test_reference_debug_breaks_its_own_stream(job):
    """Pinned: the reference writes --debug output into the stream on stdout."""
    root, env = job
    pdd = copy_fixture("demo", root / "src")
    transmit = run(REFERENCE, ["transmit", str(pdd), "-p", "test.yml", "--debug"], env=env)
    assert transmit.stdout.startswith(b"starting debug logging\n")
    worker = subprocess.run([REFERENCE, "worker"], input=transmit.stdout, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, timeout=120)
    assert b'"status": "error"' in worker.stdout

"""The catalogue of recorded, broken and hostile streams (tests/fixtures/streams/catalogue.json):
each job stream through our worker and each result stream through our process must give its
expected outcome: never a hang, a crash or a write outside the private data dir."""
import shutil
import subprocess
from pathlib import Path

import pytest

from stream_util import STREAMS, catalogue, catalogued_stream, environment_with, messages, process, run, worker

ESCAPE_DIR = Path("/tmp/ansible-runner-escape-test")
HOSTILE_UUID_FILE = Path("/tmp/ar-hostile-uuid.json")
CATALOGUE = catalogue()


@pytest.fixture
def escape_target():
    """The directory hostile archives aim at: it exists, so a write through a planted symlink
    would succeed; the test checks it stays empty."""
    shutil.rmtree(ESCAPE_DIR, ignore_errors=True)
    ESCAPE_DIR.mkdir()
    yield ESCAPE_DIR
    shutil.rmtree(ESCAPE_DIR, ignore_errors=True)


@pytest.mark.parametrize("name", sorted(CATALOGUE["job"]))
def test_worker_on_job_stream(name, ours, tmp_path, escape_target):
    expected = CATALOGUE["job"][name]
    stream = catalogued_stream("job", name)
    pdd = tmp_path / "pdd"
    result = worker(ours, stream, pdd=pdd, timeout=300, env=environment_with(expected.get("env")))
    assert result.stderr == b""
    msgs = messages(result.stdout)  # whatever happened, the output is a well-formed stream
    assert msgs[-1] == {"eof": True}
    statuses = [m for m in msgs if "status" in m]
    if expected["worker"] == "error":
        assert len(msgs) == 2, msgs
        assert statuses[0]["status"] == "error"
        assert expected["explanation"] in statuses[0]["job_explanation"]
        # Input is quoted at most ~1 KB at a time, however long the line (docs/security.md).
        assert len(statuses[0]["job_explanation"]) < 2048, len(statuses[0]["job_explanation"])
        assert result.returncode == 1  # the reference exits 0 (or 1 with no output at all)
    else:
        assert statuses[-1]["status"] == expected["worker"]
        assert result.returncode == 0
    assert list(escape_target.iterdir()) == []
    assert not (tmp_path / "evil").exists()


@pytest.mark.parametrize("name", sorted(CATALOGUE["job"]))
def test_reference_behaviour_is_as_catalogued(name, reference, tmp_path, escape_target):
    """Pins what the reference does with each stream, so the catalogue documents every
    difference: where it reports an error so do we; where it crashes silently or accepts a
    hostile archive, we report an error instead."""
    expected = CATALOGUE["job"][name]["reference"]
    stream = catalogued_stream("job", name)
    if expected == "hangs":
        # It waits for payload bytes at end of input for ever; nothing it could do ends that.
        with pytest.raises(subprocess.TimeoutExpired):
            worker(reference, stream, pdd=tmp_path / "pdd", timeout=5)
        return
    result = worker(reference, stream, pdd=tmp_path / "pdd", timeout=300)
    first = result.stdout.split(b"\n", 1)[0]
    if expected == "error":
        assert b'"status": "error"' in first, result.stdout[:300]
        assert result.returncode == 0
    elif expected == "crash":
        assert result.stdout == b"" and result.returncode == 1
    elif expected == "accepts":
        assert b'"status": "starting"' in first, result.stdout[:300]
    elif expected == "escapes":
        assert (escape_target / "file").read_text() == "pwned"


@pytest.mark.parametrize("name", sorted(CATALOGUE["result"]))
def test_process_on_result_stream(name, ours, tmp_path, escape_target):
    expected = CATALOGUE["result"][name]
    stream = catalogued_stream("result", name)
    pdd = tmp_path / "pdd"
    result = process(ours, stream, pdd, ident="fixture", env=environment_with(expected.get("env")))
    assert result.returncode == expected["exit"], result.stderr.decode()
    art = pdd / "artifacts" / "fixture"
    if "events" in expected:
        assert len(list((art / "job_events").iterdir())) == expected["events"]
    if expected.get("artifacts", True) is False:
        assert not (art / "status").exists()  # nothing to unpack: the status stays the stream's
    elif expected["status"] != "error":
        assert (art / "status").read_text() == expected["status"]
    if "stderr" in expected:
        assert expected["stderr"] in result.stderr.decode()
    if "stderr_under" in expected:  # an error quotes at most ~1 KB of its input
        assert len(result.stderr) < expected["stderr_under"], result.stderr[:3000]
    if "stdout_has" in expected:
        assert expected["stdout_has"] in result.stdout.decode()
    assert not HOSTILE_UUID_FILE.exists()
    assert list(escape_target.iterdir()) == []
    assert not (art / "job_events" / "0-0.json").exists()


@pytest.mark.parametrize("name", sorted(CATALOGUE["result"]))
def test_reference_process_is_as_catalogued(name, reference, tmp_path):
    """Pins the reference's process on each result stream: where it crashes (exit 1, traceback
    in daemon.log, no artifacts), ours skips the bad line or reports an error on stderr."""
    expected = CATALOGUE["result"][name]["reference"]
    stream = catalogued_stream("result", name)
    pdd = tmp_path / "pdd"
    result = process(reference, stream, pdd, ident="fixture")
    unpacked = (pdd / "artifacts" / "fixture" / "status").exists()
    traceback = (pdd / "daemon.log").read_text()
    if expected == "crash":
        assert result.returncode == 1 and "Traceback" in traceback and not unpacked
    else:
        assert result.returncode == 0 and traceback == ""
        assert unpacked == (expected == "artifacts")


def test_catalogue_is_up_to_date():
    """The fixtures are what make_streams.py derives from the recordings."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "streams"
        shutil.copytree(STREAMS, copy)
        subprocess.run(["/usr/bin/python3", str(copy / "make_streams.py")], check=True)
        for path in sorted(copy.rglob("*")):
            if path.is_file() and path.suffix in (".stream", ".zip", ".json"):
                original = STREAMS / path.relative_to(copy)
                assert path.read_bytes() == original.read_bytes(), f"{original} is stale: run make_streams.py"


def test_process_quiet_and_without_ident(tmp_path, ours, reference):
    stream = (STREAMS / "result" / "ref_successful.stream").read_bytes()
    for who, binary in (("ref", reference), ("ours", ours)):
        pdd = tmp_path / who
        quiet = process(binary, stream, pdd, quiet=True)  # only the top-level -q reaches process
        assert quiet.returncode == 0 and quiet.stdout == b""
        # Without --ident the artifacts land directly in <pdd>/artifacts.
        assert (pdd / "artifacts" / "rc").read_text() == "0"
        assert len(list((pdd / "artifacts" / "job_events").iterdir())) == 6
        assert (pdd / "daemon.log").read_text() == ""  # the CLI makes it for process
        # An empty --ident= is argparse's empty string: no ident, the same place.
        empty = tmp_path / f"{who}-empty"
        assert run([binary, "process", str(empty), "--ident="], input=stream).returncode == 0
        assert (empty / "artifacts" / "rc").read_text() == "0"

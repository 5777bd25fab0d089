"""process writes job_events/<counter>-<uuid>.json as the reference does: json.dumps of the
parsed line. Ours writes a json.dumps line back as it is and rewrites any other line the way
json.dumps would; this compares the files byte for byte with the reference's on odd inputs."""
import os
import subprocess

import pytest

from conftest import OURS, REFERENCE

# Lines as a worker might send them; most are not json.dumps output.
ODD_EVENTS = [
    '{"uuid": "u-1", "counter": 1, "stdout": "plain", "event": "verbose"}',
    '{"uuid":"u-2","counter":2,"stdout":"compact","event":"verbose"}',
    r'{"uuid": "u-3", "counter": 3, "stdout": "caf\u00e9 \u00E9", "event": "verbose"}',
    '{"uuid": "u-4", "counter": 4, "stdout": "raw caf\u00e9 \U0001F600", "event": "verbose"}',
    r'{"uuid": "u-5", "counter": 5, "stdout": "", "event_data": {"res": "bad \udcff", "hi": "\ud83d x",'
    r' "pair": "\ud83d\ude00"}}',
    '{"uuid": "u-6", "counter": 6, "stdout": "n", "event_data": {"a": 1e5, "b": 1.0, "c": 1.10, "d": 1E400,'
    ' "e": -0, "f": -0.0, "g": 0.00001, "h": 1e16, "i": 0.1}}',
    '{"uuid": "u-7", "counter": 7, "stdout": "big", "event_data": {"big": 123456789012345678901234567890,'
    ' "neg": -98765432109876543210}}',
    '{"uuid": "u-8", "counter": 8, "stdout": "dup", "event_data": {"k": 1, "j": 2, "k": 3}, "stdout": "dup2"}',
    '{"counter": 9, "uuid": "u-9", "z": 1, "a": 2, "stdout": "order"}',
    '{"uuid": "u-10", "counter": 10, "stdout": "nan", "event_data": {"x": NaN, "y": Infinity, "z": -Infinity}}',
    r'{"uuid": "u-11", "counter": 11, "stdout": "esc \/ \u0041 \u007f \u001f\u0008 \t"}',
    ' {"uuid": "u-12", "counter": 12, "stdout": "spaces"} ',
    r'{"uuid": "u-13", "counter": 13, "stdout": "ctl \u0000 del", "event_data": {"deep": [[{"a": []}], {}]}}',
    '{"uuid": "u-14", "counter": 14, "stdout": "a\\nb\\r\\nc", "event": "x\u007f"}',
]


def odd_stream():
    lines = ['{"status": "running", "runner_ident": "x"}'] + ODD_EVENTS + [
        '{"status": "successful", "runner_ident": "x"}', '{"eof": true}']
    return ("\n".join(lines) + "\n").encode("utf-8")


def run_process(binary, root, stream):
    pdd = root / os.path.basename(binary)
    proc = subprocess.run([binary, "process", str(pdd), "--ident", "x"], input=stream,
                          capture_output=True, timeout=120, check=False)
    events = pdd / "artifacts" / "x" / "job_events"
    files = {name: (events / name).read_bytes() for name in sorted(os.listdir(events))}
    return proc, files


def test_event_files_and_stdout_are_the_references_bytes(tmp_path, ours, reference):
    stream = odd_stream()
    (tmp_path / "ours").mkdir()
    (tmp_path / "ref").mkdir()
    ref_proc, ref_files = run_process(REFERENCE, tmp_path / "ref", stream)
    our_proc, our_files = run_process(OURS, tmp_path / "ours", stream)
    assert ref_proc.returncode == 0, ref_proc.stderr
    assert len(ref_files) == len(ODD_EVENTS)
    assert our_proc.returncode == 0, our_proc.stderr
    assert sorted(our_files) == sorted(ref_files)
    for name, data in ref_files.items():
        assert our_files[name] == data, name
    assert our_proc.stdout == ref_proc.stdout


@pytest.mark.parametrize("line", ODD_EVENTS)
def test_each_odd_line_alone(tmp_path, ours, reference, line):
    """One event per run, so a difference names its line."""
    stream = (line + '\n{"eof": true}\n').encode("utf-8")
    (tmp_path / "ours").mkdir()
    (tmp_path / "ref").mkdir()
    _, ref_files = run_process(REFERENCE, tmp_path / "ref", stream)
    _, our_files = run_process(OURS, tmp_path / "ours", stream)
    assert our_files == ref_files


def test_repeated_names_and_archived_event_files_end_as_the_references(tmp_path, ours, reference):
    """Event files are made on several threads when no handler waits for them: an event name
    (counter-uuid) sent many times must still end with the last text sent, and a job_events/
    file in the artifacts archive must replace the one written from the events before it."""
    import base64
    import io
    import json
    import zipfile

    lines = ['{"status": "running", "runner_ident": "x"}']
    for i in range(400):  # texts shrink: a later write must truncate, not overlay
        name = i % 7
        lines.append(json.dumps({"uuid": f"u-{name}", "counter": name + 1, "stdout": "s" * (800 - i),
                                 "event": "verbose", "n": i}))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("job_events/3-u-2.json", '{"from": "the archive"}')
        z.writestr("status", "successful")
        z.writestr("rc", "0")
    payload = archive.getvalue()
    lines += ['{"status": "successful", "runner_ident": "x"}', json.dumps({"zipfile": len(payload)})]
    stream = ("\n".join(lines) + "\n").encode() + base64.b64encode(payload) + b'{"eof": true}\n'
    (tmp_path / "ours").mkdir()
    (tmp_path / "ref").mkdir()
    ref_proc, ref_files = run_process(REFERENCE, tmp_path / "ref", stream)
    our_proc, our_files = run_process(OURS, tmp_path / "ours", stream)
    assert ref_proc.returncode == 0, ref_proc.stderr
    assert len(ref_files) == 7 and ref_files["3-u-2.json"] == b'{"from": "the archive"}'
    assert our_proc.returncode == 0, our_proc.stderr
    assert our_files == ref_files

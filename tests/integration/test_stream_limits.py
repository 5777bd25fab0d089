"""The line limits of `worker` and `process` (docs/security.md, "Limits"): each one holds at its
default and where a node's operator sets it, past it the line is refused by name (the worker
with an error status and eof, `process` by skipping the message), and a raised limit lets the
same line through with the reference's result. The reference has no such limits: where it can
read the line, what ours does with a raised limit is compared with what it does."""
import base64
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from stream_util import messages, run, write_pdd

PLAYBOOK = """- hosts: localhost
  gather_facts: false
  tasks:
    - debug: msg="{{ x | length }}"
"""


def job_stream(pdd, kwargs):
    """kwargs line, the private data dir as a zip, eof: what transmit writes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(Path(pdd).rglob("*")):
            if path.is_file():
                z.write(path, str(path.relative_to(pdd)))
    data = buf.getvalue()
    return (json.dumps({"kwargs": kwargs}) + "\n" + json.dumps({"zipfile": len(data)}) + "\n").encode() + \
        base64.b64encode(data) + b'{"eof": true}\n'


def env_with(**limits):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_RUNNER_MAX_")}
    env.update({f"ANSIBLE_RUNNER_MAX_{k.upper()}": str(v) for k, v in limits.items()})
    return env


# x, the one extra var, and the limit it needs lowered to be refused, per limit.
CASES = {
    "json_depth": (json.loads("[" * 40 + "]" * 40), "30", "nested deeper than 30 levels"),
    "json_values": (list(range(5000)), "4000", "more than 4000 values"),
    "string_bytes": ("y" * 5000, "4K", "a string of 5000 bytes, over the limit of 4096"),
    "line_bytes": ("y" * 5000, "4K", "longer than 4096 bytes"),
}


@pytest.mark.parametrize("limit", sorted(CASES))
def test_worker_refuses_a_kwargs_line_past_a_limit(ours, tmp_path, limit):
    x, lowered, refusal = CASES[limit]
    stream = job_stream(write_pdd(tmp_path / "pdd", PLAYBOOK), {"playbook": "test.yml", "ident": "j",
                                                                 "extravars": {"x": x}})
    proc = run([ours, "worker", "--private-data-dir", str(tmp_path / "w")], input=stream,
               env=env_with(**{limit: lowered}))
    out = messages(proc.stdout)
    assert proc.returncode == 1, proc.stderr
    assert [m.get("status") for m in out[:-1]] == ["error"] and out[-1] == {"eof": True}
    explanation = out[0]["job_explanation"]
    assert refusal in explanation and f"ANSIBLE_RUNNER_MAX_{limit.upper()} raises the limit" in explanation
    assert len(explanation) < 400
    assert not (tmp_path / "w" / "project").exists()  # refused before the zip was read


@pytest.mark.parametrize("limit", sorted(CASES))
def test_worker_runs_the_job_within_the_default_limits_as_the_reference(ours, reference, tmp_path, limit):
    x = CASES[limit][0]
    stream = job_stream(write_pdd(tmp_path / "pdd", PLAYBOOK), {"playbook": "test.yml", "ident": "j",
                                                                 "extravars": {"x": x}})
    seen = {}
    for name, binary in (("ref", reference), ("ours", ours)):
        proc = run([binary, "worker"], input=stream, env=env_with())
        out = messages(proc.stdout)
        seen[name] = ([m["status"] for m in out if "status" in m],
                      [m["stdout"] for m in out if m.get("event") == "runner_on_ok"])
    assert seen["ours"] == seen["ref"]
    assert seen["ours"][0][-1] == "successful" and f'"msg": "{len(x)}"' in seen["ours"][1][0]


def result_stream(event_data):
    """A result stream as a worker writes it, with one event carrying `event_data` (as text, so
    that it may nest deeper than Python's json can write) between two plain events."""
    def event(counter, data):
        return (json.dumps({"uuid": f"00000000-0000-4000-8000-{counter:012d}", "counter": counter,
                            "event": "runner_on_ok", "stdout": f"event {counter}", "event_data": 0})
                .replace('"event_data": 0', '"event_data": ' + data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("rc", "0")
        z.writestr("status", "successful")
    data = buf.getvalue()
    lines = [json.dumps({"status": "starting", "runner_ident": "j", "command": [], "env": {}, "cwd": "/"}),
             event(1, "{}"), event(2, event_data), event(3, "{}"),
             json.dumps({"status": "successful", "runner_ident": "j"}), json.dumps({"zipfile": len(data)})]
    return ("\n".join(lines) + "\n").encode() + base64.b64encode(data) + b'\n{"eof": true}\n'


def process_outcome(binary, stream, pdd, env):
    proc = run([binary, "process", str(pdd), "--ident", "j"], input=stream, env=env)
    events = pdd / "artifacts" / "j" / "job_events"
    files = {f.name: f.read_text() for f in sorted(events.iterdir())} if events.is_dir() else {}
    return proc, files


# event_data, the variable lowered to refuse it, its value, the refusal
PROCESS_CASES = {
    "json_depth": ('{"d": ' + "[" * 900 + "]" * 900 + "}", "500", "nested deeper than 500 levels"),
    "json_values": (json.dumps({"v": list(range(5000))}), "4000", "more than 4000 values"),
    "string_bytes": (json.dumps({"s": "\u00e9" * 3000}), "5K", "a string of 6000 bytes, over the limit of 5120"),
}


@pytest.mark.parametrize("limit", sorted(PROCESS_CASES))
def test_process_skips_a_message_past_a_limit_and_keeps_the_rest(ours, reference, tmp_path, limit):
    event_data, lowered, refusal = PROCESS_CASES[limit]
    stream = result_stream(event_data)
    proc, files = process_outcome(ours, stream, tmp_path / "low", env_with(**{limit: lowered}))
    assert proc.returncode == 0, proc.stderr
    assert sorted(files) == ["1-00000000-0000-4000-8000-000000000001.json",
                             "3-00000000-0000-4000-8000-000000000003.json"]
    stderr = proc.stderr.decode()
    assert f"past a limit, {refusal} (ANSIBLE_RUNNER_MAX_{limit.upper()} raises the limit)" in stderr
    assert len(stderr) < 1000
    assert (tmp_path / "low" / "artifacts" / "j" / "status").read_text() == "successful"
    # At the default limits, every event as the reference writes it.
    ref_proc, ref_files = process_outcome(reference, stream, tmp_path / "ref", env_with())
    proc, files = process_outcome(ours, stream, tmp_path / "default", env_with())
    assert proc.returncode == ref_proc.returncode == 0
    assert files == ref_files and len(files) == 3


def test_process_takes_the_deepest_line_the_depth_limit_allows(ours, tmp_path):
    """2,000 levels (the most the limit can be raised to): kept byte for byte, no stack
    overflow, under ASan too (the reference's json stops near 1,000 levels). The default refuses it."""
    deep = "[" * 1990 + "]" * 1990
    stream = result_stream('{"d": ' + deep + "}")
    proc, files = process_outcome(ours, stream, tmp_path / "raised", env_with(json_depth=2000))
    assert proc.returncode == 0, proc.stderr
    assert len(files) == 3
    assert files["2-00000000-0000-4000-8000-000000000002.json"].count("[") == 1990
    proc, files = process_outcome(ours, stream, tmp_path / "default", env_with())
    assert len(files) == 2 and b"nested deeper than 1000 levels" in proc.stderr


def test_a_long_line_breaks_the_stream_unless_the_limit_is_raised(ours, tmp_path):
    stream = result_stream(json.dumps({"s": "y" * 100_000}))
    proc, files = process_outcome(ours, stream, tmp_path / "low", env_with(line_bytes="64K"))
    assert proc.returncode == 1
    assert b"longer than 65536 bytes (ANSIBLE_RUNNER_MAX_LINE_BYTES raises the limit)" in proc.stderr
    assert not (tmp_path / "low" / "artifacts" / "j" / "status").exists()  # as any stream that breaks before its zip
    proc, files = process_outcome(ours, stream, tmp_path / "raised", env_with(line_bytes="1M"))
    assert proc.returncode == 0 and len(files) == 3


@pytest.mark.parametrize("variable,value", [("JSON_DEPTH", "2001"), ("JSON_VALUES", "lots"),
                                            ("LINE_BYTES", "0"), ("STRING_BYTES", "-5")])
@pytest.mark.parametrize("role", ["worker", "process"])
def test_an_invalid_limit_stops_before_anything_is_read_or_written(ours, tmp_path, variable, value, role):
    env = env_with()
    env[f"ANSIBLE_RUNNER_MAX_{variable}"] = value
    argv = [ours, "worker"] if role == "worker" else [ours, "process", str(tmp_path / "pdd")]
    proc = run(argv, input=b'{"eof": true}\n', env=env)
    assert proc.returncode == 1
    assert f"ANSIBLE_RUNNER_MAX_{variable}" in proc.stderr.decode()
    assert proc.stdout == b"" and not (tmp_path / "pdd").exists()


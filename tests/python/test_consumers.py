"""Consumer-shaped differential tests of the Python package: each driver in consumers/ plays one
real consumer's use of the API (AWX, ansible-navigator, ansible-rulebook / eda-server,
ansible-sdk, and generic embedders) and prints one JSON document of what that consumer saw. Every
driver runs once with the reference (PyPI's ansible-runner 2.3.1) and once with ours; the two
documents are compared, after dropping timings and the few fields where we knowingly differ
(those are asserted on ours alone, and what the reference did is written down next to them).

Runs under Debian's /usr/bin/python3 -m pytest. The venvs' interpreters come from AR_PY_REF and
AR_PY_OURS (default: build/py/venv-{ref,ours}/bin/python, made by scripts/python-venvs.sh). A
missing venv fails the tests that need it; nothing is skipped."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from reference import REFERENCE  # noqa: E402

HERE = Path(__file__).resolve().parent
SOURCE_DIR = Path(os.environ.get("AR_SOURCE_DIR", HERE.parents[1]))
DRIVERS = HERE / "consumers"
PYTHONS = {
    "ref": os.environ.get("AR_PY_REF", str(SOURCE_DIR / "build" / "py" / "venv-ref" / "bin" / "python")),
    "ours": os.environ.get("AR_PY_OURS", str(SOURCE_DIR / "build" / "py" / "venv-ours" / "bin" / "python")),
}
DRIVER_TIMEOUT = 300

# The job whose result stream the process consumers are fed (made once, by the reference CLI).
STREAM_PLAYBOOK = """- hosts: all
  gather_facts: false
  tasks:
    - name: say hello
      debug:
        msg: "héllo ✓"
    - name: run a command
      command: echo out-line
    - name: fail but go on
      command: /bin/false
      ignore_errors: true
    - name: set stats
      set_stats:
        data:
          answer: 42
"""
LOCAL_INVENTORY = "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"


def python_of(which):
    python = PYTHONS[which]
    if not os.access(python, os.X_OK):
        pytest.fail(f"the {which} venv is missing: {python} (make it with scripts/python-venvs.sh BUILD_DIR {which})")
    return python


class DriverFailed(Exception):
    pass


def start_driver(which, name, work, args, python_args):
    python = python_of(which)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    # As in an activated venv (AWX, navigator and EDA run from theirs).
    env["PATH"] = f"{Path(python).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # no __pycache__ in the source tree
    return subprocess.Popen([python, *python_args, str(DRIVERS / name), str(work), *map(str, args)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=work, env=env,
                            start_new_session=True)


def finish_driver(which, name, proc, deadline):
    try:
        out, err = proc.communicate(timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise DriverFailed(f"{which}: {name} did not finish within {DRIVER_TIMEOUT} s (a hang); "
                           f"stderr tail:\n{err.decode('utf-8', 'replace')[-3000:]}")
    finally:
        # Whatever the driver left in its session (it kills its jobs itself; this is a backstop).
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    text = err.decode("utf-8", "replace")
    if proc.returncode != 0 or not out.strip():
        raise DriverFailed(f"{which}: {name} exited {proc.returncode} without a document; "
                           f"stderr tail:\n{text[-3000:]}")
    try:
        doc = json.loads(out)
    except ValueError as e:
        raise DriverFailed(f"{which}: {name} printed no JSON document ({e}): {out[:500]!r}")
    return doc, text


class Runs:
    """Runs each driver once per venv (both at once) and keeps the documents for the tests."""

    def __init__(self, tmp_root):
        self.tmp_root = tmp_root
        self.cache = {}

    def both(self, name, *args, python_args=()):
        key = (name, args, python_args)
        if key not in self.cache:
            for which in PYTHONS:
                python_of(which)
            work = self.tmp_root / f"{Path(name).stem}-{len(self.cache)}"
            deadline = time.monotonic() + DRIVER_TIMEOUT
            procs = {which: start_driver(which, name, work / which, args, python_args) for which in PYTHONS}
            result = {}
            for which, proc in procs.items():
                try:
                    result[which] = finish_driver(which, name, proc, deadline)
                except DriverFailed as e:
                    result[which] = e
            self.cache[key] = result
        result = self.cache[key]
        for which in ("ref", "ours"):
            if isinstance(result[which], DriverFailed):
                pytest.fail(str(result[which]))
        return result["ref"][0], result["ours"][0]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return Runs(tmp_path_factory.mktemp("consumers"))


@pytest.fixture(scope="module")
def result_stream(tmp_path_factory):
    """A real small job's result stream: `ansible-runner transmit | ansible-runner worker` of the
    reference (the venv's CLI, or Debian's when that venv is missing)."""
    root = tmp_path_factory.mktemp("stream")
    pdd = root / "pdd"
    (pdd / "project").mkdir(parents=True)
    (pdd / "inventory").mkdir()
    (pdd / "project" / "test.yml").write_text(STREAM_PLAYBOOK)
    (pdd / "inventory" / "hosts").write_text(LOCAL_INVENTORY)
    cli = Path(PYTHONS["ref"]).parent / "ansible-runner"
    if not os.access(cli, os.X_OK):
        cli = Path(REFERENCE)
    job = subprocess.run([cli, "transmit", pdd, "-p", "test.yml", "--ident", "streamjob"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, check=True).stdout
    result = subprocess.run([cli, "worker"], input=job, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            timeout=300, check=True).stdout
    assert result.endswith(b'{"eof": true}\n') and b'"status": "successful"' in result, result[-500:]
    path = root / "result.stream"
    path.write_bytes(result)
    return path


def differences(ref, ours, path="$", out=None, limit=40):
    """Readable list of where two documents differ."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(ref, dict) and isinstance(ours, dict):
        for k in sorted(set(ref) | set(ours), key=str):
            if k not in ours:
                out.append(f"{path}.{k}: only in ref = {json.dumps(ref[k], ensure_ascii=False)[:300]}")
            elif k not in ref:
                out.append(f"{path}.{k}: only in ours = {json.dumps(ours[k], ensure_ascii=False)[:300]}")
            else:
                differences(ref[k], ours[k], f"{path}.{k}", out, limit)
    elif isinstance(ref, list) and isinstance(ours, list):
        if len(ref) != len(ours):
            out.append(f"{path}: length ref={len(ref)} ours={len(ours)}")
        for i, (a, b) in enumerate(zip(ref, ours)):
            differences(a, b, f"{path}[{i}]", out, limit)
    elif ref != ours:
        out.append(f"{path}: ref={json.dumps(ref, ensure_ascii=False)[:300]} ours={json.dumps(ours, ensure_ascii=False)[:300]}")
    return out


def assert_same(ref, ours, what):
    diffs = differences(ref, ours)
    assert not diffs, f"{what}: ours differs from the reference:\n" + "\n".join(diffs)


def without(doc, *keys):
    return {k: v for k, v in doc.items() if k not in keys}


def exception_core(e):
    """What a consumer catches: the type and message (the library's own frames differ)."""
    return None if e is None else {"type": e["type"], "message": e["message"]}


# 1. AWX control node: transmit into a socketpair read by another thread, ~50 MB data dir.

def transmit_view(doc):
    doc = without(doc, "seconds", "data_dir_seconds", "stream_bytes", "sender_env_files", "unraisable")
    doc["exception"] = exception_core(doc["exception"])
    archive = {}
    for name, entry in (doc.get("archive") or {}).items():
        if name.startswith("env/") and not name.endswith("/"):
            # Files made from run() kwargs (env/envvars, passwords, settings): the same JSON value
            # and a regular file its owner can read (0400 in 2.3.1; 0600 upstream later and ours).
            mode = int(entry["mode"], 8)
            entry = {"json": entry.get("json"), "regular_owner_readable": (mode & 0o170000) == 0o100000 and bool(mode & 0o400)}
        archive[name] = entry
    doc["archive"] = archive
    return doc


def test_awx_transmit_into_socketpair(runs):
    ref, ours = runs.both("awx_transmit.py")
    assert ref["stream_valid"] and ref["returned_within_deadline"], ref
    assert ref["messages"] == [["kwargs"], ["zipfile"], ["eof"]]
    assert ref["archive_uncompressed_mb"] >= 50
    assert ours["returned_within_deadline"], f"ours: transmit into a socketpair took {ours['seconds']} s or hung"
    assert ours["stream_valid"], ours.get("stream_error")
    assert_same(transmit_view(ref), transmit_view(ours), "AWX transmit")


def test_awx_transmit_leaves_the_senders_dir_alone(runs):
    """Documented difference: the reference dumps envvars/passwords/settings into the sender's
    env/ (AWX's private data dir on the control node); ours puts them into the archive only."""
    ref, ours = runs.both("awx_transmit.py")
    assert ref["sender_env_files"] == ["envvars", "passwords", "settings"]
    assert ours["sender_env_files"] == []


# 2. AWX control node: process a result stream read after a receptor header.

def process_view(doc):
    doc = without(doc, "seconds")
    doc["exception"] = exception_core(doc["exception"])
    return doc


def test_awx_process_after_header(runs, result_stream):
    ref, ours = runs.both("awx_process.py", result_stream)
    assert ref["returned"] and ref["exception"] is None and ref["return"]["status"] == "successful", ref
    statuses = [c for c in ref["calls"] if c["handler"] == "status"]
    assert [c["status_data"]["status"] for c in statuses] == ["starting", "running", "successful"]
    assert all(c["positional"] == 1 and c["keywords"] == ["runner_config"] for c in statuses)
    assert ref["event_file_counters"] == [c for c in range(2, 16, 2)]
    assert ref["event_files_with_added_key"] == sorted(ref["event_files"])
    assert [c["handler"] for c in ref["calls"]][-2:] == ["artifacts", "finished"]
    assert ours["returned"], "ours: process did not return within 60 s"
    assert_same(process_view(ref), process_view(ours), "AWX process")


# 3. AWX cancel: shut the result socket down under a running processor.

def test_awx_cancel_returns_promptly(runs, result_stream):
    ref, ours = runs.both("awx_cancel.py", result_stream)
    # The reference: the sent events handled as they came, then EOF -> status error, at once.
    assert ref["events_handled_before_cancel"] == ref["events_sent"] == 6
    assert ref["returned_within_10s_of_cancel"] and ref["return"]["status"] == "error", ref
    assert ours["returned_within_10s_of_cancel"], "ours: run(streamer='process') did not return within 10 s of the shutdown"
    # Ours adds why the stream broke after the reference's sentence (upstream main's form,
    # docs/streaming-protocol.md 4): compare that sentence.
    sentence = "Failed to JSON parse a line from worker stream."
    for call in ours["calls"]:
        explanation = call.get("status_data", {}).get("job_explanation")
        if explanation and explanation.startswith(sentence + " Error: "):
            call["status_data"]["job_explanation"] = sentence
    assert_same(process_view(ref), process_view(ours), "AWX cancel")


# 4. AWX system job: raw command from <pdd>/args, cancel_callback.

def system_job_view(doc):
    return without(doc, "seconds", "job_processes_left_at_return", "job_processes_left_after_1s")


def test_awx_system_job_cancel(runs):
    ref, ours = runs.both("awx_system_job.py")
    assert ref["status"] == "canceled" and ref["rc"] == 254, ref
    assert ref["returned_within_10s_of_cancel"] and ref["job_processes_left_after_1s"] == 0
    assert ours["returned_within_10s_of_cancel"], f"ours: {ours['seconds']} s"
    assert ours["job_processes_left_after_1s"] == 0, "ours left the job's process behind"
    assert_same(system_job_view(ref), system_job_view(ours), "AWX system job")


# 5. ansible-navigator under -W error.

def navigator_view(doc):
    return without(doc, "unraisable")


def test_navigator_calls(runs):
    ref, ours = runs.both("navigator.py", python_args=("-W", "error"))
    assert ref["warnoptions"] == ["error"]
    for key in ("run_command", "run_command_async_write_false", "run_command_async_write_true",
                "get_plugin_docs", "get_ansible_config_list", "get_ansible_config_dump", "get_inventory"):
        assert "exception" not in ref[key], (key, ref[key])
        assert "exception" not in ours[key], f"ours: {key} raised under -W error: {ours[key]['exception']}"
    assert ref["run_command"]["rc"] == 0
    assert ref["run_command_async_write_false"]["job_events_files"] == 0
    assert ref["run_command_async_write_true"]["job_events_files"] == len(ref["run_command_async_write_true"]["events"])
    assert_same(navigator_view(ref), navigator_view(ours), "navigator")


def test_navigator_no_warnings(runs):
    """Nothing may warn under -W error, not even from a destructor. The reference does: every
    run_command / get_* call leaves the artifact stdout and stderr files open
    (`r.stdout.read()`), two ResourceWarnings per call, ignored in destructors."""
    ref, ours = runs.both("navigator.py", python_args=("-W", "error"))
    assert {u["type"] for u in ref["unraisable"]} == {"ResourceWarning"}
    assert ours["unraisable"] == [], ours["unraisable"]


# 6. ansible-rulebook / eda-server.

def test_rulebook_run_and_results(runs):
    ref, ours = runs.both("rulebook.py")
    assert ref["successful"]["status"] == "successful" and ref["successful"]["rc"] == 0
    assert ref["failing"]["status"] == "failed" and ref["failing"]["rc"] == 2
    assert ref["stray_stdout"].count("PLAY RECAP") == 1, "the reference prints the non-quiet run's output"
    assert_same(ref, ours, "rulebook")


# 7. ansible-sdk.

def sdk_view(doc):
    return without(doc, "seconds")


def test_sdk_pipes_and_asyncio(runs):
    ref, ours = runs.both("sdk.py")
    r, o = ref["sdk_pipes"], ours["sdk_pipes"]
    assert r["stream_error"] is None and r["worker_status"] == "successful" and r["zip_line_has_eof"], r
    assert r["process"]["status"] == "successful"
    assert_same(sdk_view(r), sdk_view(o), "ansible-sdk over pipes")


def test_sdk_bytesio_chain(runs):
    ref, ours = runs.both("sdk.py")
    r, o = ref["bytesio_chain"], ours["bytesio_chain"]
    assert "exception" not in r and r["worker_status"] == "successful" and r["process"]["status"] == "successful", r
    assert_same(r, o, "transmit | run_async(worker) | process over named BytesIO objects")


def test_sdk_transmit_into_plain_bytesio(runs):
    """The reference cannot transmit into an io.BytesIO without a `name` attribute: stream_dir
    reads `stream.name` and raises AttributeError after the kwargs line was written."""
    ref, ours = runs.both("sdk.py")
    r, o = ref["transmit_into_plain_bytesio"], ours["transmit_into_plain_bytesio"]
    assert exception_core(r.get("exception")) == {"type": "builtins.AttributeError",
                                                  "message": "'_io.BytesIO' object has no attribute 'name'"}
    # Where the reference is buggy we are correct (docs/python.md): ours writes the whole stream.
    assert o.get("exception") is None, o
    assert o["first_line"] == r["first_line"]
    assert o["messages"] == [["kwargs"], ["zipfile"], ["eof"]], o


def test_sdk_output(runs):
    ref, ours = runs.both("sdk.py")
    assert_same({k: ref[k] for k in ("stray_stdout", "unraisable")},
                {k: ours[k] for k in ("stray_stdout", "unraisable")}, "ansible-sdk, other output")


# 8. Handlers run on the calling thread.

def test_handlers_run_on_the_calling_thread(runs, result_stream):
    ref, ours = runs.both("handler_threads.py", result_stream)
    for case, label in (("run_in_thread", "caller"), ("process_in_thread", "caller"), ("run_async", "async")):
        assert ref[case]["status"] == "successful" and ref[case]["joined"], ref[case]
        assert all(v == [label] for v in ref[case]["handlers"].values()), ref[case]
    assert_same(ref, ours, "handler threads")


# 9. An exception raised in event_handler.

def test_event_handler_exception_propagates(runs):
    ref, ours = runs.both("handler_exception.py")
    assert ref["exception"] == {"type": "__main__.HandlerBoom", "message": "consumer handler failed at counter 7",
                                "outermost_frame": "main", "innermost_frame": "event_handler",
                                "is_original_object": True}
    keys = ("exception", "returned_status", "returned_within_60s", "events_seen", "second_run", "stray_stdout", "unraisable")
    assert_same({k: ref[k] for k in keys}, {k: ours[k] for k in keys}, "exception in event_handler")


def test_event_handler_exception_stops_the_job(runs):
    """The reference leaves the job running: run() raises out of its pexpect loop without closing
    the child, so ansible-playbook (and the task it started) go on, orphaned."""
    ref, ours = runs.both("handler_exception.py")
    assert ref["playbook_processes_after_5s"] > 0, "the reference used to leave ansible-playbook running"
    assert ours["playbook_processes_after_5s"] == 0, f"ours left {ours['playbook_processes_after_5s']} ansible-playbook processes"
    assert ours["task_processes_after_5s"] == 0, "ours left the task's process"


def test_event_handler_exception_artifacts(runs):
    ref, ours = runs.both("handler_exception.py")
    assert_same(ref["artifacts"], ours["artifacts"], "artifacts after an exception in event_handler")


# 10. Output through sys.stdout.

def test_output_through_sys_stdout(runs, result_stream):
    ref, ours = runs.both("stdout_capture.py", result_stream)
    assert ref["stray_stdout"] == ""
    assert any(line.startswith("PLAY RECAP") for line in ref["process_not_quiet"]["captured"])
    assert any(line.startswith("PLAY RECAP") for line in ref["run_not_quiet"]["captured"])
    assert ref["cleanup"]["captured"][-2:] == ["(changed: True)", ""]
    assert ref["cleanup"]["left"] == ["awx_2_recent", "awx_3_keepme"]
    assert ref["cleanup_refused"]["exception"]["type"] == "builtins.SystemExit"
    for doc in (ref, ours):
        exc = doc["cleanup_refused"].get("exception")
        if exc:
            doc["cleanup_refused"]["exception"] = dict(exception_core(exc), code=exc.get("code"))
    assert_same(ref, ours, "output through sys.stdout")


# 11. Line limits (docs/security.md, "Limits"): the Python API's process reads them from the
# environment as the CLI does. The reference has none: within our defaults it sees what we see.

LIMITS_SCRIPT = r"""
import io, json, sys, tempfile, zipfile, base64
import ansible_runner
def event(counter, data):
    return json.dumps({"uuid": "00000000-0000-4000-8000-%012d" % counter, "counter": counter,
                       "event": "runner_on_ok", "stdout": "e%d" % counter, "event_data": data})
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("rc", "0"); z.writestr("status", "successful")
lines = [json.dumps({"status": "starting", "runner_ident": "j", "command": [], "env": {}, "cwd": "/"}),
         event(1, {}), event(2, {"v": list(range(5000))}), event(3, {}),
         json.dumps({"status": "successful", "runner_ident": "j"}), json.dumps({"zipfile": len(buf.getvalue())})]
stream = ("\n".join(lines) + "\n").encode() + base64.b64encode(buf.getvalue()) + b'\n{"eof": true}\n'
seen = []
try:
    r = ansible_runner.run(streamer="process", _input=io.BytesIO(stream), quiet=True,
                           private_data_dir=tempfile.mkdtemp(), ident="j",
                           event_handler=lambda e: seen.append(e["counter"]) or True)
    print(json.dumps({"status": r.status, "counters": seen}))
except Exception as e:
    print(json.dumps({"exception": type(e).__name__, "message": str(e)}))
"""


def run_limits_script(which, **variables):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_RUNNER_MAX_")}
    env.update(variables)
    proc = subprocess.run([python_of(which), "-c", LIMITS_SCRIPT], capture_output=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return json.loads(proc.stdout), proc.stderr.decode()


def test_process_reads_the_line_limits_from_the_environment():
    ref, _ = run_limits_script("ref")
    ours, _ = run_limits_script("ours")
    # (The reference ends this hand-made stream with status error and rc None, not investigated
    # here: the events are what this test is about.)
    assert ours["counters"] == ref["counters"] == [1, 2, 3] and ours["status"] == "successful"
    lowered, stderr = run_limits_script("ours", ANSIBLE_RUNNER_MAX_JSON_VALUES="4000")
    assert lowered == {"status": "successful", "counters": [1, 3]}
    assert "more than 4000 values (ANSIBLE_RUNNER_MAX_JSON_VALUES raises the limit)" in stderr
    invalid, _ = run_limits_script("ours", ANSIBLE_RUNNER_MAX_JSON_DEPTH="deep")
    assert invalid["exception"] == "ConfigurationError" and "ANSIBLE_RUNNER_MAX_JSON_DEPTH" in invalid["message"]


# 12. Timer values (docs/run-options.md, "Timer values"): one rule through the Python API, and a
# kwarg of infinity or NaN travels through transmit | worker | process (Python's json writes
# Infinity and NaN, which our worker reads as the reference's does).

TIMERS_SCRIPT = r"""
import io, json, os, sys, tempfile
import ansible_runner
def new_pdd():  # one per job: run() leaves the settings kwarg in env/settings for the next
    pdd = tempfile.mkdtemp()
    os.makedirs(pdd + "/project"); os.makedirs(pdd + "/inventory")
    with open(pdd + "/project/test.yml", "w") as f:
        f.write("- hosts: all\n  gather_facts: false\n  tasks:\n    - command: sleep 1\n")
    with open(pdd + "/inventory/hosts", "w") as f:
        f.write("localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
    return pdd

def outcome(**kwargs):
    try:
        r = ansible_runner.run(private_data_dir=new_pdd(), playbook="test.yml", quiet=True, **kwargs)
        return {"status": r.status, "rc": r.rc}
    except Exception as e:
        return {"exception": type(e).__name__, "message": str(e)}

def streamed(settings):
    job = tempfile.TemporaryFile()  # the reference's transmit needs a file with a name
    ansible_runner.run(streamer="transmit", private_data_dir=new_pdd(), playbook="test.yml", settings=settings,
                       _output=job)
    job.seek(0)
    result = tempfile.TemporaryFile()
    ansible_runner.run(streamer="worker", _input=job, _output=result, private_data_dir=tempfile.mkdtemp())
    result.seek(0)
    r = ansible_runner.run(streamer="process", _input=result, quiet=True, private_data_dir=tempfile.mkdtemp())
    return {"status": r.status, "rc": r.rc}

cases = {
    "timeout=inf": dict(timeout=float("inf")),
    "timeout=-5": dict(timeout=-5),
    "timeout=nan": dict(timeout=float("nan")),
    "job_timeout=-5": dict(settings={"job_timeout": -5}),
    "idle_timeout=nan": dict(settings={"idle_timeout": float("nan")}),
    "job_timeout=inf": dict(settings={"job_timeout": float("inf")}),
}
doc = {name: outcome(**kwargs) for name, kwargs in cases.items()}
doc["streamed job_timeout=inf"] = streamed({"job_timeout": float("inf")})
print(json.dumps(doc))
"""


def test_timer_values_through_the_python_api():
    results = {}
    for which in ("ref", "ours"):
        proc = subprocess.run([python_of(which), "-c", TIMERS_SCRIPT], capture_output=True, timeout=300)
        assert proc.returncode == 0, proc.stderr.decode()[-2000:]
        results[which] = json.loads(proc.stdout.decode().splitlines()[-1])
    ref, ours = results["ref"], results["ours"]
    # The reference: int() of the kwarg raises; a negative timer times out at once, NaN never.
    assert ref["timeout=inf"]["exception"] == "OverflowError"
    assert ref["timeout=nan"]["exception"] == "ValueError"
    assert ref["timeout=-5"] == ref["job_timeout=-5"] == {"status": "timeout", "rc": 254}
    assert ref["idle_timeout=nan"] == ref["job_timeout=inf"] == {"status": "successful", "rc": 0}
    # (Its process of a stream leaves Runner.rc None; ours too: the rc is in the artifacts.)
    assert ref["streamed job_timeout=inf"] == {"status": "successful", "rc": None}
    # Ours: infinity is no timer; negative and NaN are refused, naming the setting.
    for name in ("timeout=inf", "job_timeout=inf"):
        assert ours[name] == {"status": "successful", "rc": 0}, (name, ours[name])
    assert ours["streamed job_timeout=inf"] == ref["streamed job_timeout=inf"]
    for name, setting in (("timeout=-5", "timeout"), ("timeout=nan", "timeout"), ("job_timeout=-5", "job_timeout"),
                          ("idle_timeout=nan", "idle_timeout")):
        assert ours[name]["exception"] == "ConfigurationError", (name, ours[name])
        assert f"{setting} must be 0 or more seconds (0 or infinity: no timer)" in ours[name]["message"]


CANCEL_AT_ONCE_SCRIPT = r"""
import json, os, tempfile
import ansible_runner
pdd = tempfile.mkdtemp()
os.makedirs(os.path.join(pdd, "project"))
with open(os.path.join(pdd, "project", "p.yml"), "w") as f:
    f.write("- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=quick\n")
calls = []
r = ansible_runner.run(private_data_dir=pdd, playbook="p.yml", quiet=True,
                       cancel_callback=lambda: calls.append(1) or True)
print(json.dumps({"status": r.status, "rc": r.rc, "cancel_called": bool(calls)}))
"""


def test_a_cancel_wanted_from_the_start_wins_over_a_quick_job():
    """A cancel_callback that is True from the start cancels even a quick job, as in the
    reference (our job loop also polls it once before its first tick)."""
    results = {}
    for which in ("ref", "ours"):
        proc = subprocess.run([python_of(which), "-c", CANCEL_AT_ONCE_SCRIPT], capture_output=True, timeout=300)
        assert proc.returncode == 0, proc.stderr.decode()[-2000:]
        results[which] = json.loads(proc.stdout.decode().splitlines()[-1])
    assert results["ref"] == {"status": "canceled", "rc": 254, "cancel_called": True}
    assert results["ours"] == results["ref"]

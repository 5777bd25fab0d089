"""Helpers for the streaming tests (test_stream_*.py): build jobs, run transmit / worker /
process with either implementation, and reduce what comes out to what a consumer compares."""
import importlib.util
import json
import os
import re
import signal
import subprocess
from pathlib import Path

from conftest import FIXTURES, OURS, REFERENCE

STREAMS = FIXTURES / "streams"
INVENTORY = "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
IMPLEMENTATIONS = {"ref": REFERENCE, "ours": OURS}

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?")
TMP_RE = re.compile(r"/tmp/[^\s\"']*")
DELTA_RE = re.compile(r"\b\d+:\d{2}:\d{2}\.\d+\b")  # a task's run time: whole seconds vary too
NOISE_RE = re.compile(r"ansible-tmp-[\d.]+-\d+-\d+|\b\d{6,}\b")


def write_pdd(root, playbook_text, extra=None):
    """A private data dir with project/test.yml and a local inventory; `extra(root)` adds more."""
    root = Path(root)
    (root / "project").mkdir(parents=True)
    (root / "inventory").mkdir()
    (root / "project" / "test.yml").write_text(playbook_text)
    (root / "inventory" / "hosts").write_text(INVENTORY)
    if extra:
        extra(root)
    return root


def run(argv, *, input=None, timeout=300, env=None, cwd=None):
    return subprocess.run(argv, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                          env=env, cwd=cwd)


def transmit(binary, pdd, ident, playbook="test.yml", args=None):
    """args, when given, replace "-p playbook" (e.g. an ad-hoc module run)."""
    proc = run([binary, "transmit", str(pdd), *(args if args is not None else ["-p", playbook]), "--ident", ident])
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def worker(binary, job_stream, pdd=None, extra_args=(), env=None, timeout=600):
    args = [binary, "worker", *extra_args]
    if pdd:
        args += ["--private-data-dir", str(pdd)]
    return run(args, input=job_stream, env=env, timeout=timeout)


def process(binary, result_stream, pdd, ident=None, quiet=False, env=None):
    args = [binary] + (["-q"] if quiet else []) + ["process", str(pdd)]
    if ident:
        args += ["--ident", ident]
    return run(args, input=result_stream, env=env)


def messages(stream):
    """Splits a stream into parsed messages; a payload is returned as {"zipfile": N, "payload": bytes}.
    Strict like the reference reader: raises on anything malformed."""
    out = []
    rest = stream
    while rest:
        nl = rest.index(b"\n")
        data = json.loads(rest[:nl])
        rest = rest[nl + 1:]
        if "zipfile" in data:
            n = (data["zipfile"] + 2) // 3 * 4
            data["payload"] = rest[:n]
            rest = rest[n:]
        out.append(data)
    return out


def normalise(text):
    text = UUID_RE.sub("<uuid>", text)
    text = TIME_RE.sub("<time>", text)
    text = DELTA_RE.sub("<delta>", text)
    text = TMP_RE.sub("<tmp>", text)
    return NOISE_RE.sub("<n>", text)


def outcome(proc_result, pdd, ident):
    """What a consumer of `process` sees: status, rc, events, printed stdout, artifact files."""
    art = Path(pdd) / "artifacts" / ident
    events = []
    if (art / "job_events").is_dir():
        for f in (art / "job_events").iterdir():
            events.append(json.loads(f.read_text()))
    events.sort(key=lambda e: e["counter"])
    files = sorted(str(p.relative_to(art)) for p in art.rglob("*")
                   if "job_events" not in p.parts and "fact_cache" not in p.parts)
    return {
        "status": (art / "status").read_text() if (art / "status").exists() else None,
        "rc": (art / "rc").read_text() if (art / "rc").exists() else None,
        "events": [e["event"] for e in events],
        "counters": [e["counter"] for e in events],
        "event_stdout": [normalise(e.get("stdout", "")) for e in events],
        "stdout": normalise(proc_result.stdout.decode("utf-8", "replace")),
        "files": files,
    }


def kill_processes_mentioning(text):
    """SIGKILLs leftover processes whose command line mentions `text` (a job's temp path)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if text.encode() in cmdline and int(pid) != os.getpid():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass


def catalogue():
    return json.loads((STREAMS / "catalogue.json").read_text())


def catalogued_stream(kind, name):
    """The bytes of a catalogued stream: the fixture file, or made by make_streams.py when it
    is too large to keep in the tree (marked "generated" in the catalogue)."""
    path = STREAMS / kind / f"{name}.stream"
    if path.exists():
        return path.read_bytes()
    spec = importlib.util.spec_from_file_location("make_streams", STREAMS / "make_streams.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.stream_bytes(kind, name)


def environment_with(extra):
    """os.environ without any ANSIBLE_RUNNER_MAX_* of the caller's, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_RUNNER_MAX_")}
    env.update(extra or {})
    return env

"""Runs one job through the reference and through ours and reduces each run to what a consumer
sees (events, stdout, status, rc, artifact files), normalised so that two runs of the same job
compare equal: uuids by first appearance, times, pids, durations and temp paths masked."""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"

LOCAL_INVENTORY = "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:_\d+)?")
TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?")
# A task's run time as Ansible prints it ("delta": "0:00:01.023456"): whole seconds vary too.
DELTA_RE = re.compile(r"\b\d+:\d{2}:\d{2}\.\d+\b")
NUMBER_NOISE_RE = re.compile(r"ansible-tmp-[\d.]+-\d+-\d+|ansible-local-\w+|/tmp\w{8}\b|AnsiballZ_\w+\.py|\b\d{4,}\b")
VOLATILE_KEYS = {"created", "pid", "start", "end", "duration", "delta"}


def make_pdd(root, playbook, inventory=LOCAL_INVENTORY, env=None, extra_files=None):
    """Builds a private data dir: project/<playbook> copied from playbooks/ (with the filter
    plugins of playbooks/filter_plugins), inventory/hosts,
    env/<name> files from `env`, and extra files {relpath: text}."""
    root = Path(root)
    (root / "project").mkdir(parents=True)
    (root / "inventory").mkdir()
    shutil.copy(PLAYBOOKS / playbook, root / "project" / playbook)
    for name in (PLAYBOOKS / "includes").glob("*.yml") if (PLAYBOOKS / "includes").is_dir() else []:
        shutil.copy(name, root / "project" / name.name)
    if (PLAYBOOKS / "filter_plugins").is_dir():
        shutil.copytree(PLAYBOOKS / "filter_plugins", root / "project" / "filter_plugins")
    (root / "inventory" / "hosts").write_text(inventory)
    if env:
        (root / "env").mkdir()
        for name, text in env.items():
            (root / "env" / name).write_text(text)
    for rel, text in (extra_files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


class Normaliser:
    """Maps volatile values to stable placeholders; one instance per run."""

    def __init__(self, paths):
        self.uuids = {}
        self.paths = sorted(((str(p), f"<{n}>") for n, p in paths.items()), key=lambda x: -len(x[0]))

    def uuid(self, match):
        return self.uuids.setdefault(match.group(0), f"<uuid{len(self.uuids)}>")

    def text(self, s):
        for path, name in self.paths:
            s = s.replace(path, name)
        s = UUID_RE.sub(self.uuid, s)
        s = TIME_RE.sub("<time>", s)
        s = DELTA_RE.sub("<delta>", s)
        return NUMBER_NOISE_RE.sub("<n>", s)

    def value(self, v, key=None):
        if key in VOLATILE_KEYS:
            return "<volatile>"
        if isinstance(v, dict):
            return {k: self.value(x, k) for k, x in v.items()}
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, str):
            return self.text(v)
        return v


def run_job(binary, pdd, args, ident="job", timeout=300, env=None):
    """Runs `binary run pdd ARGS --ident ident` and collects the outcome."""
    proc = subprocess.run([binary, "run", str(pdd), "--ident", ident, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, env=env)
    art = Path(pdd) / "artifacts" / ident
    events = []
    events_dir = art / "job_events"
    if events_dir.is_dir():
        for f in events_dir.iterdir():
            if f.name.endswith(".json") and "partial" not in f.name:
                events.append(json.loads(f.read_text()))
    events.sort(key=lambda e: e["counter"])
    files = sorted(str(p.relative_to(art)) for p in art.rglob("*")
                   if "job_events" not in p.parts and "fact_cache" not in p.parts)
    return {
        "exit": proc.returncode,
        "console": proc.stdout.decode("utf-8", "replace"),
        "stderr": proc.stderr.decode("utf-8", "replace"),
        "status": (art / "status").read_text() if (art / "status").exists() else None,
        "rc": (art / "rc").read_text() if (art / "rc").exists() else None,
        "stdout": (art / "stdout").read_bytes().decode() if (art / "stdout").exists() else None,
        "command": json.loads((art / "command").read_text()) if (art / "command").exists() else None,
        "events": events,
        "files": files,
        "artifact_dir": art,
    }


def normalise_line(norm, line):
    """A stdout line; JSON lines (json mode) are normalised value by value."""
    if line.startswith("{"):
        try:
            return json.dumps(norm.value(json.loads(line)), sort_keys=True)
        except ValueError:
            pass
    return norm.text(line)


def summarise(run, pdd, ordered=True):
    """What a consumer sees, normalised. With ordered=False events are compared as a sorted list
    (jobs whose hosts run in parallel)."""
    norm = Normaliser({"pdd": Path(pdd).resolve(), "pdd_": pdd, "home": Path.home()})
    events = []
    for e in run["events"]:
        data = e.get("event_data") or {}
        summary = {
            "event": e["event"],
            "keys": sorted(e.keys()),
            "host": data.get("host"),
            "task": data.get("task"),
            "play": data.get("play"),
            "event_data_keys": sorted(data.keys()),
            "res_keys": sorted(data["res"].keys()) if isinstance(data.get("res"), dict) else None,
            "stdout": norm.text(e["stdout"]),
            "lines": e["end_line"] - e["start_line"],
        }
        events.append(summary)
    if not ordered:
        events.sort(key=lambda s: json.dumps(s, sort_keys=True))
    counters = [e["counter"] for e in run["events"]]
    stdout_lines = [normalise_line(norm, line) for line in (run["stdout"] or "").splitlines()]
    return {
        "status": run["status"],
        "rc": run["rc"],
        "exit": run["exit"],
        "files": run["files"],
        "counters_contiguous": counters == list(range(1, len(counters) + 1)),
        "lines_contiguous": all(a["end_line"] == b["start_line"]
                                for a, b in zip(run["events"], run["events"][1:])),
        "events": events,
        "stdout_lines": stdout_lines if ordered else sorted(stdout_lines),
    }


def assert_same(ref, ours):
    """Compares two summaries field by field with readable failures."""
    for key in ("status", "rc", "exit", "files", "counters_contiguous", "lines_contiguous"):
        assert ours[key] == ref[key], f"{key}: ours {ours[key]!r} != reference {ref[key]!r}"
    ref_names = [e["event"] for e in ref["events"]]
    our_names = [e["event"] for e in ours["events"]]
    assert our_names == ref_names, f"event sequence differs:\nours {our_names}\nref  {ref_names}"
    for i, (r, o) in enumerate(zip(ref["events"], ours["events"])):
        assert o == r, f"event {i} ({r['event']}) differs:\nours {o}\nref  {r}"
    assert ours["stdout_lines"] == ref["stdout_lines"]


def run_job_at(binary, pdd, args, ident="job", artifact_root=None, timeout=300, env=None, cwd=None):
    """Like run_job, for artifacts outside <pdd>/artifacts: runs `binary run pdd ARGS --ident
    ident` in cwd and collects the outcome from artifact_root/<ident> (default <pdd>/artifacts)."""
    proc = subprocess.run([binary, "run", str(pdd), "--ident", ident, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, env=env, cwd=cwd)
    return collect_run(proc.returncode, proc.stdout, proc.stderr,
                       Path(artifact_root or Path(pdd) / "artifacts") / ident)


def collect_run(exit_code, console, stderr, art):
    """The outcome of a finished `run` (exit code, console bytes, stderr bytes) with the files
    of its artifact dir `art`, in run_job's shape."""
    art = Path(art)
    events = []
    events_dir = art / "job_events"
    if events_dir.is_dir():
        for f in events_dir.iterdir():
            if f.name.endswith(".json") and "partial" not in f.name:
                events.append(json.loads(f.read_text()))
    events.sort(key=lambda e: e["counter"])
    files = sorted(str(p.relative_to(art)) for p in art.rglob("*")
                   if "job_events" not in p.parts and "fact_cache" not in p.parts) if art.is_dir() else []
    return {
        "exit": exit_code,
        "console": console.decode("utf-8", "replace"),
        "stderr": stderr.decode("utf-8", "replace"),
        "status": (art / "status").read_text() if (art / "status").exists() else None,
        "rc": (art / "rc").read_text() if (art / "rc").exists() else None,
        "stdout": (art / "stdout").read_bytes().decode() if (art / "stdout").exists() else None,
        "command": json.loads((art / "command").read_text()) if (art / "command").exists() else None,
        "events": events,
        "files": files,
        "artifact_dir": art,
    }


def mask_run(run, replacements):
    """Replaces each {old: new} in the run's console, stdout and event stdout texts (e.g. the
    callback plugin's install path, which -vvvv prints and which differs between runners)."""
    def sub(text):
        for old, new in replacements.items():
            if old:
                text = text.replace(old, new)
        return text
    run["console"] = sub(run["console"])
    if run["stdout"] is not None:
        run["stdout"] = sub(run["stdout"])
    for event in run["events"]:
        event["stdout"] = sub(event["stdout"])
    return run


def callback_dir(run):
    """The directory of the awx_display plugin the run used (last ANSIBLE_CALLBACK_PLUGINS entry)."""
    env = (run["command"] or {}).get("env", {})
    return env.get("ANSIBLE_CALLBACK_PLUGINS", "").split(":")[-1]

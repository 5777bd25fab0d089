"""Shared by the consumer drivers. A driver runs one consumer scenario with the `python` of a venv
(the reference package or ours) and prints one JSON document: what that consumer saw, normalised
(uuids by first appearance, times, pids, durations, the driver's work dir masked) so that the
reference's document and ours compare equal when the two behave alike.

Only the standard library and ansible_runner's public API are used here."""
import faulthandler
import io
import json
import os
import re
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

LOCAL_INVENTORY = "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:_\d+)?")
TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?")
DELTA_RE = re.compile(r"\b\d+:\d{2}:\d{2}\.\d+\b")
NOISE_RE = re.compile(r"ansible-tmp-[\d.]+-\d+-\d+|ansible-local-\w+|/tmp\w{8}\b|AnsiballZ_\w+\.py|\b\d{5,}\b")
VOLATILE_KEYS = {"created", "pid", "start", "end", "duration", "delta", "runner_ident"}


class Norm:
    """Maps volatile values to placeholders; one instance per driver run."""

    def __init__(self, paths=()):
        self.uuids = {}
        pairs = []
        for name, p in paths:
            pairs.append((str(p), f"<{name}>"))
            pairs.append((os.path.realpath(str(p)), f"<{name}>"))
        self.paths = sorted(set(pairs), key=lambda x: -len(x[0]))

    def add_path(self, path, name):
        """Masks another path (longest paths are replaced first)."""
        self.paths.append((str(path), f"<{name}>"))
        self.paths.append((os.path.realpath(str(path)), f"<{name}>"))
        self.paths = sorted(set(self.paths), key=lambda x: -len(x[0]))

    def _uuid(self, m):
        return self.uuids.setdefault(m.group(0), f"<uuid{len(self.uuids)}>")

    def text(self, s):
        if not isinstance(s, str):
            return s
        for path, name in self.paths:
            s = s.replace(path, name)
        s = UUID_RE.sub(self._uuid, s)
        s = TIME_RE.sub("<time>", s)
        s = DELTA_RE.sub("<delta>", s)
        return NOISE_RE.sub("<n>", s)

    def value(self, v, key=None):
        if key in VOLATILE_KEYS and v is not None:
            return "<volatile>"
        if isinstance(v, dict):
            return {self.text(str(k)): self.value(x, k) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [self.value(x) for x in v]
        if isinstance(v, str):
            return self.text(v)
        return v


def event_summary(norm, e):
    """The parts of an event a consumer reads, normalised (robust against the reference's
    run-to-run noise: a whole normalised event would also compare times inside task results)."""
    data = e.get("event_data") or {}
    res = data.get("res")
    return {
        "event": e.get("event"),
        "counter": e.get("counter"),
        "keys": sorted(e.keys()),
        "host": data.get("host"),
        "task": data.get("task"),
        "play": data.get("play"),
        "event_data_keys": sorted(data.keys()),
        "res_keys": sorted(res.keys()) if isinstance(res, dict) else None,
        "stdout": norm.text(e.get("stdout")),
        "lines": (e["end_line"] - e["start_line"]) if "end_line" in e and "start_line" in e else None,
        "artifact_data": data.get("artifact_data"),
    }


def read_event_files(job_events_dir):
    """{file name: parsed event} for job_events/*.json (temporary files listed under their names)."""
    out = {}
    d = Path(job_events_dir)
    if not d.is_dir():
        return None
    for f in sorted(d.iterdir()):
        try:
            out[f.name] = json.loads(f.read_text())
        except ValueError:
            out[f.name] = "<not json>"
    return out


def event_file_names(norm, files):
    """job_events file names normalised and sorted by counter."""
    if files is None:
        return None
    def key(name):
        head = name.split("-", 1)[0]
        return (int(head) if head.isdigit() else 1 << 30, name)
    return [norm.text(n) for n in sorted(files, key=key)]


def artifact_listing(norm, artifact_dir, read=("status", "rc")):
    """Relative names of the files under an artifact dir (job_events and fact_cache summarised),
    and the text of the small files named in `read`."""
    art = Path(artifact_dir)
    if not art.is_dir():
        return None
    names = []
    for p in sorted(art.rglob("*")):
        rel = p.relative_to(art)
        if rel.parts[0] in ("job_events", "fact_cache") and len(rel.parts) > 1:
            continue
        names.append(str(rel) + ("/" if p.is_dir() else ""))
    contents = {}
    for name in read:
        p = art / name
        contents[name] = norm.text(p.read_text()) if p.is_file() else None
    return {"files": names, "contents": contents}


def processes_with(token):
    """Command lines of live processes (not zombies) whose command line contains `token`."""
    found = []
    me = os.getpid()
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == me:
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
            with open(f"/proc/{d}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if token in cmd and state != "Z":
            found.append(cmd)
    return found


def wait_gone(token, seconds):
    """Waits up to `seconds` for the processes carrying `token` to end; returns those left."""
    deadline = time.monotonic() + seconds
    left = processes_with(token)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = processes_with(token)
    return left


def kill_all_with(token):
    """Cleanup after the facts are recorded, so that a driver never leaves a job behind."""
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                if token.encode() in f.read():
                    os.kill(int(d), signal.SIGKILL)
        except OSError:
            pass


def parse_job_stream(data):
    """Splits a job or result stream into messages, strictly: a zipfile message's payload is
    decoded and returned as a ZipFile under "archive". Raises on anything malformed."""
    import base64
    out = []
    rest = data
    while rest:
        nl = rest.index(b"\n")
        msg = json.loads(rest[:nl])
        rest = rest[nl + 1:]
        if isinstance(msg, dict) and "zipfile" in msg:
            n = (msg["zipfile"] + 2) // 3 * 4
            raw = base64.b64decode(rest[:n], validate=True)
            if len(raw) != msg["zipfile"]:
                raise ValueError(f"zip payload is {len(raw)} bytes, announced {msg['zipfile']}")
            msg = dict(msg, archive=zipfile.ZipFile(io.BytesIO(raw)))
            rest = rest[n:]
        out.append(msg)
    return out


def exc_info(e):
    """An exception as a consumer would log it: type, message, the function names of its
    traceback's frames (outermost first; the library's own frames differ between
    implementations, so tests compare `frames` only where the consumer's frames matter)."""
    if e is None:
        return None
    tb = traceback.extract_tb(e.__traceback__)
    return {"type": f"{type(e).__module__}.{type(e).__qualname__}", "message": str(e),
            "frames": [f.name for f in tb]}


class Driver:
    """The driver's frame: a watchdog (stack dump and exit on a hang), stdout kept clean for the
    one JSON document (emit() writes it and exits the process) (anything else written to fd 1 or sys.stdout is captured and reported as
    `stray_stdout`, since a consumer would see it), and the work dir given on the command line."""

    def __init__(self, watchdog=240):
        if len(sys.argv) < 2:
            sys.exit(f"usage: {sys.argv[0]} WORKDIR [ARGS...]")
        self.work = Path(sys.argv[1]).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.args = sys.argv[2:]
        self.norm = Norm([("work", self.work), ("home", Path.home())])
        self.started = time.monotonic()
        faulthandler.dump_traceback_later(watchdog, exit=True)
        sys.stdout.flush()
        self._real_stdout = os.dup(1)
        self._stray = tempfile.TemporaryFile()
        os.dup2(self._stray.fileno(), 1)
        # Unraisable exceptions (e.g. a ResourceWarning for a file the library left open, which
        # `-W error` turns into an exception raised in a destructor) are part of the document.
        self.unraisable = []
        sys.unraisablehook = self._unraisable

    def _unraisable(self, u):
        # A Norm of its own: the shared one numbers uuids by first appearance in the document.
        norm = Norm([("work", self.work), ("home", Path.home())])
        self.unraisable.append({"type": type(u.exc_value).__name__ if u.exc_value else repr(u.exc_type),
                                "message": norm.text(str(u.exc_value))[:300]})

    def elapsed(self):
        return time.monotonic() - self.started

    def emit(self, doc):
        try:
            sys.stdout.flush()
        except Exception:
            pass
        self._stray.seek(0)
        stray = self._stray.read().decode("utf-8", "replace")
        self._stray.close()
        doc["stray_stdout"] = self.norm.text(stray)
        doc["unraisable"] = self.unraisable
        data = json.dumps(doc, indent=1, sort_keys=True, default=repr).encode() + b"\n"
        os.write(self._real_stdout, data)
        faulthandler.cancel_dump_traceback_later()
        # The document is the result: exit now rather than wait at exit for a thread that a
        # library left blocked (the document records whether threads were joined).
        os._exit(0)


def write_pdd(root, playbook_text, inventory=LOCAL_INVENTORY, extra=None):
    """A private data dir: project/test.yml, inventory/hosts, and extra files {relpath: text}."""
    root = Path(root)
    (root / "project").mkdir(parents=True, exist_ok=True)
    (root / "inventory").mkdir(exist_ok=True)
    (root / "project" / "test.yml").write_text(playbook_text)
    (root / "inventory" / "hosts").write_text(inventory)
    for rel, text in (extra or {}).items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root

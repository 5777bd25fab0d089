"""Driver of tests/python/test_container_registry.py: one job through ansible_runner.run() in a
container whose image is in a registry that needs a login, the credentials given as
container_auth_data (the Python API's only way in 2.3.1). Prints one JSON document of what the
caller saw: status, rc, events, stdout, the `command` and `env` artifacts, and the registry auth
files the runner wrote (where, their modes, whether they were still there during the job and
after run() returned). TMPDIR is the caller's: the auth dir is made under it.

Usage: registry_auth.py WORK_DIR IMAGE HOST USERNAME PASSWORD VERIFY_SSL(default|false) IDENT"""
import glob
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
import traceback
from pathlib import Path

import ansible_runner

PLAYBOOK = """- hosts: all
  gather_facts: false
  tasks:
    - name: say hello
      debug:
        msg: hello from the pulled image
    - name: where am I
      command: cat /etc/debian_version
"""
INVENTORY = "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def auth_files(ident):
    """Every file under TMPDIR/ansible_runner_registry_<ident>_*: {name: mode}, and the dirs' modes."""
    seen = {}
    for d in sorted(glob.glob(os.path.join(tempfile.gettempdir(), f"ansible_runner_registry_{ident}_*"))):
        entry = {"dir_mode": oct(stat.S_IMODE(os.stat(d).st_mode)), "files": {}}
        for f in sorted(os.listdir(d)):
            entry["files"][f] = oct(stat.S_IMODE(os.stat(os.path.join(d, f)).st_mode))
            with open(os.path.join(d, f), "rb") as fh:  # compared, not shown: it holds the credentials
                entry.setdefault("sha256", {})[f] = hashlib.sha256(fh.read()).hexdigest()
        seen[d] = entry
    return seen


def main():
    work, image, host, username, password, verify_ssl, ident = sys.argv[1:8]
    work = Path(work)
    pdd = work / "pdd"
    (pdd / "project").mkdir(parents=True)
    (pdd / "inventory").mkdir()
    (pdd / "project" / "play.yml").write_text(PLAYBOOK)
    (pdd / "inventory" / "hosts").write_text(INVENTORY)
    auth = {"host": host, "username": username, "password": password}
    if verify_ssl == "false":
        auth["verify_ssl"] = False

    during = []

    def event_handler(event):
        if not during:  # the first event: the container runs, the engine has read the auth file
            during.append(auth_files(ident))
        return True

    doc = {"exception": None}
    try:
        r = ansible_runner.run(private_data_dir=str(pdd), playbook="play.yml", ident=ident, quiet=True,
                               process_isolation=True, process_isolation_executable="podman",
                               container_image=image, container_auth_data=auth, event_handler=event_handler)
        doc["status"], doc["rc"] = r.status, r.rc
    except Exception as e:  # noqa: BLE001 - what the caller sees is the point
        doc["exception"] = {"type": type(e).__name__, "message": str(e), "trace": traceback.format_exc()}
    doc["auth_during_job"] = during[0] if during else None
    doc["auth_after_run"] = auth_files(ident)
    art = pdd / "artifacts" / ident

    def read(name):
        p = art / name
        return p.read_text() if p.exists() else None

    doc["stdout"] = read("stdout")
    doc["command"] = json.loads(read("command")) if read("command") else None
    doc["env"] = json.loads(read("env")) if (art / "env").exists() else None
    doc["env_list"] = read("env.list")
    events = []
    if (art / "job_events").is_dir():
        for f in (art / "job_events").glob("*.json"):
            events.append(json.loads(f.read_text()))
    events.sort(key=lambda e: e.get("counter", 0))
    doc["events_raw"] = [json.dumps(e) for e in events]
    doc["events"] = [{"event": e.get("event"), "counter": e.get("counter"), "stdout": e.get("stdout"),
                      "task": (e.get("event_data") or {}).get("task"),
                      "start_line": e.get("start_line"), "end_line": e.get("end_line")} for e in events]
    doc["artifact_files"] = sorted(str(p.relative_to(art)) for p in art.rglob("*")
                                   if "job_events" not in p.parts and "callback" not in p.parts) if art.exists() else []
    text = json.dumps(doc)
    text = text.replace(tempfile.gettempdir(), "<tmp>").replace(str(work), "<work>")
    print(UUID_RE.sub("<uuid>", text))


if __name__ == "__main__":
    main()

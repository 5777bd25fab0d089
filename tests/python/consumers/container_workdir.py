"""Driver of tests/python/test_container_workdir.py: one job through ansible_runner.run() in a
container, with the container kwargs of the JSON document given (container_workdir, host_cwd,
container_volume_mounts, container_options, and playbook, play.yml by default; "<work>" in them
is WORK_DIR). The playbook reads the
file named by the extra var data_file and the one a single-file mount would bring. Prints one JSON
document of what the caller saw: status, rc, events, stdout, the `command` artifact, the
artifact files; temp dirs, WORK_DIR and uuids masked.

Usage: container_workdir.py WORK_DIR IMAGE IDENT KWARGS_JSON"""
import json
import re
import sys
import tempfile
import traceback
from pathlib import Path

import ansible_runner

PLAYBOOK = """- hosts: all
  gather_facts: false
  tasks:
    - name: a file under the workdir's mount
      command: cat {{ data_file }}
      ignore_errors: true
    - name: the file of a single-file mount
      command: cat /opt/notes/note.txt
      ignore_errors: true
"""
INVENTORY = "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CONTAINER_ID_RE = re.compile(r"\b[0-9a-f]{64}\b")
TIME_RE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+|\d+:\d\d:\d\d\.\d{6}")


def main():
    work, image, ident, kwargs_json = sys.argv[1:5]
    work = Path(work)
    kwargs = json.loads(kwargs_json.replace("<work>", str(work)))
    playbook = kwargs.pop("playbook", "play.yml")
    pdd = work / "pdd"
    (pdd / "project").mkdir(parents=True)
    (pdd / "inventory").mkdir()
    (pdd / "project" / "play.yml").write_text(PLAYBOOK)
    (pdd / "inventory" / "hosts").write_text(INVENTORY)

    doc = {"exception": None}
    try:
        r = ansible_runner.run(private_data_dir=str(pdd), playbook=playbook, ident=ident, quiet=True,
                               process_isolation=True, process_isolation_executable="podman",
                               container_image=image, **kwargs)
        doc["status"], doc["rc"] = r.status, r.rc
    except Exception as e:  # noqa: BLE001 - what the caller sees is the point
        doc["exception"] = {"type": type(e).__name__, "message": str(e), "trace": traceback.format_exc()}
    art = pdd / "artifacts" / ident

    def read(name):
        p = art / name
        return p.read_text() if p.exists() else None

    doc["stdout"] = read("stdout")
    doc["command"] = json.loads(read("command")) if read("command") else None
    events = []
    if (art / "job_events").is_dir():
        for f in (art / "job_events").glob("*.json"):
            events.append(json.loads(f.read_text()))
    events.sort(key=lambda e: e.get("counter", 0))
    doc["events"] = [{"event": e.get("event"), "counter": e.get("counter"), "stdout": e.get("stdout"),
                      "task": (e.get("event_data") or {}).get("task"),
                      "out": ((e.get("event_data") or {}).get("res") or {}).get("stdout"),
                      "start_line": e.get("start_line"), "end_line": e.get("end_line")} for e in events]
    # The callback plugin copied into the artifact dir is each runner's own (the reference's
    # package has an __init__.py and its bytecode): compared apart.
    doc["artifact_files"] = sorted(str(p.relative_to(art)) for p in art.rglob("*")
                                   if "job_events" not in p.parts and "callback" not in p.parts) if art.exists() else []
    doc["callback_plugin"] = (art / "callback" / "awx_display.py").is_file()
    text = json.dumps(doc)
    text = text.replace(str(work), "<work>").replace(tempfile.gettempdir(), "<tmp>")
    print(TIME_RE.sub("<time>", CONTAINER_ID_RE.sub("<container>", UUID_RE.sub("<uuid>", text))))


if __name__ == "__main__":
    main()

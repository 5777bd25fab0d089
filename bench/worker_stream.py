"""Write a synthetic worker result stream (the input of ``ansible-runner process``).

The shape is copied from a real run of the reference 2.3.1 worker (ansible-core 2.14): the
``starting`` status with ``command``/``env``/``cwd``, ``running``, one JSON line per event in
the reference's key order and ``json.dumps`` spacing, the final status, ``{"zipfile": N}`` and
the base64 of the artifacts zip glued to ``{"eof": true}``.

The job it pretends to be: one play over ``HOSTS`` hosts running ``command`` tasks. Per task:
``playbook_on_task_start`` (~0.9 KB), then per host ``runner_on_start`` (~0.75 KB) and
``runner_on_ok`` with a full command result (~1.5 KB); 1 event in 100 is a ``verbose`` warning
line. Mean event line ~1.1 KB. The run ends with ``playbook_on_stats``.
"""

import base64
import datetime
import io
import json
import random
import time
import uuid
import zipfile

HOSTS = 10
IDENT = "bench"
PLAYBOOK = "site.yml"
PDD = "/runner"

ENV = {
    "HOME": "/home/runner", "LANG": "C.UTF-8", "PATH": "/usr/local/bin:/usr/bin:/bin",
    "SHELL": "/bin/bash", "TERM": "xterm", "PYTHONUNBUFFERED": "1", "SHLVL": "1",
    "JOB_ID": "4242", "INVENTORY_ID": "7", "PROJECT_REVISION": "3f1c2a9",
    "ANSIBLE_FORCE_COLOR": "True", "ANSIBLE_SSH_CONTROL_PATH_DIR": "/runner/cp",
    "ANSIBLE_CALLBACK_PLUGINS": "/usr/lib/python3/dist-packages/ansible_runner/display_callback/callback",
    "ANSIBLE_STDOUT_CALLBACK": "awx_display", "ANSIBLE_RETRY_FILES_ENABLED": "False",
    "ANSIBLE_HOST_KEY_CHECKING": "False", "AWX_ISOLATED_DATA_DIR": f"{PDD}/artifacts/{IDENT}",
    "ANSIBLE_CACHE_PLUGIN": "jsonfile",
    "ANSIBLE_CACHE_PLUGIN_CONNECTION": f"{PDD}/artifacts/{IDENT}/fact_cache",
    "RUNNER_OMIT_EVENTS": "False", "RUNNER_ONLY_FAILED_EVENTS": "False",
}
COMMAND = ["ansible-playbook", "-i", f"{PDD}/inventory", PLAYBOOK]


class _Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.counter = 0
        self.line = 0
        self.clock = datetime.datetime(2024, 3, 1, 12, 0, 0)
        self.pid = 4711
        self.stdout_lines = []

    def uuid4(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def tick(self, ms):
        self.clock += datetime.timedelta(microseconds=self.rng.randint(ms * 500, ms * 1500))
        return self.clock.isoformat()

    def event(self, name, stdout, event_data, parent=None, ev_uuid=None, verbose=False):
        self.counter += 1
        n = stdout.count("\n") + 1 if stdout else 0
        if stdout:
            self.stdout_lines.append(stdout)
        ev = {"uuid": ev_uuid or self.uuid4(), "counter": self.counter, "stdout": stdout,
              "start_line": self.line, "end_line": self.line + n, "runner_ident": IDENT,
              "event": name}
        self.line += n
        if verbose:   # runner-made verbose event: its own key order, no pid/event_data
            ev = {"event": name, **{k: v for k, v in ev.items() if k != "event"}}
            ev["created"] = self.tick(1)
            return ev
        ev["pid"] = self.pid
        ev["created"] = self.tick(2)
        if parent:
            ev["parent_uuid"] = parent
        event_data["uuid"] = ev["uuid"]
        ev["event_data"] = event_data
        return ev


def _artifacts_zip(gen, status, rc):
    """The worker's artifact dir as its zip (entries as the reference writes them)."""
    buf = io.BytesIO()
    when = time.localtime(time.mktime(gen.clock.timetuple()))[:6]

    def add(name, data, mode):
        zi = zipfile.ZipInfo(name, date_time=when)
        zi.create_system = 3
        if name.endswith("/"):
            zi.external_attr = (mode << 16) | 0x10
            zi.compress_type = zipfile.ZIP_STORED
        else:
            zi.external_attr = mode << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(zi, data)

    with zipfile.ZipFile(buf, "w", allowZip64=True) as zf:
        add("rc", str(rc), 0o100600)
        add("stderr", "", 0o100600)
        add("stdout", "\r\n".join(gen.stdout_lines), 0o100600)
        add("command", json.dumps({"command": COMMAND, "cwd": f"{PDD}/project", "env": ENV}),
            0o100600)
        add("status", status, 0o100600)
        add("job_events/", b"", 0o40700)
        add("fact_cache/", b"", 0o40700)
    return buf.getvalue()


def write_stream(path, n_events, seed=1):
    """Write a result stream with exactly ``n_events`` events to ``path``; return its size."""
    g = _Gen(seed)
    dumps = json.dumps
    with open(path, "w", encoding="ascii", newline="") as out:
        w = out.write
        w(dumps({"status": "starting", "runner_ident": IDENT, "command": COMMAND, "env": ENV,
                 "cwd": f"{PDD}/project"}) + "\n")
        w(dumps({"status": "running", "runner_ident": IDENT}) + "\n")

        pb_uuid = g.uuid4()
        base = {"playbook": PLAYBOOK, "playbook_uuid": pb_uuid}
        w(dumps(g.event("playbook_on_start", "", dict(base), ev_uuid=pb_uuid)) + "\n")
        play_uuid = "02fc0000-0001-6d3a-9b1e-000000000002"
        pbase = dict(base, play="all", play_uuid=play_uuid, play_pattern="all")
        w(dumps(g.event("playbook_on_play_start",
                        "\r\nPLAY [all] " + "*" * 69,
                        dict(pbase, name="all", pattern="all"),
                        parent=pb_uuid, ev_uuid=play_uuid)) + "\n")
        hosts = [f"node{i:02d}.example.com" for i in range(HOSTS)]
        ok = {h: 0 for h in hosts}
        task_no = 0
        remaining = n_events - 3          # the stats event comes last
        while remaining > 0:
            task_no += 1
            task_uuid = f"02fc0000-0001-6d3a-9b1e-{task_no + 3:012d}"
            tname = f"check service state {task_no}"
            tbase = dict(pbase, task=tname, task_uuid=task_uuid, task_action="command",
                         resolved_action="ansible.builtin.command", task_args="",
                         task_path=f"{PDD}/project/{PLAYBOOK}:{4 + 3 * task_no}")
            header = f"\r\nTASK [{tname}] "
            w(dumps(g.event("playbook_on_task_start", header + "*" * max(3, 80 - len(header)),
                            dict(tbase, name=tname, is_conditional=False),
                            parent=play_uuid, ev_uuid=task_uuid)) + "\n")
            remaining -= 1
            for h in hosts:
                if remaining <= 0:
                    break
                if g.rng.random() < 0.01:
                    w(dumps(g.event("verbose", "[WARNING]: Platform linux on host " + h +
                                    " is using the discovered Python interpreter",
                                    None, verbose=True)) + "\n")
                    remaining -= 1
                    continue
                started = g.tick(1)
                w(dumps(g.event("runner_on_start", "", dict(tbase, host=h),
                                parent=task_uuid)) + "\n")
                remaining -= 1
                if remaining <= 0:
                    break
                t0 = g.clock
                res = {"changed": False, "stdout": f"active {g.rng.randint(1, 99999)}",
                       "stderr": "", "rc": 0,
                       "cmd": ["systemctl", "is-active", f"svc{task_no}"],
                       "start": str(t0), "end": str(t0 + datetime.timedelta(milliseconds=7)),
                       "delta": "0:00:00.006793", "msg": "",
                       "invocation": {"module_args": {
                           "_raw_params": f"systemctl is-active svc{task_no}",
                           "_uses_shell": False, "stdin_add_newline": True,
                           "strip_empty_ends": True, "argv": None, "chdir": None,
                           "executable": None, "creates": None, "removes": None,
                           "stdin": None}},
                       "stdout_lines": ["active"], "stderr_lines": [],
                       "ansible_facts": {"discovered_interpreter_python": "/usr/bin/python3"},
                       "_ansible_no_log": False}
                ended = g.tick(30)
                w(dumps(g.event("runner_on_ok", f"\u001b[0;32mok: [{h}]\u001b[0m",
                                dict(tbase, host=h, remote_addr=h, res=res, start=started,
                                     end=ended, duration=0.031, event_loop=None),
                                parent=task_uuid)) + "\n")
                ok[h] += 1
                remaining -= 1
        recap = "\r\nPLAY RECAP " + "*" * 69 + "\r\n" + "\r\n".join(
            f"\u001b[0;32m{h}\u001b[0m : \u001b[0;32mok={ok[h]}\u001b[0m changed=0 "
            "unreachable=0 failed=0 skipped=0 rescued=0 ignored=0" for h in hosts)
        w(dumps(g.event("playbook_on_stats", recap,
                        dict(base, changed={}, dark={}, failures={}, ignored={}, ok=ok,
                             processed={h: 1 for h in hosts}, rescued={}, skipped={},
                             artifact_data={}),
                        parent=pb_uuid)) + "\n")
        assert g.counter == n_events, (g.counter, n_events)
        w(dumps({"status": "successful", "runner_ident": IDENT}) + "\n")
        payload = _artifacts_zip(g, "successful", 0)
        w(dumps({"zipfile": len(payload)}) + "\n")
        w(base64.b64encode(payload).decode("ascii"))
        w(dumps({"eof": True}) + "\n")
        return out.tell()

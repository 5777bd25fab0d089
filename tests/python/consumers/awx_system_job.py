"""AWX runs a system job locally (awx/main/tasks/jobs.py, RunSystemJob and BaseTask.run): it
writes the raw command line into `<private_data_dir>/args` (mode 0400, `' '.join(args)`), has
no playbook and no inventory, and calls
`ansible_runner.interface.run(project_dir=settings.BASE_DIR, event_handler=..., finished_callback=...,
status_handler=..., cancel_callback=..., ident=..., private_data_dir=..., envvars=<whole environ>,
settings={...}, fact_cache_type='')`. The user cancels: cancel_callback returns True from 1 s after
run() was called. The job sleeps for an hour, so only the cancel ends it.

Document: status, rc, the handler calls, how long run() took after the cancel was requested,
the artifact files, and whether any process of the job (found by a unique token in its command
line) was left behind."""
import os
import threading
import time

from _common import Driver, artifact_listing, event_summary, exc_info, kill_all_with, processes_with, wait_gone

import ansible_runner


def main():
    d = Driver()
    pdd = d.work / "pdd"
    (pdd / "env").mkdir(parents=True)
    (pdd / "inventory").mkdir()
    base_dir = d.work / "awx_base"
    base_dir.mkdir()
    # A unique sleep length is the token that finds the job's process.
    token = f"3600.{os.getpid()}{int(time.time() * 1000) % 100000}"
    args = ["sleep", token]
    path = pdd / "args"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(" ".join(args))
    os.chmod(path, 0o400)

    calls = []
    first_cancel_check = []
    cancel_requested = []

    def event_handler(event):
        calls.append({"handler": "event", "event": event_summary(d.norm, event)})

    def status_handler(status_data, runner_config):
        seen = {"status_data": {k: d.norm.value(v) for k, v in status_data.items() if k != "env"},
                "thread_is_caller": threading.get_ident() == caller}
        if status_data.get("status") == "starting":
            seen["command"] = d.norm.value(runner_config.command)
            seen["cwd"] = d.norm.text(runner_config.cwd)
            seen["env_has_path"] = "PATH" in runner_config.env
        calls.append({"handler": "status", **seen})

    def finished_callback(runner):
        calls.append({"handler": "finished", "status": runner.status, "rc": runner.rc})

    def cancel_callback():
        now = time.monotonic()
        if not first_cancel_check:
            first_cancel_check.append(now)
        if now - start >= 1.0:
            if not cancel_requested:
                cancel_requested.append(now)
            return True
        return False

    caller = threading.get_ident()
    params = {
        "ident": 77,
        "private_data_dir": str(pdd),
        "envvars": dict(os.environ),
        "settings": {"job_timeout": 0, "suppress_ansible_output": True, "suppress_output_file": True},
        "fact_cache_type": "",
    }
    start = time.monotonic()  # cancel_callback's clock starts here
    result = exception = None
    try:
        result = ansible_runner.interface.run(
            project_dir=str(base_dir), event_handler=event_handler, finished_callback=finished_callback,
            status_handler=status_handler, cancel_callback=cancel_callback, **params)
    except Exception as e:
        exception = e
    returned = time.monotonic()
    left_at_return = processes_with(token)
    left_after_1s = wait_gone(token, 1.0)
    kill_all_with(token)
    doc = {
        "exception": exc_info(exception),
        "status": getattr(result, "status", None),
        "rc": getattr(result, "rc", None),
        "calls": calls,
        "cancel_checked": bool(first_cancel_check),
        "cancel_requested": bool(cancel_requested),
        "returned_within_10s_of_cancel": bool(cancel_requested) and returned - cancel_requested[0] < 10,
        "seconds": round(returned - start, 1),
        "job_processes_left_at_return": len(left_at_return),
        "job_processes_left_after_1s": len(left_after_1s),
        "artifacts": artifact_listing(d.norm, pdd / "artifacts" / "77", read=("status", "rc")),
        "command_artifact": None,
    }
    cmd = pdd / "artifacts" / "77" / "command"
    if cmd.is_file():
        import json
        data = json.loads(cmd.read_text())
        doc["command_artifact"] = {"command": d.norm.value(data.get("command")),
                                   "cwd": d.norm.text(data.get("cwd")),
                                   "keys": sorted(data)}
    d.emit(doc)


if __name__ == "__main__":
    main()

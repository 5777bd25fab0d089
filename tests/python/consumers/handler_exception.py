"""An exception raised inside event_handler during a local run(). Consumers rely on it leaving
run() unchanged (AWX's callback raises on DB errors and logs the traceback it catches around
run()); the job should stop and leave no process behind.

The playbook prints, then runs a long `sleep <token>` task, then prints again. The handler
raises HandlerBoom at the sleep task's runner_on_start event (the task's process is starting).
Document: the exception (type, message, outermost and innermost frames of its traceback),
the events seen, the job's processes (ansible-playbook, found by the private data dir in its
command line, and the sleep, found by its token) at return and 5 s later, the artifacts, and
whether a second run() in the same interpreter then works."""
import os
import time

from _common import Driver, artifact_listing, exc_info, kill_all_with, processes_with, wait_gone, write_pdd

import ansible_runner


class HandlerBoom(RuntimeError):
    pass


def main():
    d = Driver()
    token = f"1800.{os.getpid()}{int(time.time() * 1000) % 100000}"
    playbook = f"""- hosts: all
  gather_facts: false
  tasks:
    - name: first
      debug:
        msg: first
    - name: long sleep
      command: sleep {token}
    - name: last
      debug:
        msg: last
"""
    pdd = write_pdd(d.work / "pdd", playbook)
    seen = []

    def event_handler(event):
        seen.append(event.get("event"))
        data = event.get("event_data") or {}
        if event.get("event") == "runner_on_start" and data.get("task") == "long sleep":
            raise HandlerBoom("consumer handler failed at counter %s" % event.get("counter"))
        return True

    start = time.monotonic()
    exception = None
    result = None
    try:
        result = ansible_runner.run(private_data_dir=str(pdd), playbook="test.yml", ident="boom", quiet=True,
                                    event_handler=event_handler)
    except BaseException as e:  # noqa: B902 - the point of the scenario
        exception = e
    seconds = time.monotonic() - start
    info = exc_info(exception)
    doc = {
        "exception": None if info is None else {
            "type": info["type"], "message": info["message"],
            "outermost_frame": info["frames"][0] if info["frames"] else None,
            "innermost_frame": info["frames"][-1] if info["frames"] else None,
            "is_original_object": isinstance(exception, HandlerBoom),
        },
        "returned_status": getattr(result, "status", None),
        "returned_within_60s": seconds < 60,
        "events_seen": seen,
    }
    pdd_marker = str(pdd)
    doc["playbook_processes_at_return"] = len(processes_with(pdd_marker))
    doc["task_processes_at_return"] = len(processes_with(token))
    doc["playbook_processes_after_5s"] = len(wait_gone(pdd_marker, 5))
    doc["task_processes_after_5s"] = len(wait_gone(token, 0.1))
    kill_all_with(token)
    kill_all_with(pdd_marker)
    doc["artifacts"] = artifact_listing(d.norm, pdd / "artifacts" / "boom", read=("status", "rc"))

    again = write_pdd(d.work / "again", "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=again\n")
    try:
        r = ansible_runner.run(private_data_dir=str(again), playbook="test.yml", quiet=True)
        doc["second_run"] = {"status": r.status, "rc": r.rc}
    except Exception as e:
        doc["second_run"] = {"exception": exc_info(e)}
    d.emit(doc)


if __name__ == "__main__":
    main()

"""Output that goes through sys.stdout: a consumer that captures it with
`contextlib.redirect_stdout(io.StringIO())` (test suites, notebooks, web apps returning a job's
console text, AWX's cleanup task collecting `run_cleanup`'s report) must get it all there, and
nothing on the process's real stdout (fd 1, reported as stray_stdout).

  process_not_quiet  run(streamer='process', _input=BytesIO(result stream)) without quiet: the
                     reference prints each event's stdout
  run_not_quiet      a local run() without quiet: the console output of the playbook
  cleanup            ansible_runner.cleanup.run_cleanup(vargs) over a pattern matching: an old
                     private data dir (removed), a recent one (inside the grace period, kept),
                     an excluded one (kept); then a pattern matching nothing; then a pattern
                     that would remove a system folder (refused through sys.exit)"""
import contextlib
import io
import os
import time

from _common import Driver, exc_info, write_pdd

import ansible_runner
import ansible_runner.cleanup

PLAYBOOK = """- hosts: all
  gather_facts: false
  tasks:
    - name: shown
      debug:
        msg: "captured ✓"
    - command: echo captured-command
"""


def captured(d, fn):
    buf = io.StringIO()
    out = {}
    with contextlib.redirect_stdout(buf):
        try:
            out["return"] = fn()
        except BaseException as e:  # noqa: B902 - SystemExit included
            out["exception"] = exc_info(e)
            if isinstance(e, SystemExit):
                out["exception"]["code"] = d.norm.text(str(e.code))
    # Split on \n only: a \r the reference prints stays visible.
    out["captured"] = [d.norm.text(line) for line in buf.getvalue().split("\n")]
    return out


def main():
    d = Driver()
    doc = {}
    stream = open(d.args[0], "rb").read()
    ppdd = d.work / "process"
    ppdd.mkdir()

    def process():
        r = ansible_runner.run(streamer="process", _input=io.BytesIO(stream), private_data_dir=str(ppdd))
        return {"status": r.status}
    doc["process_not_quiet"] = captured(d, process)

    pdd = write_pdd(d.work / "local", PLAYBOOK)

    def run():
        r = ansible_runner.run(private_data_dir=str(pdd), playbook="test.yml")
        return {"status": r.status, "rc": r.rc}
    doc["run_not_quiet"] = captured(d, run)

    jobs = d.work / "jobs"
    old = time.time() - 3 * 3600
    for name, age in (("awx_1_old", old), ("awx_2_recent", None), ("awx_3_keepme", old)):
        p = jobs / name
        (p / "artifacts" / "1").mkdir(parents=True)
        (p / "project").mkdir()
        (p / "project" / "x.yml").write_text("x")
        if age:
            os.utime(p, (age, age))
    vargs = {"file_pattern": str(jobs / "awx_*"), "exclude_strings": ["keepme"], "grace_period": 60,
             "remove_images": [], "image_prune": False, "process_isolation_executable": "podman"}
    doc["cleanup"] = captured(d, lambda: ansible_runner.cleanup.run_cleanup(vargs))
    doc["cleanup"]["left"] = sorted(os.listdir(jobs))
    doc["cleanup_nothing"] = captured(d, lambda: ansible_runner.cleanup.run_cleanup(
        dict(vargs, file_pattern=str(jobs / "nothing_*"))))
    doc["cleanup_refused"] = captured(d, lambda: ansible_runner.cleanup.run_cleanup(
        dict(vargs, file_pattern="/usr", grace_period=0)))
    d.emit(doc)


if __name__ == "__main__":
    main()

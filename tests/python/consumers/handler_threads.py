"""Which thread runs the handlers. Consumers keep per-thread state in handlers (AWX's
RunnerCallback writes through Django's per-thread DB connection; navigator posts to a queue;
thread-locals, contextvars, signal-unsafe code): they expect every handler to run on the thread
that called run() (for run_async: on the thread run_async started).

Three cases, each recording, per handler (event, status, artifacts, finished, cancel), the set
of threads it ran on, labelled "caller" (the thread that called run), "async" (the thread
returned by run_async), "main" or "other":
  run_in_thread      a threading.Thread calls run() on a local playbook
  process_in_thread  a threading.Thread calls run(streamer='process') on a result stream
  run_async          the main thread calls run_async() and joins the returned thread"""
import threading

from _common import Driver, exc_info, write_pdd

import ansible_runner

PLAYBOOK = """- hosts: all
  gather_facts: false
  tasks:
    - debug:
        msg: threads
    - command: echo threads
"""


class Recorder:
    def __init__(self):
        self.seen = {}
        self.caller = None
        self.async_thread = None

    def label(self, me):
        if me == self.caller:
            return "caller"
        if self.async_thread is not None and me == self.async_thread.ident:
            return "async"
        if me == threading.main_thread().ident:
            return "main"
        return "other"

    def mark(self, name):
        self.seen.setdefault(name, set()).add(threading.get_ident())

    def handlers(self, with_cancel=True):
        h = {
            "event_handler": lambda e: self.mark("event") or True,
            "status_handler": lambda s, runner_config: self.mark("status"),
            "artifacts_handler": lambda d: self.mark("artifacts"),
            "finished_callback": lambda r: self.mark("finished"),
        }
        if with_cancel:
            h["cancel_callback"] = lambda: self.mark("cancel") or False
        return h

    def result(self):
        """Labels are given once the threads are known (run_async's thread starts calling
        handlers before run_async has returned it)."""
        return {k: sorted({self.label(i) for i in v}) for k, v in sorted(self.seen.items())}


def in_thread(fn):
    rec = Recorder()
    out = {}

    def body():
        rec.caller = threading.get_ident()
        try:
            r = fn(rec)
            out["status"] = r.status
        except Exception as e:
            out["exception"] = exc_info(e)

    t = threading.Thread(target=body)
    t.start()
    t.join(120)
    out["joined"] = not t.is_alive()
    out["handlers"] = rec.result()
    return out


def main():
    d = Driver()
    doc = {}
    pdd = write_pdd(d.work / "local", PLAYBOOK)
    doc["run_in_thread"] = in_thread(lambda rec: ansible_runner.run(
        private_data_dir=str(pdd), playbook="test.yml", quiet=True, **rec.handlers()))

    stream = open(d.args[0], "rb").read()
    import io
    ppdd = d.work / "process"
    ppdd.mkdir()
    doc["process_in_thread"] = in_thread(lambda rec: ansible_runner.run(
        streamer="process", _input=io.BytesIO(stream), private_data_dir=str(ppdd), quiet=True,
        **rec.handlers(with_cancel=False)))

    pdd = write_pdd(d.work / "async", PLAYBOOK)
    rec = Recorder()
    rec.caller = threading.get_ident()
    out = {}
    try:
        thread, runner = ansible_runner.run_async(private_data_dir=str(pdd), playbook="test.yml", quiet=True,
                                                  **rec.handlers())
        rec.async_thread = thread
        thread.join(120)
        out["joined"] = not thread.is_alive()
        out["status"] = runner.status
    except Exception as e:
        out["exception"] = exc_info(e)
    out["handlers"] = rec.result()
    doc["run_async"] = out
    d.emit(doc)


if __name__ == "__main__":
    main()

"""AWX's control node processes a job's results (awx/main/tasks/receptor.py): receptorctl's
get_work_results hands it a socket and `f = sock.makefile('rb')` from which receptorctl has
already read its own header line (`f.readline()`), so f's buffer may hold the start of the
result stream. AWX then runs, in a thread pool,
`ansible_runner.interface.run(streamer='process', quiet=True, _input=f, event_handler=...,
status_handler=..., artifacts_handler=..., finished_callback=..., **runner_params)`.

Usage: awx_process.py WORKDIR STREAM_FILE. The writer thread sends a header line and the whole
result stream, then shuts its end down. Document: every handler call in order (payloads
normalised; the status handler's arguments: positional count and keyword names, and what it reads
from runner_config), the return value, the job_events files written (event_handler returns True
for even counters only and adds a key AWX-style; a written file must hold that key, an odd
counter must have no file) and the artifact dir."""
import json
import socket
import sys
import threading
import time

from _common import Driver, artifact_listing, exc_info, read_event_files, event_file_names

import ansible_runner

HEADER = b'{"receptor": "work results", "unitid": "AbCd1234"}\n'
IDENT = 4242


class Recorder:
    """AWX's RunnerCallback, reduced to recording what it is given."""

    def __init__(self, norm, artifact_root):
        self.norm = norm
        self.calls = []
        self.artifact_root = artifact_root
        self.lock = threading.Lock()
        self.event_count = 0

    def add(self, entry):
        with self.lock:
            self.calls.append(entry)

    def event_handler(self, event_data):
        self.event_count += 1
        self.add({"handler": "event", "event": self.norm.value(event_data)})
        event_data.setdefault("job_id", IDENT)  # AWX: event_data.setdefault(self.event_data_key, ...)
        counter = event_data.get("counter")
        return isinstance(counter, int) and counter % 2 == 0

    def status_handler(self, *args, **kwargs):
        status_data = args[0] if args else kwargs.get("status_data")
        config = kwargs.get("runner_config", args[1] if len(args) > 1 else None)
        seen = {}
        if config is not None:
            for attr in ("command", "cwd", "settings"):
                seen[attr] = self.norm.value(getattr(config, attr, "<missing>"))
            env = getattr(config, "env", "<missing>")
            seen["env"] = self.norm.value(dict(env)) if isinstance(env, dict) else self.norm.value(env)
        self.add({"handler": "status", "positional": len(args), "keywords": sorted(kwargs),
                  "status_data": self.norm.value(status_data), "runner_config": seen})

    def artifacts_handler(self, artifact_dir):
        self.add({"handler": "artifacts", "dir": self.norm.text(str(artifact_dir)),
                  "listing": artifact_listing(self.norm, artifact_dir)})

    def finished_callback(self, runner_obj):
        self.add({"handler": "finished", "status": getattr(runner_obj, "status", "<missing>"),
                  "rc": getattr(runner_obj, "rc", "<missing>")})


def runner_params(pdd):
    """What AWX passes to process too: its runner_params (the same dict as transmit's)."""
    return {
        "ident": IDENT,
        "private_data_dir": str(pdd),
        "playbook": "test.yml",
        "inventory": str(pdd / "inventory" / "hosts"),
        "envvars": {"JOB_ID": str(IDENT)},
        "settings": {"job_timeout": 0, "suppress_ansible_output": True, "suppress_output_file": True},
        "fact_cache_type": "",
    }


def serve(sock, payload, keep_open):
    """The remote end: header, payload, then shut down for writing unless keep_open."""
    sock.sendall(HEADER + payload)
    if not keep_open:
        sock.shutdown(socket.SHUT_WR)


def run_consumer(d, payload, cancel=False, deadline=60):
    """Runs the AWX consumer; with cancel, shuts the result socket down (SHUT_RDWR) and closes
    the file once the sent events were handled, as AWX's cancel path does."""
    pdd = d.work / "pdd"
    (pdd / "project").mkdir(parents=True)
    (pdd / "inventory").mkdir()
    (pdd / "inventory" / "hosts").write_text("localhost\n")
    rec = Recorder(d.norm, pdd / "artifacts")
    remote, resultsock = socket.socketpair()
    writer = threading.Thread(target=serve, args=(remote, payload, cancel), daemon=True)
    writer.start()
    resultfile = resultsock.makefile("rb")
    header = resultfile.readline()
    outcome = {}

    def processor():
        try:
            outcome["return"] = ansible_runner.interface.run(
                streamer="process", quiet=True, _input=resultfile,
                event_handler=rec.event_handler, status_handler=rec.status_handler,
                artifacts_handler=rec.artifacts_handler, finished_callback=rec.finished_callback,
                **runner_params(pdd))
        except BaseException as e:  # noqa: B902 - recorded
            outcome["exception"] = e

    start = time.monotonic()
    thread = threading.Thread(target=processor, daemon=True)
    thread.start()
    doc = {"header": header.decode()}
    if cancel:
        expected = sum(1 for line in payload.splitlines() if b'"event"' in line)
        wait_until = time.monotonic() + 15
        while rec.event_count < expected and time.monotonic() < wait_until:
            time.sleep(0.05)
        # Let the processor finish the last event and block in its next read, as it would be
        # when a cancel comes while the job is quiet. (Closing the file while the reference is
        # still handling an event makes its next readline raise ValueError out of run().)
        time.sleep(0.5)
        doc["events_sent"] = expected
        doc["events_handled_before_cancel"] = rec.event_count
        doc["processor_alive_before_cancel"] = thread.is_alive()
        cancel_at = time.monotonic()
        resultsock.shutdown(socket.SHUT_RDWR)
        resultfile.close()
        thread.join(deadline)
        doc["returned_after_cancel"] = not thread.is_alive()
        doc["returned_within_10s_of_cancel"] = (not thread.is_alive()) and time.monotonic() - cancel_at < 10
    else:
        thread.join(deadline)
        doc["returned"] = not thread.is_alive()
    doc["seconds"] = round(time.monotonic() - start, 1)
    res = outcome.get("return")
    doc["exception"] = exc_info(outcome.get("exception"))
    doc["return"] = None if res is None else {"status": getattr(res, "status", "<missing>"),
                                              "rc": getattr(res, "rc", "<missing>")}
    with rec.lock:
        doc["calls"] = list(rec.calls)
    art = pdd / "artifacts" / str(IDENT)
    files = read_event_files(art / "job_events")
    doc["event_files"] = event_file_names(d.norm, files)
    if files is not None:
        doc["event_files_with_added_key"] = sorted(d.norm.text(n) for n, e in files.items()
                                                   if isinstance(e, dict) and e.get("job_id") == IDENT)
        doc["event_file_counters"] = sorted(e.get("counter") for e in files.values() if isinstance(e, dict))
        doc["event_file_contents"] = {d.norm.text(n): d.norm.value(e) for n, e in sorted(files.items())}
    doc["artifacts"] = artifact_listing(d.norm, art, read=("status", "rc", "stdout"))
    doc["artifacts_root"] = sorted(p.name for p in (pdd / "artifacts").iterdir()) if (pdd / "artifacts").is_dir() else None
    return doc


def main():
    d = Driver()
    payload = open(d.args[0], "rb").read()
    d.emit(run_consumer(d, payload))


if __name__ == "__main__":
    main()

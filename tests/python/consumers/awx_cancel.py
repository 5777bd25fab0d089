"""AWX cancels a job while processing its results (awx/main/tasks/receptor.py, _run_internal):
the processor thread is inside `run(streamer='process', _input=resultfile, ...)` reading a
result stream that is still open; the cancel watcher fires and AWX does
`resultsock.shutdown(socket.SHUT_RDWR); resultfile.close()`, then leaves the thread pool's
`with` block, which waits for the processor. run() must return promptly (here: within 10 s)
rather than keep the control node's task hanging.

Usage: awx_cancel.py WORKDIR STREAM_FILE. The remote end sends a header and the result stream
up to and including its 6th event line, and stays open. Once those events were handled (or
15 s passed) the main thread cancels. Document as awx_process.py's, plus how many events were
handled before the cancel and whether run() returned in time."""
from _common import Driver
from awx_process import run_consumer

EVENTS_SENT = 6


def cut(payload, events):
    """The stream's lines up to and including its `events`-th event line."""
    out = []
    seen = 0
    for line in payload.splitlines(keepends=True):
        out.append(line)
        if b'"event"' in line and b'"counter"' in line:
            seen += 1
            if seen == events:
                break
    return b"".join(out)


def main():
    d = Driver()
    payload = cut(open(d.args[0], "rb").read(), EVENTS_SENT)
    d.emit(run_consumer(d, payload, cancel=True, deadline=30))


if __name__ == "__main__":
    main()

"""ansible-sdk's subprocess executor (ansible_sdk/executors/subprocess.py, _aiocompat/), and the
in-memory variant people write after it.

A. The SDK as it is: two os.pipe()s; in an executor thread
   `run(streamer='transmit', _output=payload_writer, private_data_dir=..., playbook=...)` and
   then payload_writer.close(); `run_async(streamer='worker', _input=payload_reader,
   _output=results_writer, private_data_dir=tempfile.mkdtemp(), playbook=...)`; the results
   are read with asyncio (loop.connect_read_pipe) line by line until the eof message, where a
   zipfile message is followed by ONE readline() that must hold the base64 payload and the eof
   line (the SDK looks for b'{"eof": true}' in it). The result bytes are then given to
   `run(streamer='process', _input=BytesIO(...))`.
B. transmit into a plain io.BytesIO (no `name` attribute).
C. The in-memory chain with named BytesIO objects (`buf.name = ...`): transmit into a buffer,
   `thread, runner = run_async(streamer='worker', _input=BytesIO(stream), _output=outbuf,
   private_data_dir=tmpdir)`, join, then process the output.
Document: statuses, rc, events (summarised), message kinds, artifacts, exceptions."""
import asyncio
import io
import os
import tempfile
import threading
import time

from _common import Driver, artifact_listing, event_summary, exc_info, parse_job_stream, read_event_files, write_pdd

import ansible_runner
from ansible_runner import interface

PLAYBOOK = """- hosts: all
  gather_facts: false
  tasks:
    - name: sdk task
      debug:
        msg: "from the sdk {{ greeting | default('none') }}"
    - name: sdk command
      command: echo sdk-out
"""


def process(d, result, name):
    """Processes a result stream the way a consumer of the streaming API does; returns what it saw."""
    pdd = d.work / f"process-{name}"
    pdd.mkdir()
    events = []
    statuses = []
    try:
        r = interface.run(streamer="process", _input=io.BytesIO(result), private_data_dir=str(pdd), quiet=True,
                          event_handler=lambda e: events.append(e),
                          status_handler=lambda s, runner_config: statuses.append(s.get("status")))
        out = {"status": r.status, "rc": r.rc}
    except Exception as e:
        out = {"exception": exc_info(e)}
    out["statuses"] = statuses
    out["events"] = [event_summary(d.norm, e) for e in events]
    out["artifacts"] = artifact_listing(d.norm, pdd / "artifacts", read=("status", "rc"))
    files = read_event_files(pdd / "artifacts" / "job_events")
    out["event_files"] = None if files is None else len(files)
    return out


def messages(d, data):
    try:
        return [sorted(k for k in m if k != "archive") if isinstance(m, dict) else repr(m)
                for m in parse_job_stream(data)]
    except Exception as e:
        return {"invalid": repr(e)[:300]}


def write_payload_and_close(payload_writer, **kwargs):
    """ansible_sdk._aiocompat.runner_async._write_payload_and_close."""
    try:
        interface.run(streamer="transmit", _output=payload_writer, **kwargs)
    finally:
        payload_writer.close()


async def stream_events(reader, seen):
    """AnsibleBaseJobExecutor._stream_events, recording instead of queueing."""
    while True:
        line = await reader.readline()
        seen["raw"].append(line)
        if not line:
            raise Exception("empty line received; unexpected EOF")
        import json
        data = json.loads(line)
        if "event" in data:
            seen["events"].append(data)
        elif "zipfile" in data:
            zf = await reader.readline()
            seen["raw"].append(zf)
            seen["zip_line_has_eof"] = b'{"eof": true}' in zf
            if b'{"eof": true}' in zf:
                break
        elif "eof" in data:
            break
        elif "status" in data:
            seen["statuses"].append(data["status"])


async def in_executor(fn):
    """AsyncProxy.get_wrapped: a blocking call as a coroutine run in the default executor."""
    return await asyncio.get_running_loop().run_in_executor(None, fn)


async def sdk_job(d, pdd):
    loop = asyncio.get_running_loop()
    fds = os.pipe()
    payload_reader = os.fdopen(fds[0], "rb")
    payload_writer = os.fdopen(fds[1], "wb")
    result_fds = os.pipe()
    results_reader = os.fdopen(result_fds[0], "rb")
    results_writer = os.fdopen(result_fds[1], "wb")
    args = {"private_data_dir": str(pdd), "playbook": "test.yml"}
    payload_builder = asyncio.create_task(in_executor(lambda: write_payload_and_close(payload_writer, **args)))
    worker_args = dict(args, private_data_dir=tempfile.mkdtemp(dir=d.work, prefix="worker-"))
    thread, runner = await asyncio.create_task(in_executor(lambda: interface.run_async(
        streamer="worker", _input=payload_reader, _output=results_writer, **worker_args)))
    await payload_builder
    reader = asyncio.StreamReader(limit=2 ** 32, loop=loop)
    protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
    transport, _ = await loop.connect_read_pipe(lambda: protocol, results_reader)
    seen = {"raw": [], "events": [], "statuses": [], "zip_line_has_eof": None}
    error = None
    try:
        await asyncio.wait_for(stream_events(reader, seen), 90)
    except BaseException as e:  # noqa: B902 - recorded
        error = e
    transport.close()
    await loop.run_in_executor(None, thread.join, 30)
    return {
        "stream_error": exc_info(error),
        "worker_thread_joined": not thread.is_alive(),
        "worker_status": runner.status, "worker_rc": runner.rc,
        "statuses": seen["statuses"],
        "zip_line_has_eof": seen["zip_line_has_eof"],
        "events": [event_summary(d.norm, e) for e in seen["events"]],
    }, b"".join(seen["raw"])


def main():
    d = Driver(watchdog=280)
    doc = {}

    # A: the SDK's pipes and asyncio.
    pdd = write_pdd(d.work / "a", PLAYBOOK)
    start = time.monotonic()
    # Not asyncio.run: it would wait for an executor thread stuck in the library for ever.
    loop = asyncio.new_event_loop()
    try:
        a, result = loop.run_until_complete(sdk_job(d, pdd))
    finally:
        loop.close()  # shuts the default executor down without waiting
    a["seconds"] = round(time.monotonic() - start, 1)
    a["result_messages"] = messages(d, result)
    a["process"] = process(d, result, "a")
    doc["sdk_pipes"] = a

    # B: transmit into an unnamed BytesIO.
    pdd = write_pdd(d.work / "b", PLAYBOOK)
    buf = io.BytesIO()
    try:
        r = ansible_runner.run(streamer="transmit", _output=buf, private_data_dir=str(pdd), playbook="test.yml")
        b = {"status": r.status, "rc": r.rc}
    except Exception as e:
        b = {"exception": exc_info(e)}
    b["first_line"] = d.norm.text(buf.getvalue().split(b"\n", 1)[0].decode("utf-8", "replace"))
    b["messages"] = messages(d, buf.getvalue()) if b"eof" in buf.getvalue() else "incomplete"
    doc["transmit_into_plain_bytesio"] = b

    # C: the in-memory chain with named buffers.
    pdd = write_pdd(d.work / "c", PLAYBOOK)
    buf = io.BytesIO()
    buf.name = "payload"
    c = {}
    try:
        ansible_runner.run(streamer="transmit", _output=buf, private_data_dir=str(pdd), playbook="test.yml",
                           extravars={"greeting": "hello"})
        stream = buf.getvalue()
        c["job_messages"] = messages(d, stream)
        outbuf = io.BytesIO()
        outbuf.name = "results"
        tmpdir = tempfile.mkdtemp(dir=d.work, prefix="worker-c-")
        thread, runner = ansible_runner.run_async(streamer="worker", _input=io.BytesIO(stream), _output=outbuf,
                                                  private_data_dir=tmpdir)
        c["run_async_returned"] = [isinstance(thread, threading.Thread), type(runner).__name__ != ""]
        thread.join(90)
        c["worker_thread_joined"] = not thread.is_alive()
        c["worker_status"] = runner.status
        c["worker_rc"] = runner.rc
        c["result_messages"] = messages(d, outbuf.getvalue())
        c["process"] = process(d, outbuf.getvalue(), "c")
    except Exception as e:
        c["exception"] = exc_info(e)
    doc["bytesio_chain"] = c
    d.emit(doc)


if __name__ == "__main__":
    main()

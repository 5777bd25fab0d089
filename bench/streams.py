"""Check job and result streams structurally (so that a wrong output is never timed as fast).

Only framing and content totals are checked here; wire compatibility proper is the business of
tests/. A check raises StreamError on the first problem.
"""

import base64
import json
import os
import tempfile
import zipfile


class StreamError(ValueError):
    pass


def _read_payload(f, n, sink):
    """Decode the base64 payload of n zip bytes from f into the binary file sink."""
    want = 4 * ((n + 2) // 3)
    left = want
    tail = b""
    while left:
        chunk = f.read(min(left, 4 << 20))
        if not chunk:
            raise StreamError(f"payload truncated: {want - left} of {want} characters")
        left -= len(chunk)
        data = tail + chunk
        cut = len(data) - len(data) % 4
        sink.write(base64.b64decode(data[:cut], validate=True))
        tail = data[cut:]
    if tail:
        raise StreamError("payload length not a multiple of 4")
    if sink.tell() != n:
        raise StreamError(f"payload decodes to {sink.tell()} bytes, header says {n}")


def check_job_stream(path, expect_files=None, expect_bytes=None):
    """A transmit stream: kwargs line, zipfile line + payload, eof. Returns the kwargs and the
    (file count, total size) of the zip's regular-file entries."""
    with open(path, "rb") as f:
        first = json.loads(f.readline())
        if "kwargs" not in first:
            raise StreamError(f"first line has no kwargs: {str(first)[:200]}")
        second = json.loads(f.readline())
        if "zipfile" not in second:
            raise StreamError(f"second line is not zipfile: {str(second)[:200]}")
        with tempfile.TemporaryFile(dir=os.path.dirname(path)) as tmp:
            _read_payload(f, second["zipfile"], tmp)
            rest = f.read()
            if rest != b'{"eof": true}\n':
                raise StreamError(f"expected eof right after the payload, got {rest[:80]!r}")
            tmp.seek(0)
            with zipfile.ZipFile(tmp) as zf:
                infos = [i for i in zf.infolist() if not i.is_dir()]
                files = len(infos)
                size = sum(i.file_size for i in infos)
    if expect_files is not None and files != expect_files:
        raise StreamError(f"zip has {files} files, the private data dir {expect_files}")
    if expect_bytes is not None and size != expect_bytes:
        raise StreamError(f"zip holds {size} bytes, the private data dir {expect_bytes}")
    return first["kwargs"], files, size


def check_result_stream(path, expect_status="successful"):
    """A worker stream: statuses, events, final status, zip, eof. Returns the event count."""
    events = 0
    statuses = []
    with open(path, "rb") as f:
        while True:
            line = f.readline()
            if not line:
                raise StreamError("result stream ends without eof")
            data = json.loads(line)
            if "status" in data:
                statuses.append(data["status"])
            elif "zipfile" in data:
                with tempfile.TemporaryFile() as tmp:
                    _read_payload(f, data["zipfile"], tmp)
            elif "eof" in data:
                if f.read():
                    raise StreamError("bytes after eof")
                break
            else:
                events += 1
    if not statuses or statuses[-1] != expect_status:
        raise StreamError(f"statuses {statuses}, expected final {expect_status}")
    return events

"""stream_dir / unstream_dir: one directory as the `{"zipfile": N}` message of the streaming
protocol and back. Both are native (the same zip writer and the same checked extractor as the
streaming roles); these wrappers adapt Python file objects."""
import os

from ansible_runner import _native
from ansible_runner.streaming import output_spec


def stream_dir(source_directory, stream):
    """Writes `{"zipfile": N}` and the base64 zip of source_directory to `stream`."""
    fd, target = output_spec(stream)
    _native.stream_dir(os.path.abspath(source_directory), fd, target)


def unstream_dir(stream, length, target_directory):
    """Reads the base64 payload of a zip of `length` bytes from `stream` and extracts it into
    target_directory (created if missing), refusing paths that leave it."""
    os.makedirs(target_directory, exist_ok=True)
    # Read no further than the payload: the caller reads the next message from `stream`.
    remaining = [4 * ((length + 2) // 3)]

    def read(size):
        want = min(size, remaining[0])
        if want <= 0:
            return b''
        data = stream.read(want)
        remaining[0] -= len(data)
        return data
    _native.unstream_dir(read, length, os.path.abspath(target_directory))

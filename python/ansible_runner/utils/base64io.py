"""Base64IO: a stream wrapper that base64-encodes what is written to it and decodes what is
read from it (the job stream's zip payload is sent as one base64 line)."""
import base64
import io

__all__ = ('Base64IO',)

_WHITESPACE = b' \t\n\r\x0b\x0c'


def _as_bytes(data):
    return data if isinstance(data, bytes) else data.encode('utf-8')


class Base64IO(io.IOBase):
    """Wraps a stream. Writes are encoded in groups of 3 bytes, so up to 2 bytes wait in a
    buffer until the next write or close(): close it (or use it as a context manager) when
    done writing. Reads skip whitespace in the encoded input. close() does not close the
    wrapped stream."""

    closed = False

    def __init__(self, wrapped):
        needed = ('close', 'closed', 'flush', 'read', 'write')
        if not all(hasattr(wrapped, name) for name in needed):
            raise TypeError('Base64IO wrapped object must have attributes: %s' % (repr(sorted(needed)),))
        super().__init__()
        self._wrapped = wrapped
        self._decoded = b''   # decoded bytes read ahead of the caller
        self._pending = b''   # written bytes not yet a multiple of 3

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()
        return False

    def close(self):
        """Writes the buffered bytes (with padding) and marks this wrapper closed."""
        if self._pending:
            self._wrapped.write(base64.b64encode(self._pending))
            self._pending = b''
        self.closed = True

    def _ask_wrapped(self, name):
        method = getattr(self._wrapped, name, None)
        return method() if method is not None else False

    def writable(self):
        return self._ask_wrapped('writable')

    def readable(self):
        return self._ask_wrapped('readable')

    def flush(self):
        return self._wrapped.flush()

    def write(self, b):
        if self.closed:
            raise ValueError('I/O operation on closed file.')
        if not self.writable():
            raise IOError('Stream is not writable')
        data = self._pending + b
        whole = len(data) - len(data) % 3
        self._pending = data[whole:]
        return self._wrapped.write(base64.b64encode(data[:whole]))

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def _read_encoded(self, count):
        """Up to count encoded bytes, whitespace removed (all of them when count < 0)."""
        if count < 0:
            return _as_bytes(self._wrapped.read()).translate(None, _WHITESPACE)
        out = b''
        while len(out) < count:
            raw = _as_bytes(self._wrapped.read(count - len(out)))
            if not raw:
                break
            out += raw.translate(None, _WHITESPACE)
        return out

    def read(self, b=-1):
        """Up to b decoded bytes (all that remain when b is None or negative)."""
        if self.closed:
            raise ValueError('I/O operation on closed file.')
        if not self.readable():
            raise IOError('Stream is not readable')
        if b is None or b < 0:
            data = self._decoded + base64.b64decode(self._read_encoded(-1))
            self._decoded = b''
            return data
        missing = b - len(self._decoded)
        if missing > 0:
            # 4 encoded characters hold 3 bytes: ask for whole groups.
            self._decoded += base64.b64decode(self._read_encoded(-(-missing // 3) * 4))
        data, self._decoded = self._decoded[:b], self._decoded[b:]
        return data

    def readline(self, limit=-1):
        """Encoded data has no lines: a chunk of up to `limit` (default io.DEFAULT_BUFFER_SIZE) bytes."""
        return self.read(limit if limit > 0 else io.DEFAULT_BUFFER_SIZE)

    def readlines(self, hint=-1):
        lines = []
        total = 0
        for line in self:
            lines.append(line)
            total += len(line)
            if 0 < hint < total:
                break
        return lines

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration()
        return line

#!/usr/bin/env python3
"""Plays a misbehaving Ansible for runner tests. Each argument is one step:

  event:NAME[:TEXT]   a framed event of type NAME whose text is TEXT (\\n becomes a line end)
  print:TEXT          plain text outside frames
  bytes:HEX           raw bytes written as they are
  prompt:TEXT         prints TEXT, reads a line from the terminal, prints "got <line>"
  pause:TEXT:SECONDS  as Ansible's `pause` does: TEXT in a framed event, then after SECONDS the
                      terminal's input is flushed and a line read (for at most 20 s), then a
                      framed runner_on_ok event "got <line>" (or "no answer" and exit 3)
  sleep:SECONDS       sleeps
  unread              prints "unread: " and the line waiting in the terminal's input, if any
  flood:N             prints N numbered lines
  big:SIZE[:LINE]     SIZE bytes of plain text outside frames, in lines of LINE bytes (the
                      last byte of each is \n); without LINE one single line ending in \n
  bigevent:NAME:SIZE[:LINE]  a framed event whose text is SIZE bytes, lines as for big
  frame:JSON          a framed event whose begin frame is the object JSON (read with json.loads
                      and written with json.dumps, as a callback would) and whose text is "framed"
  exit:CODE           exits with CODE
  kill:SIG            kills itself with signal SIG
  ignore-term         ignores SIGTERM from now on
"""
import base64
import json
import os
import select
import signal
import termios
import sys
import time
import uuid

out = sys.stdout.buffer


def frame(obj):
    b64 = base64.b64encode(json.dumps(obj).encode()).decode()
    chunks = "".join(f"{b64[i:i + 78]}\x1b[{len(b64[i:i + 78])}D" for i in range(0, len(b64), 78))
    return f"\x1b[K{chunks}\x1b[K".encode()


def write_big(size, line):
    """Writes `size` bytes of 'x' lines of `line` bytes (0: one line) in 1 MB pieces."""
    line = line or size
    piece = None  # stays small: the test measures the runner's memory with ours
    if line <= (1 << 20):
        piece = (b"x" * (line - 1) + b"\n") * max(1, (1 << 20) // line)
    left = size
    while left > 0:
        if piece is None:  # a line longer than a piece: its body in pieces, then \n
            body = min(left, line) - 1
            while body > 0:
                n = min(body, 1 << 20)
                out.write(b"x" * n)
                body -= n
                left -= n
            out.write(b"\n")
            left -= 1
            continue
        chunk = piece[:left]
        out.write(chunk)
        left -= len(chunk)


def begin_frame(name):
    return frame({"event": name, "pid": os.getpid(), "uuid": str(uuid.uuid4()),
                  "created": "2026-01-01T00:00:00.000000", "event_data": {"name": name}})


for step in sys.argv[1:]:
    kind, _, arg = step.partition(":")
    if kind == "event":
        name, _, text = arg.partition(":")
        out.write(begin_frame(name) + text.replace("\\n", "\n").encode() + frame({}))
    elif kind == "frame":
        out.write(frame(json.loads(arg)) + b"framed" + frame({}))
    elif kind == "big":
        size, _, line = arg.partition(":")
        write_big(int(size), int(line or 0))
    elif kind == "bigevent":
        name, size, line = (arg.split(":") + [""])[:3]
        out.write(begin_frame(name))
        write_big(int(size), int(line or 0))
        out.write(frame({}))
    elif kind == "print":
        out.write(arg.replace("\\n", "\n").encode())
    elif kind == "bytes":
        out.write(bytes.fromhex(arg))
    elif kind == "prompt":
        out.write(arg.encode())
        out.flush()
        line = sys.stdin.readline().rstrip("\n")
        out.write(f"got {line}\n".encode())
    elif kind == "pause":
        text, _, seconds = arg.rpartition(":")
        out.write(begin_frame("verbose") + text.encode() + frame({}))
        out.flush()
        time.sleep(float(seconds))
        termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
        if not select.select([sys.stdin], [], [], 20)[0]:
            out.write(b"no answer\n")
            out.flush()
            sys.exit(3)
        line = sys.stdin.readline().rstrip("\n")
        out.write(begin_frame("runner_on_ok") + f"got {line}\n".encode() + frame({}))
    elif kind == "unread":
        waiting = select.select([sys.stdin], [], [], 0.2)[0]
        out.write(f"unread: {sys.stdin.readline().rstrip() if waiting else ''}\n".encode())
    elif kind == "sleep":
        out.flush()
        time.sleep(float(arg))
    elif kind == "flood":
        for i in range(int(arg)):
            out.write(f"line {i}\n".encode())
    elif kind == "exit":
        out.flush()
        sys.exit(int(arg))
    elif kind == "kill":
        out.flush()
        os.kill(os.getpid(), int(arg))
        time.sleep(5)
    elif kind == "ignore-term":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    out.flush()

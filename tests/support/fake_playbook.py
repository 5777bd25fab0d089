#!/usr/bin/env python3
"""Plays a misbehaving Ansible for runner tests. Each argument is one step:

  event:NAME[:TEXT]   a framed event of type NAME whose text is TEXT (\\n becomes a line end)
  print:TEXT          plain text outside frames
  bytes:HEX           raw bytes written as they are
  prompt:TEXT         prints TEXT, reads a line from the terminal, prints "got <line>"
  sleep:SECONDS       sleeps
  flood:N             prints N numbered lines
  exit:CODE           exits with CODE
  kill:SIG            kills itself with signal SIG
  ignore-term         ignores SIGTERM from now on
"""
import base64
import json
import os
import signal
import sys
import time
import uuid

out = sys.stdout.buffer


def frame(obj):
    b64 = base64.b64encode(json.dumps(obj).encode()).decode()
    chunks = "".join(f"{b64[i:i + 78]}\x1b[{len(b64[i:i + 78])}D" for i in range(0, len(b64), 78))
    return f"\x1b[K{chunks}\x1b[K".encode()


for step in sys.argv[1:]:
    kind, _, arg = step.partition(":")
    if kind == "event":
        name, _, text = arg.partition(":")
        ev = {"event": name, "pid": os.getpid(), "uuid": str(uuid.uuid4()),
              "created": "2026-01-01T00:00:00.000000", "event_data": {"name": name}}
        out.write(frame(ev) + text.replace("\\n", "\n").encode() + frame({}))
    elif kind == "print":
        out.write(arg.replace("\\n", "\n").encode())
    elif kind == "bytes":
        out.write(bytes.fromhex(arg))
    elif kind == "prompt":
        out.write(arg.encode())
        out.flush()
        line = sys.stdin.readline().rstrip("\n")
        out.write(f"got {line}\n".encode())
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

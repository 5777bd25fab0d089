"""AWX's control node sends a job (awx/main/tasks/receptor.py, AWXReceptorJob): a worker thread
runs `ansible_runner.interface.run(streamer='transmit', _output=sock.makefile('wb'), **params)`
into one end of a socketpair and then shuts the socket down for writing, while the main thread
(receptorctl's submit_work in AWX) reads the other end. The private data dir holds ~50 MB, so
the writer blocks on a full socket many times over: this must not deadlock (the library must let
the reading thread run while it waits). The document: the kwargs line, the archive's entries
(names, sizes, hashes, modes, link targets, not the compressed bytes), the message sequence and
the timing."""
import hashlib
import json
import os
import random
import socket
import stat
import threading
import time

from _common import Driver, exc_info, parse_job_stream, write_pdd

import ansible_runner

PLAYBOOK = "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug:\n        msg: hi\n"
DATA_MB = 50
DEADLINE = 120


def make_big_pdd(root):
    """A deterministic ~50 MB private data dir, mostly text (a project checkout), plus the odd
    entries AWX's data dirs have: an executable inventory script, a symlink, an empty dir, a
    non-ASCII name, a binary file, an empty env/ (AWX pre-creates it)."""
    pdd = write_pdd(root, PLAYBOOK)
    rng = random.Random(20231114)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 11)))
             for _ in range(3000)]
    lines = []
    size = 0
    while size < 4 << 20:
        line = " ".join(rng.choices(words, k=rng.randint(4, 16))) + "\n"
        lines.append(line)
        size += len(line)
    base = "".join(lines)
    data = pdd / "project" / "files"
    total = 0
    n = 0
    while total < DATA_MB << 20:
        sub = data / f"d{n % 7}"
        sub.mkdir(parents=True, exist_ok=True)
        length = rng.randint(100 << 10, 400 << 10)
        start = rng.randint(0, len(base) - length)
        (sub / f"f{n:04d}.txt").write_text(f"# file {n}\n" + base[start:start + length])
        total += length
        n += 1
    (data / "blob.bin").write_bytes(rng.randbytes(1 << 20))
    (data / "naïve ✓.txt").write_text("ünïcödé\n")
    (data / "empty").mkdir()
    os.symlink("../test.yml", data / "link.yml")
    script = pdd / "inventory" / "script.py"
    script.write_text("#!/usr/bin/env python3\nprint('{}')\n")
    script.chmod(0o755)
    private = pdd / "project" / "secret.txt"
    private.write_text("s3cret\n")
    private.chmod(0o600)
    (pdd / "env").mkdir()
    return pdd


def awx_params(pdd):
    """The runner_params of AWX's BaseTask.run plus build_execution_environment_params."""
    return {
        "ident": 4242,
        "private_data_dir": str(pdd),
        "playbook": "test.yml",
        "inventory": str(pdd / "inventory" / "script.py"),
        "passwords": {r"Enter passphrase for .*:\s*?$": "", r"Vault password:\s*?$": "vpass"},
        "envvars": {"JOB_ID": "4242", "ANSIBLE_FORCE_COLOR": "True", "AWX_HOST": "https://awx.example",
                    "UNICODE_VALUE": "héllo ✓"},
        "settings": {"job_timeout": 0, "suppress_ansible_output": True, "suppress_output_file": True},
        "fact_cache_type": "",
        "container_image": "quay.io/ansible/awx-ee:latest",
        "process_isolation": True,
        "process_isolation_executable": "podman",
        "container_options": ["--user=root"],
    }


def main():
    d = Driver()
    t0 = time.monotonic()
    pdd = make_big_pdd(d.work / "pdd")
    gen_seconds = time.monotonic() - t0
    sockin, sockout = socket.socketpair()
    result = {}

    def transmit():
        try:
            result["return"] = ansible_runner.interface.run(streamer="transmit", _output=sockin.makefile("wb"),
                                                            **awx_params(pdd))
        except BaseException as e:  # noqa: B902 - recorded for the document
            result["exception"] = e
        finally:
            # "Socket must be shutdown here, or the reader will hang forever." (AWX)
            sockin.shutdown(socket.SHUT_WR)

    start = time.monotonic()
    thread = threading.Thread(target=transmit, daemon=True)
    thread.start()
    sockout.settimeout(60)
    reader = sockout.makefile("rb")
    chunks = []
    read_error = None
    try:
        while True:
            chunk = reader.read(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError as e:  # socket.timeout: nothing arrived for 60 s
        read_error = repr(e)
    read_seconds = time.monotonic() - start
    thread.join(max(1, DEADLINE - read_seconds))
    data = b"".join(chunks)

    doc = {
        "data_dir_seconds": round(gen_seconds, 1),
        "seconds": round(read_seconds, 1),
        "returned_within_deadline": not thread.is_alive() and read_seconds < DEADLINE,
        "read_error": read_error,
        "exception": exc_info(result.get("exception")),
        "return_type": type(result.get("return")).__name__ if "return" in result else None,
        "return_status": getattr(result.get("return"), "status", None),
        "return_rc": getattr(result.get("return"), "rc", None),
        "stream_bytes": len(data),
    }
    try:
        msgs = parse_job_stream(data)
    except Exception as e:
        doc["stream_valid"] = False
        doc["stream_error"] = repr(e)[:500]
        doc["stream_head"] = data[:300].decode("utf-8", "replace")
        d.emit(doc)
        return
    doc["stream_valid"] = True
    doc["messages"] = [sorted(k for k in m if k != "archive") for m in msgs]
    kwargs = [m for m in msgs if "kwargs" in m]
    doc["kwargs"] = d.norm.value(kwargs[0]["kwargs"]) if kwargs else None
    archives = [m["archive"] for m in msgs if "archive" in m]
    if archives:
        entries = {}
        for info in archives[0].infolist():
            mode = info.external_attr >> 16
            body = archives[0].read(info)
            entry = {"size": len(body), "mode": oct(mode)}
            if stat.S_ISLNK(mode):
                entry["target"] = body.decode()
            elif not info.filename.endswith("/"):
                entry["sha256"] = hashlib.sha256(body).hexdigest()
            if info.filename.startswith("env/") and not info.filename.endswith("/"):
                entry["text"] = d.norm.text(body.decode("utf-8", "replace"))
                try:
                    entry["json"] = d.norm.value(json.loads(body))
                except ValueError:
                    entry["json"] = None
            entries[info.filename] = entry
        doc["archive"] = entries
        doc["archive_files"] = len([n for n in entries if not n.endswith("/")])
        doc["archive_uncompressed_mb"] = round(sum(e["size"] for e in entries.values()) / (1 << 20))
    env = pdd / "env"
    doc["sender_env_files"] = sorted(os.listdir(env)) if env.is_dir() else None
    d.emit(doc)


if __name__ == "__main__":
    main()

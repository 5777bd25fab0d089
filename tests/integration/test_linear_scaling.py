"""Linear in every dimension (docs/security.md, "Limits"): each input our binary parses grows
10x along one dimension (length, depth, width, count), and the CPU time and peak memory of the
run may grow about 10x, not 100x. A regression to quadratic work shows as a failing test here,
not as a slow night on a node.

Inputs: the worker's kwargs line and its zip, the result stream `process` reads, and the env
files `run` loads. The worker's job is refused after the whole stream is read (an unknown
kwarg), and `run` spawns /bin/true as its isolation executable, so what is measured is the
runner's own reading, not Ansible. Measured in a small launcher process (a child's peak RSS
counts from fork) as the best of two runs; CPU time, not wall time, so that a loaded machine
matters less. Memory is not compared under AddressSanitizer, whose quarantine adds up to
256 MB whatever the input.
"""
import base64
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest

from stream_util import write_pdd

# 10x the input may cost this much more CPU or memory: room for caches, allocators and noise;
# quadratic work gives 100x.
MAX_GROWTH = 25
SANITIZED = os.environ.get("AR_SANITIZED") == "1"

LAUNCHER = """
import json, os, resource, sys
with open(sys.argv[2], "rb") as stdin:
    pid = os.posix_spawn(sys.argv[3], sys.argv[3:], os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, stdin.fileno(), 0),
                                       (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
                                       (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump({"cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss,
               "exit": os.waitstatus_to_exitcode(status)}, f)
"""


def measure(tmp_path, argv, stdin=b"", env=None):
    """Best of two runs: CPU seconds and peak RSS (KB) of argv with `stdin`."""
    (tmp_path / "stdin").write_bytes(stdin)
    best = None
    for _ in range(2):
        subprocess.run(["/usr/bin/python3", "-c", LAUNCHER, str(tmp_path / "m.json"), str(tmp_path / "stdin"),
                        *argv], check=True, timeout=300, env=env)
        m = json.loads((tmp_path / "m.json").read_text())
        best = m if best is None else {"cpu": min(best["cpu"], m["cpu"]), "rss_kb": min(best["rss_kb"], m["rss_kb"]),
                                       "exit": m["exit"]}
    return best


def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            z.writestr(name, data)
    return buf.getvalue()


def job_stream(kwargs_lines, files=()):
    data = zip_of(files or [("project/test.yml", "- hosts: all\n")])
    return b"".join(line.encode() + b"\n" for line in kwargs_lines) + \
        json.dumps({"zipfile": len(data)}).encode() + b"\n" + base64.b64encode(data) + b'{"eof": true}\n'


def kwargs_line(extravars):
    # `bogus` makes the worker refuse the job once the stream is read, before Ansible runs.
    return json.dumps({"kwargs": {"playbook": "test.yml", "bogus": 1, "extravars": extravars}})


def nested(depth, copies):
    """`copies` values, each `depth` lists deep, as JSON text."""
    return "[" + ", ".join(["[" * depth + "1" + "]" * depth] * copies) + "]"


def result_stream(events):
    data = zip_of([("rc", "0"), ("status", "successful")])
    lines = [json.dumps({"status": "starting", "runner_ident": "j", "command": [], "env": {}, "cwd": "/"})]
    for counter, (stdout, event_data) in enumerate(events, 1):
        lines.append(json.dumps({"uuid": f"00000000-0000-4000-8000-{counter:012d}", "counter": counter,
                                 "event": "runner_on_ok", "stdout": stdout, "event_data": 0})
                     .replace('"event_data": 0', '"event_data": ' + event_data))
    lines += [json.dumps({"status": "successful", "runner_ident": "j"}), json.dumps({"zipfile": len(data)})]
    return ("\n".join(lines) + "\n").encode() + base64.b64encode(data) + b'\n{"eof": true}\n'


def yaml_nested(depth, copies):
    return "x:\n" + "".join("  - " + "[" * depth + "1" + "]" * depth + "\n" for _ in range(copies))


# name -> (role, n for the small run, build(n) -> input). Sizes make the small run cost well
# above the binary's start-up, so that its CPU time is mostly the work being scaled.
CASES = {
    # the worker's kwargs line
    "kwargs-width": ("worker", 30_000, lambda n: job_stream([kwargs_line({f"key{i}": i for i in range(n)})])),
    "kwargs-length": ("worker", 3_000_000, lambda n: job_stream([kwargs_line({"s": "y\u00e9" * (n // 2)})])),
    "kwargs-depth": ("worker", 40, lambda n: job_stream([kwargs_line({"x": 0}).replace('"x": 0', '"x": ' + nested(n, 2000))])),
    "kwargs-count": ("worker", 3_000, lambda n: job_stream([kwargs_line({"i": i}) for i in range(n)])),
    # the worker's zip
    "zip-entries": ("worker", 300, lambda n: job_stream([kwargs_line({})],
                                                         [(f"project/f{i}.yml", "x: 1\n") for i in range(n)])),
    "zip-path-depth": ("worker", 10, lambda n: job_stream([kwargs_line({})],
                                                          [("project/" + "d/" * n + f"f{i}", "x") for i in range(200)])),
    "zip-file-length": ("worker", 4_000_000, lambda n: job_stream([kwargs_line({})],
                                                                  [("project/big.txt", os.urandom(n // 2).hex())])),
    # the result stream
    "events-count": ("process", 2_000, lambda n: result_stream([("ok", '{"i": 1}')] * n)),
    "event-width": ("process", 30_000, lambda n: result_stream([("ok", json.dumps({f"k{i}": i for i in range(n)}))])),
    "event-length": ("process", 3_000_000, lambda n: result_stream([("y\u00e9\n" * (n // 3), "{}")])),
    "event-depth": ("process", 40, lambda n: result_stream([("ok", '{"x": ' + nested(n, 2000) + "}")])),
    # the env files `run` reads (env/extravars it hands to Ansible unread, as `-e @file`)
    "settings-width": ("run", 4_000, lambda n: {"settings": "".join(f"key{i}: {i}\n" for i in range(n))}),
    "settings-length": ("run", 2_000_000, lambda n: {"settings": "s: '" + "y" * n + "'\n"}),
    "settings-depth": ("run", 20, lambda n: {"settings": yaml_nested(n, 400)}),
    "passwords-width": ("run", 2_000, lambda n: {"passwords": "".join(f"'^Password {i}:': p{i}\n" for i in range(n))}),
    "envvars-count": ("run", 1_000, lambda n: {"envvars": "".join(f"V{i}: v{i}\n" for i in range(n))}),
}


def run_case(binary, tmp_path, role, built, shm_dir):
    if role == "worker":
        # The worker unpacks into a temp dir: on tmpfs, where creating a file costs the same
        # in a full directory as in an empty one (ext4 here took 14x the time for 10x the files).
        return measure(tmp_path, [binary, "worker"], built, env={**os.environ, "TMPDIR": str(shm_dir)})
    if role == "process":
        return measure(tmp_path, [binary, "process", str(tmp_path / "pdd"), "--ident", "j"], built)
    pdd = tmp_path / "pdd"
    if not pdd.exists():
        write_pdd(pdd, "- hosts: all\n", lambda root: (root / "env").mkdir())
    for name, text in built.items():
        (pdd / "env" / name).write_text(text)
    return measure(tmp_path, [binary, "run", str(pdd), "-p", "test.yml", "--process-isolation",
                              "--process-isolation-executable", "/bin/true"])


@pytest.fixture
def shm_dir(tmp_path):
    """A temp dir on tmpfs when the machine has one."""
    base = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else tmp_path
    path = Path(tempfile.mkdtemp(prefix="ar-scaling-", dir=base))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("case", sorted(CASES))
def test_ten_times_the_input_costs_about_ten_times(ours, tmp_path, shm_dir, case):
    role, n, build = CASES[case]
    small_dir, large_dir = tmp_path / "small", tmp_path / "large"
    small_dir.mkdir()
    large_dir.mkdir()
    small = run_case(ours, small_dir, role, build(n), shm_dir)
    large = run_case(ours, large_dir, role, build(10 * n), shm_dir)
    expected_exit = {"worker": 1, "process": 0, "run": 0}[role]
    assert small["exit"] == large["exit"] == expected_exit, (small, large)
    report = f"{case}: n={n} {small}, 10n {large}"
    print(report)
    assert large["cpu"] <= MAX_GROWTH * max(small["cpu"], 0.01), report
    if not SANITIZED:
        # Growth over a start-up floor: the binary alone takes a few MB.
        floor_kb = 8 * 1024
        assert large["rss_kb"] - floor_kb <= MAX_GROWTH * max(small["rss_kb"] - floor_kb, 2 * 1024), report

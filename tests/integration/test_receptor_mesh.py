"""Scale-out on a real Receptor mesh (issue 9): controller -- hop -- execution node on loopback,
the execution node's work types run an ansible-runner `worker` (AWX's configuration), the
controller side is our `transmit` and `process`.

Each case runs with our worker and with the reference's worker on the node (`worker` param).
Receptor/receptorctl are installed by scripts/install-receptor.sh (pinned); the file exits 125
(ctest: skipped) only when a package registry cannot be reached. See docs/receptor.md.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from conftest import OURS, REFERENCE
from diff_util import LOCAL_INVENTORY, make_pdd, run_job, summarise, assert_same
from receptor_mesh import (EOF_LINE, REGISTRY_UNREACHABLE, Mesh, install_receptor, pgrep,
                           wait_until, wrapper_script)

WORKERS = {"ours": OURS, "reference": REFERENCE}
# Work type names on the execution node; "ansible-runner" is the name AWX uses.
WORK_TYPE = {"ours": "ansible-runner", "reference": "ansible-runner-reference"}
KEEPALIVE_TYPE = {w: f"{t}-keepalive" for w, t in WORK_TYPE.items()}
# The controller side. AR_MESH_CONTROLLER=reference swaps in the reference's transmit/process
# (to tell a transport problem from one of ours while developing); the default is ours.
CONTROLLER = REFERENCE if os.environ.get("AR_MESH_CONTROLLER") == "reference" else OURS

KEEPALIVE_LINE = {"event": "keepalive", "counter": 0, "uuid": 0}


# --- fixtures -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def receptor_tools():
    code, output = install_receptor()
    if code == REGISTRY_UNREACHABLE:
        pytest.exit(f"Receptor cannot be installed, a registry is unreachable:\n{output}", returncode=125)
    assert code == 0, f"scripts/install-receptor.sh failed ({code}):\n{output}"
    for binary in (OURS, REFERENCE):
        assert os.access(binary, os.X_OK), f"not executable: {binary}"


def mesh_root():
    # Short path under /tmp: control sockets are Unix sockets (108-byte path limit).
    return Path(tempfile.mkdtemp(prefix="armesh-", dir="/tmp"))


def work_types(root):
    types = []
    for who, binary in WORKERS.items():
        types.append({"worktype": WORK_TYPE[who], "command": binary, "params": "worker"})
        wrapper = wrapper_script(root / f"worker-keepalive-{who}.sh", binary,
                                 {"ANSIBLE_RUNNER_KEEPALIVE_SECONDS": "1"})
        types.append({"worktype": KEEPALIVE_TYPE[who], "command": wrapper, "params": "worker"})
    return types


@pytest.fixture(scope="module")
def mesh(receptor_tools):
    root = mesh_root()
    m = Mesh(root, work_types(root))
    try:
        m.start()
        yield m
    finally:
        m.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def own_mesh(receptor_tools):
    """A mesh for one test (faults that break it)."""
    root = mesh_root()
    m = Mesh(root, work_types(root))
    try:
        yield m.start()
    finally:
        m.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=sorted(WORKERS))
def worker(request):
    return request.param


# --- helpers --------------------------------------------------------------------------------
def playbook_pdd(root, name, tasks):
    """A private data dir with project/<name> running `tasks` (YAML text) on localhost."""
    root = Path(root)
    (root / "project").mkdir(parents=True)
    (root / "inventory").mkdir()
    (root / "inventory" / "hosts").write_text(LOCAL_INVENTORY)
    (root / "project" / name).write_text(f"- hosts: all\n  gather_facts: false\n  tasks:\n{tasks}")
    return root


def sleep_pdd(root, seconds=40):
    """A job that sleeps; the marker is in the playbook name (so in ansible-playbook's command
    line) and in the shell command (the task's process)."""
    marker = f"mk{uuid.uuid4().hex[:12]}"
    pdd = playbook_pdd(root, f"sleep-{marker}.yml",
                       f"    - name: sleep\n      ansible.builtin.shell: \"sleep {seconds}; echo {marker}\"\n")
    return pdd, f"sleep-{marker}.yml", marker


def transmit(pdd, playbook, ident):
    proc = subprocess.run([CONTROLLER, "transmit", str(pdd), "-p", playbook, "--ident", ident],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 0, f"transmit failed: {proc.stderr.decode()}"
    assert proc.stdout.endswith(EOF_LINE)
    return proc.stdout


def process(raw, pdd, ident, timeout=60):
    """Our `process` on a result stream; returns (CompletedProcess, artifact dir)."""
    proc = subprocess.run([CONTROLLER, "process", str(pdd), "--ident", ident], input=raw,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return proc, Path(pdd) / "artifacts" / ident


def process_exit(status, rc):
    """Exit code of `process`: the reference always exits 0; ours says how the job ended (0 for
    successful, the job's rc for failed/timeout/canceled, 1 when the stream broke)."""
    if CONTROLLER == REFERENCE:
        return 0
    if status == "successful":
        return 0
    return int(rc) if status in ("failed", "timeout", "canceled") and rc not in (None, "0") else 1


def split_stream(raw):
    """Result stream -> list of messages: dicts for JSON lines, ("payload", text) for the zip."""
    messages, pos = [], 0
    while pos < len(raw):
        nl = raw.index(b"\n", pos)
        line = json.loads(raw[pos:nl])
        messages.append(line)
        pos = nl + 1
        if "zipfile" in line:
            n = 4 * -(-line["zipfile"] // 3)
            messages.append(("payload", raw[pos:pos + n]))
            pos += n
    return messages


def statuses(messages):
    return [m["status"] for m in messages if isinstance(m, dict) and "status" in m]


def collect(art, exit_code):
    """The outcome of a mesh job in run_job's shape (diff_util), from process's artifact dir."""
    events = []
    if (art / "job_events").is_dir():
        events = sorted((json.loads(f.read_text()) for f in (art / "job_events").glob("*.json")),
                        key=lambda e: e["counter"])
    files = sorted(str(p.relative_to(art)) for p in art.rglob("*")
                   if "job_events" not in p.parts and "fact_cache" not in p.parts)

    def text(name):
        return (art / name).read_text() if (art / name).exists() else None
    return {"exit": exit_code, "status": text("status"), "rc": text("rc"), "stdout": text("stdout"),
            "events": events, "files": files}


def unit_exit(mesh, unit):
    """The worker's exit code as Receptor recorded it ("exit status N"), or the unit's detail.

    The result stream can reach its eof before Receptor has reaped the worker (the unit is
    still "Running"), so wait (bounded) for the unit's final state first."""
    wait_until(lambda: mesh.units()[unit]["StateName"] in ("Succeeded", "Failed"), 30, what=f"unit {unit} done")
    info = mesh.units()[unit]
    m = re.fullmatch(r"exit status (\d+)", info["Detail"])
    return int(m.group(1)) if m else info["Detail"]


def mesh_job(mesh, tmp, worker, pdd, playbook, ident, work_type=None, params=None, timeout=120):
    """transmit -> receptor (exec node) -> results -> process; returns a dict of what happened."""
    raw_in = transmit(pdd, playbook, ident)
    unit = mesh.submit(work_type or WORK_TYPE[worker], raw_in, params=params)
    raw, how = mesh.results(unit, timeout=timeout)
    assert how == "eof", f"result stream ended by {how}: {raw[-500:]!r}"
    out = Path(tmp) / f"controller-{ident}"
    proc, art = process(raw, out, ident)
    outcome = collect(art, unit_exit(mesh, unit))
    assert proc.returncode == process_exit(outcome["status"], outcome["rc"]), proc.stderr.decode()
    return {"unit": unit, "raw": raw, "messages": split_stream(raw), "process": proc, "art": art,
            "outcome": outcome}


def check_stream_shape(messages, ident):
    """starting (command, env, cwd) -> running -> events -> final status -> zip -> eof."""
    dicts = [m for m in messages if isinstance(m, dict) and m != KEEPALIVE_LINE]
    assert dicts[0]["status"] == "starting" and dicts[0]["runner_ident"] == ident
    assert {"command", "env", "cwd"} <= set(dicts[0])
    assert dicts[1] == {"status": "running", "runner_ident": ident}
    assert "zipfile" in dicts[-2] and dicts[-1] == {"eof": True}
    assert dicts[-3]["status"] in ("successful", "failed", "canceled", "timeout")
    events = dicts[2:-3]
    assert events and all("status" not in e and e["runner_ident"] == ident for e in events)
    return dicts[0]


# --- the job through the mesh = the job run locally -------------------------------------------
@pytest.mark.parametrize("playbook", ["ok_changed.yml", "failed.yml"])
def test_mesh_job_matches_local_run(mesh, worker, playbook, tmp_path):
    ident = f"mesh-{worker}-{playbook[:-4]}"
    pdd = make_pdd(tmp_path / "controller", playbook)
    job = mesh_job(mesh, tmp_path, worker, pdd, playbook, ident)
    starting = check_stream_shape(job["messages"], ident)
    # It ran on the execution node, under its receptor (TMPDIR of that node).
    assert starting["cwd"].startswith(str(mesh.exec.tmp)), starting["cwd"]
    # process printed each event's stdout and a newline
    assert job["process"].stdout.decode() == "".join(e["stdout"] + "\n" for e in job["outcome"]["events"])

    local_pdd = make_pdd(tmp_path / "local", playbook)
    local = run_job(WORKERS[worker], local_pdd, ["-p", playbook], ident=ident)
    assert_same(summarise(local, local_pdd), summarise(job["outcome"], pdd))
    expected = {"ok_changed.yml": ("successful", "0"), "failed.yml": ("failed", "2")}[playbook]
    assert (job["outcome"]["status"], job["outcome"]["rc"]) == expected
    assert job["outcome"]["exit"] == int(expected[1])  # worker exit code = job rc
    mesh.release(job["unit"])


def test_runtime_params_private_data_dir_delete(mesh, worker, tmp_path):
    """AWX's submission: params `--private-data-dir=<dir> --delete` on top of `worker`."""
    ident = f"pdd-{worker}"
    pdd = make_pdd(tmp_path / "controller", "ok_changed.yml")
    job_dir = mesh.exec.tmp / f"awx_{ident}"
    job_dir.mkdir()
    (job_dir / "stale-file").write_text("removed by --delete before the job\n")
    job = mesh_job(mesh, tmp_path, worker, pdd, "ok_changed.yml", ident,
                   params=f"--private-data-dir={job_dir} --delete")
    starting = check_stream_shape(job["messages"], ident)
    assert starting["cwd"] == f"{job_dir}/project"
    assert job["outcome"]["status"] == "successful" and job["outcome"]["rc"] == "0"
    wait_until(lambda: not job_dir.exists(), 20, what=f"{job_dir} removed")
    assert mesh.units()[job["unit"]]["ExtraData"]["RemoteParams"] == {
        "params": f"--private-data-dir={job_dir} --delete"}
    mesh.release(job["unit"])


def test_keepalive_from_work_type_environment(mesh, worker, tmp_path):
    """ANSIBLE_RUNNER_KEEPALIVE_SECONDS=1 set for the worker by the work type (a wrapper script:
    receptor's work-command has no environment option). Ours emits keepalive lines between
    messages; 2.3.1 has no keepalive (the variable is ignored)."""
    ident = f"keepalive-{worker}"
    pdd = playbook_pdd(tmp_path / "controller", "pause.yml",
                       "    - ansible.builtin.pause:\n        seconds: 4\n    - ansible.builtin.debug:\n        msg: after\n")
    job = mesh_job(mesh, tmp_path, worker, pdd, "pause.yml", ident, work_type=KEEPALIVE_TYPE[worker])
    check_stream_shape(job["messages"], ident)
    keepalives = [i for i, m in enumerate(job["messages"]) if m == KEEPALIVE_LINE]
    if worker == "ours":
        assert len(keepalives) >= 2, "no keepalive during a 4 s silent task with a 1 s interval"
        eof_at = job["messages"].index({"eof": True})
        assert all(i < eof_at for i in keepalives)
    else:
        assert keepalives == []
    outcome = job["outcome"]
    assert outcome["status"] == "successful" and outcome["rc"] == "0"
    events = outcome["events"]
    if CONTROLLER == REFERENCE:  # a 2.3.1 process stores a keepalive as job_events/0-0.json
        events = [e for e in events if e.get("event") != "keepalive"]
    else:  # ours ignores keepalives
        assert not (job["art"] / "job_events" / "0-0.json").exists()
    assert [e["counter"] for e in events] == list(range(1, len(events) + 1))
    mesh.release(job["unit"])


# --- faults ---------------------------------------------------------------------------------
def test_cancel_mid_job(mesh, worker, tmp_path):
    """`work cancel`: receptor SIGINTs the worker; the job's process group is stopped, the stream
    still comes back (status canceled, artifacts, eof) and no ansible-playbook is left."""
    ident = f"cancel-{worker}"
    pdd, playbook, marker = sleep_pdd(tmp_path / "controller")
    unit = mesh.submit(WORK_TYPE[worker], transmit(pdd, playbook, ident))
    results = mesh.result_stream(unit)
    try:
        wait_until(lambda: len(pgrep(marker)) >= 2, 60, what="ansible-playbook and the sleep running")
        started = time.monotonic()
        mesh.controller.ctl("work", "cancel", unit, timeout=40)
        cancel_seconds = time.monotonic() - started
        wait_until(lambda: not pgrep(marker), 20, what=f"no process left with {marker}")
    finally:
        raw, how = results.wait(timeout=60)
    assert how == "eof", f"stream did not come back after cancel: {how} {raw[-300:]!r}"
    messages = split_stream(raw)
    check_stream_shape(messages, ident)
    assert statuses(messages)[-1] == "canceled"
    proc, art = process(raw, tmp_path / "out", ident)
    assert proc.returncode == process_exit("canceled", "254"), proc.stderr.decode()
    assert (art / "status").read_text() == "canceled"
    assert (art / "rc").read_text() == "254"
    assert mesh.units()[unit]["StateName"] == "Canceled"
    if worker == "ours":  # the reference polls every 5 s
        assert cancel_seconds < 5, f"cancel took {cancel_seconds:.1f}s"
    print(f"work cancel with the {worker} worker took {cancel_seconds:.1f}s")
    mesh.release(unit)


def test_execution_node_killed_mid_job(own_mesh, worker, tmp_path):
    """The execution node's receptor dies mid-job: the controller side sees the error (no eof,
    process reports an error, the node drops out of the routes), nothing hangs."""
    mesh = own_mesh
    ident = f"killed-{worker}"
    pdd, playbook, marker = sleep_pdd(tmp_path / "controller", seconds=60)
    unit = mesh.submit(WORK_TYPE[worker], transmit(pdd, playbook, ident))
    results = mesh.result_stream(unit)
    wait_until(lambda: len(pgrep(marker)) >= 2, 60, what="job running")
    wait_until(lambda: b'"event": "playbook_on_task_start"' in results.data, 30, what="events flowing back")
    mesh.exec.kill()
    raw, how = results.wait(timeout=60, stall=8)
    assert how in ("stall", "exit"), how
    assert not raw.endswith(EOF_LINE)
    assert raw.startswith(b'{"status": "starting"')  # the part that made it is the real stream
    started = time.monotonic()
    proc, art = process(raw, tmp_path / "out", ident, timeout=30)
    assert time.monotonic() - started < 30
    assert proc.returncode == process_exit("error", None), proc.stderr.decode()
    assert not (art / "status").exists() and not (art / "rc").exists()  # no artifacts arrived
    # The controller loses the route and says so at once.
    wait_until(lambda: "exec" not in mesh.controller.status()["RoutingTable"], 30, what="route to exec dropped")
    ping = mesh.controller.ctl("ping", "exec", "--count", "1", timeout=20, check=False)
    assert ping.returncode != 0 and b"no route" in ping.stdout + ping.stderr
    assert mesh.units()[unit]["StateName"] not in ("Succeeded", "Failed")


def test_bad_job_stream_is_reported_in_band(mesh, worker, tmp_path):
    """A payload that is not a job stream: the worker answers with an `error` status and `eof`
    (nothing else: receptor merges stderr into the stream), process reports the error."""
    unit = mesh.submit(WORK_TYPE[worker], b"this is not a job stream\n")
    raw, how = mesh.results(unit, timeout=60)
    assert how == "eof", (how, raw)
    messages = split_stream(raw)
    assert [m.get("status") for m in messages] == ["error", None]
    assert messages[0]["job_explanation"].startswith("Failed to JSON parse a line from transmit stream.")
    proc, art = process(raw, tmp_path / "out", "bad")
    assert proc.returncode == process_exit("error", None)
    assert not (art / "status").exists()
    # The reference exits 0 after an error status; ours exits 1 (docs/remote-nodes.md), so the
    # Receptor unit is Failed ("exit status 1") instead of Succeeded.
    assert unit_exit(mesh, unit) == {"reference": 0, "ours": 1}[worker]
    mesh.release(unit)


def test_twenty_jobs_at_once(mesh, worker, tmp_path):
    n = 20
    pdd = playbook_pdd(tmp_path / "controller", "tiny.yml",
                       "    - ansible.builtin.debug:\n        msg: \"job {{ job_no | default('x') }}\"\n")
    streams = {f"many-{worker}-{i:02d}": transmit(pdd, "tiny.yml", f"many-{worker}-{i:02d}") for i in range(n)}

    def one(ident):
        unit = mesh.submit(WORK_TYPE[worker], streams[ident], timeout=60)
        raw, how = mesh.results(unit, timeout=240)
        return ident, unit, raw, how

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=n) as pool:
        done = list(pool.map(one, streams))
    elapsed = time.monotonic() - started
    for ident, unit, raw, how in done:
        assert how == "eof", f"{ident}: {how} {raw[-300:]!r}"
        proc, art = process(raw, tmp_path / "out" / ident, ident)
        assert proc.returncode == 0, proc.stderr.decode()
        outcome = collect(art, unit_exit(mesh, unit))
        assert (outcome["status"], outcome["rc"], outcome["exit"]) == ("successful", "0", 0), ident
        assert outcome["files"] == ["command", "rc", "status", "stderr", "stdout"]
        assert [e["event"] for e in outcome["events"]] == [
            "playbook_on_start", "playbook_on_play_start", "playbook_on_task_start", "runner_on_start",
            "runner_on_ok", "playbook_on_stats"], ident
        assert {e["runner_ident"] for e in outcome["events"]} == {ident}
        assert "ok=1" in outcome["stdout"]
        mesh.release(unit)
    print(f"{n} jobs through the mesh with the {worker} worker: {elapsed:.1f}s")


# --- health check ---------------------------------------------------------------------------
def test_worker_info_through_receptor(mesh, worker):
    """AWX's health check: a unit of the worker type with params `--worker-info`, no payload
    needed; the results are YAML."""
    unit = mesh.submit(WORK_TYPE[worker], b"", params="--worker-info")
    raw, how = mesh.results(unit, timeout=60, until_eof=False)
    assert how == "exit", how
    assert raw.startswith(b"{") and raw.endswith(b"}\n\n"), raw  # one YAML flow mapping, blank line
    info = yaml.safe_load(raw)
    assert set(info) >= {"runner_version", "mem_in_bytes", "cpu_count", "errors", "uuid"}
    assert info["runner_version"] == "2.3.1"
    assert info["cpu_count"] == os.cpu_count()
    meminfo = Path("/proc/meminfo").read_text()
    assert info["mem_in_bytes"] == int(re.search(r"MemTotal:\s+(\d+) kB", meminfo).group(1)) * 1024
    assert info["errors"] == []
    assert info["uuid"] == (Path.home() / ".ansible_runner_uuid").read_text().strip()
    assert unit_exit(mesh, unit) == 0
    mesh.release(unit)

"""The Receptor variant of case ``many_jobs``: the same job stream, submitted as work units
through the tests' three-node mesh on loopback (controller -> hop -> exec,
tests/integration/receptor_mesh.py), whose exec node runs each side's ``worker`` as a
``work-command``, ``PARALLEL`` units at a time, as AWX's control node drives an execution node.

Per side: jobs per minute (units over the batch's wall time, from the first submit to the last
``eof`` read on the controller); the CPU of a job's worker tree (``/usr/bin/time`` wraps the
worker in the work command: the worker and everything it reaped); and the CPU the three
receptors spent per job (utime + stime from /proc, before and after the batch). The receptorctl
clients (one submit and one results reader per unit, both Python) are the same for both sides
and are not counted.

Receptor comes from scripts/install-receptor.sh (`make bench` runs it); without it the variant
reports why it was not measured.
"""

import concurrent.futures
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import harness

INTEGRATION = Path(__file__).resolve().parents[1] / "tests" / "integration"


def _mesh_module():
    """tests/integration/receptor_mesh.py, or None with the reason when receptor is missing."""
    if str(INTEGRATION) not in sys.path:
        sys.path.insert(0, str(INTEGRATION))
    import receptor_mesh  # noqa: E402  (the tests' mesh, shared on purpose)
    for tool in (receptor_mesh.RECEPTOR, receptor_mesh.RECEPTORCTL):
        if not os.access(tool, os.X_OK):
            return None, f"{tool} is not installed (scripts/install-receptor.sh)"
    return receptor_mesh, None


def _timed_command(path, binary, log):
    """A work command: the worker under /usr/bin/time, one line per job appended to log."""
    Path(path).write_text(f"#!/bin/sh\nexec {harness.TIME} -a -o '{log}' -f '%e %U %S %M' '{binary}' \"$@\"\n")
    os.chmod(path, 0o755)
    return str(path)


def _receptor_cpu(mesh):
    """utime + stime (seconds) of the mesh's three receptor processes."""
    total = 0
    for node in mesh.nodes:
        fields = Path(f"/proc/{node.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / harness.CLK_TCK


def _batch(mesh, label, payload, n, parallel, timeout, check_result):
    """Submits n units of work type `label`, parallel at a time; returns (wall seconds,
    receptors' CPU seconds)."""
    def one(i):
        unit = mesh.submit(label, payload, timeout=60)
        data, how = mesh.results(unit, timeout=timeout)
        mesh.release(unit)
        if how != "eof":
            raise harness.CommandFailed(f"receptor {label} unit {i}: the result stream ended by {how}")
        check_result(data, f"receptor {label} unit {i}")

    cpu0, t0 = _receptor_cpu(mesh), time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, range(n)))
    return time.perf_counter() - t0, _receptor_cpu(mesh) - cpu0


def _job_lines(log):
    """[(wall, cpu, maxrss_kb)] of the jobs /usr/bin/time logged."""
    jobs = []
    for line in Path(log).read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and not line.startswith("Command"):
            jobs.append((float(parts[0]), float(parts[1]) + float(parts[2]), int(parts[3])))
    return jobs


def run(ctx, stream, n, parallel, warmup, check_result):
    """Returns {"sides": {label: {...}}} or {"skipped": reason}. check_result(bytes, what)
    raises on a result stream that is not a successful job's (many_jobs_case.check_result)."""
    mesh_module, why = _mesh_module()
    if mesh_module is None:
        return {"skipped": why}
    root = ctx.path("many-jobs-mesh")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    logs, work_types = {}, []
    for label, binary in ctx.binaries():
        logs[label] = os.path.join(root, f"{label}.time")
        command = _timed_command(os.path.join(root, f"{label}-worker.sh"), binary, logs[label])
        work_types.append({"worktype": label, "command": command, "params": "worker"})
    with open(stream, "rb") as f:
        payload = f.read()
    mesh = mesh_module.Mesh(os.path.join(root, "mesh"), work_types)
    sides = {}
    try:
        mesh.start()
        for label, _ in ctx.binaries():
            _batch(mesh, label, payload, warmup, parallel, ctx.timeout, check_result)
            Path(logs[label]).write_text("")
        for label, _ in ctx.binaries():
            ctx.log(f"many_jobs: {n} units through the Receptor mesh to {label}'s worker, {parallel} at a time")
            wall, receptor_cpu = _batch(mesh, label, payload, n, parallel, ctx.timeout, check_result)
            jobs = _job_lines(logs[label])
            if len(jobs) != n:
                raise harness.CommandFailed(f"receptor {label}: {len(jobs)} of {n} jobs logged their CPU")
            sides[label] = {
                "wall": wall,
                "jobs_per_min": n / wall * 60,
                "cpu_per_job": statistics.mean(j[1] for j in jobs),
                "receptor_cpu_per_job": receptor_cpu / n,
                "job_wall_median": statistics.median(j[0] for j in jobs),
            }
    finally:
        mesh.stop()
    shutil.rmtree(root, ignore_errors=True)
    return {"sides": sides}

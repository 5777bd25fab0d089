"""Case ``many_jobs``: an execution node's day, many short jobs through ``worker``, reference
against ours.

One job stream (the reference's ``transmit`` of a three-task play on localhost, recorded once)
is fed to ``N`` workers, ``PARALLEL`` at a time, as an execution node runs the work units
Receptor hands it: ``<runner> worker`` with the stream on stdin and the result stream on
stdout (to a file; each is checked: a successful status and ``eof``). A batch of the
reference's workers and a batch of ours alternate.

Per side: jobs per minute (N over the batch's wall time), the CPU of a job (the worker and
everything it reaped: ansible-playbook and its forks, wait4), the worker's own CPU (from /proc
while it is a zombie), and the worker's own peak RSS (VmHWM sampled every 20 ms). The runner's
share of the node is the point: ansible-playbook costs the same under both.

The results go in their own section of RESULTS.md, between markers (sections.py), so that
``bench/run.sh --cases many_jobs`` replaces only that section and a run without the case keeps it.
"""

import concurrent.futures
import os
import shutil
import statistics
import subprocess
import time

import harness
import many_jobs_receptor
import sections

NAME = "many_jobs"
PLAYBOOK = """- hosts: localhost
  gather_facts: false
  tasks:
    - name: say hello
      debug:
        msg: hello
    - name: run a command
      command: /bin/true
    - name: set a fact
      set_fact:
        answer: 42
"""
INVENTORY = "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
JOBS, PARALLEL = 100, 4
QUICK_JOBS = 8


def _stream(ctx):
    """The job stream both sides' workers get: the reference's transmit, recorded once."""
    pdd = ctx.path("pdd-many-jobs")
    shutil.rmtree(pdd, ignore_errors=True)
    for sub in ("project", "inventory"):
        os.makedirs(os.path.join(pdd, sub))
    with open(os.path.join(pdd, "project", "jobs.yml"), "w") as f:
        f.write(PLAYBOOK)
    with open(os.path.join(pdd, "inventory", "hosts"), "w") as f:
        f.write(INVENTORY)
    stream = ctx.path("many-jobs.stream")
    with open(stream, "wb") as out:
        subprocess.run([ctx.ref, "transmit", pdd, "-p", "jobs.yml", "--ident", "many"], stdout=out,
                       stderr=subprocess.PIPE, check=True, timeout=120)
    return stream


def check_result(text, what):
    """Raises CommandFailed unless the result stream `text` has a successful status and ends with eof."""
    if b'"status": "successful"' not in text and b'"status":"successful"' not in text:
        raise harness.CommandFailed(f"{what}: no successful status: {text[-500:]!r}")
    if not text.rstrip().endswith(b'{"eof": true}') and not text.rstrip().endswith(b'{"eof":true}'):
        raise harness.CommandFailed(f"{what}: the result stream does not end with eof")


def _check(path):
    with open(path, "rb") as f:
        check_result(f.read(), path)


def _batch(ctx, label, binary, stream, n):
    """Runs n workers, PARALLEL at a time; returns (batch wall seconds, [Sample])."""
    outdir = ctx.path(f"many-jobs-{label}")
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)

    def one(i):
        out = os.path.join(outdir, f"{i}.out")
        sample = harness.run_once([binary, "worker"], stdin=stream, stdout=out,
                                  stderr=os.path.join(outdir, f"{i}.err"), self_only=True,
                                  timeout=ctx.timeout)
        if sample.rc != 0:
            raise harness.CommandFailed(f"{label} worker {i} exited {sample.rc}")
        _check(out)
        return sample

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
        samples = list(pool.map(one, range(n)))
    wall = time.perf_counter() - t0
    shutil.rmtree(outdir, ignore_errors=True)
    return wall, samples


def run(ctx):
    """Returns the section's data (a JSON-able dict); a failure is recorded in ctx.errors."""
    return sections.run_case(ctx, NAME, _run)


def _run(ctx):
    load0 = " ".join(f"{x:.2f}" for x in os.getloadavg())
    stream = _stream(ctx)
    n = QUICK_JOBS if ctx.quick else JOBS
    _batch(ctx, "warmup", ctx.ours, stream, PARALLEL)  # page cache, Python bytecode caches
    _batch(ctx, "warmup", ctx.ref, stream, PARALLEL)
    sides = {}
    for label, binary in ctx.binaries():
        ctx.log(f"many_jobs: {n} jobs through {label}'s worker, {PARALLEL} at a time")
        wall, samples = _batch(ctx, label, binary, stream, n)
        sides[label] = {
            "wall": wall,
            "jobs_per_min": n / wall * 60,
            "cpu_per_job": statistics.mean(s.cpu for s in samples),
            "self_cpu_per_job": statistics.mean(s.self_cpu for s in samples),
            "self_hwm_kb_median": statistics.median(s.self_hwm_kb for s in samples),
            "self_hwm_kb_max": max(s.self_hwm_kb for s in samples),
            "job_wall_median": statistics.median(s.wall for s in samples),
        }
    try:
        mesh = many_jobs_receptor.run(ctx, stream, n, PARALLEL, PARALLEL, check_result)
    except Exception as e:  # noqa: BLE001  (the local rows stand; the mesh's failure is named)
        ctx.errors.append(("many_jobs (receptor)", str(e)))
        mesh = {"failed": str(e)}
    return {"jobs": n, "parallel": PARALLEL, "load_start": load0, "receptor": mesh,
            "load_end": " ".join(f"{x:.2f}" for x in os.getloadavg()), "sides": sides}


def _ms(s):
    return f"{s * 1000:.0f} ms" if abs(s) < 1 else f"{s:.2f} s"


def section(data, command, when, elapsed):
    """The section, markers included (a string)."""
    out = [sections.begin(NAME), "## Many short jobs on one node", "",
           f"This section: `{command}` on {when}, the case took "
           f"{data.get('elapsed', elapsed) / 60:.1f} min."]
    if "failed" in data:
        out += ["", f"Failed (not measured): `{data['failed']}`", sections.end(NAME)]
        return "\n".join(out)
    ref, ours = data["sides"]["ref"], data["sides"]["ours"]
    out += [f"Load average at start / end: {data['load_start']} / {data['load_end']}. "
            f"{data['jobs']} jobs per side, {data['parallel']} at a time, through `worker` as an "
            "execution node runs them: one job stream (the reference's `transmit` of a play with "
            "three tasks on localhost: debug, command, set_fact) on stdin, the result stream to a "
            "file (checked: successful, eof). The reference's batch, then ours.", "",
            "| | Jobs per minute | Wall of a job (median) | CPU per job, tree (wait4) | "
            "Worker's own CPU per job | Worker's own peak RSS (median / max) |",
            "|---|---|---|---|---|---|"]
    for name, x in (("reference", ref), ("ours", ours)):
        out.append(f"| {name} | {x['jobs_per_min']:.1f} | {_ms(x['job_wall_median'])} | "
                   f"{_ms(x['cpu_per_job'])} | {_ms(x['self_cpu_per_job'])} | "
                   f"{x['self_hwm_kb_median'] / 1024:.1f} / {x['self_hwm_kb_max'] / 1024:.1f} MB |")
    out += ["", f"Ours / reference: {ours['jobs_per_min'] / ref['jobs_per_min']:.2f}× the jobs per "
            f"minute, {ref['cpu_per_job'] / ours['cpu_per_job']:.2f}× less CPU per job, "
            f"{ref['self_cpu_per_job'] / ours['self_cpu_per_job']:.1f}× less of the worker's own "
            f"CPU, {ref['self_hwm_kb_median'] / ours['self_hwm_kb_median']:.1f}× less peak RSS per "
            "worker.", "",
            "What limits it: ansible-playbook. Its start-up and the three tasks are "
            f"{100 * (ours['cpu_per_job'] - ours['self_cpu_per_job']) / ours['cpu_per_job']:.0f} % "
            "of a job's CPU under ours (the callback plugin included), "
            f"{100 * (ref['cpu_per_job'] - ref['self_cpu_per_job']) / ref['cpu_per_job']:.0f} % "
            "under the reference; the runner's own part is what differs."]
    out += _mesh_rows(data.get("receptor"), data["jobs"], data["parallel"])
    out.append(sections.end(NAME))
    return "\n".join(out)


def _mesh_rows(mesh, jobs, parallel):
    """The Receptor variant's paragraph and table (bench/many_jobs_receptor.py)."""
    out = ["", "### Through a Receptor mesh", ""]
    if not mesh:
        return out + ["Not measured: this run predates the variant."]
    if "skipped" in mesh or "failed" in mesh:
        return out + [f"Not measured: {mesh.get('skipped') or mesh.get('failed')}"]
    ref, ours = mesh["sides"]["ref"], mesh["sides"]["ours"]
    out += [f"The same job stream as {jobs} work units per side, {parallel} at a time, submitted on "
            "the controller of the tests' three-node mesh on loopback (controller -> hop -> exec, "
            "tests/integration/receptor_mesh.py); the exec node's `work-command` runs the side's "
            "`worker` under `/usr/bin/time`. Jobs per minute from the first submit to the last "
            "`eof` read back on the controller. Not counted: the receptorctl clients (one submit "
            "and one results reader per unit, the same for both sides).", "",
            "| | Jobs per minute | Wall of a job's worker (median) | CPU per job, worker tree | "
            "Receptors' CPU per job (3 nodes) |", "|---|---|---|---|---|"]
    for name, x in (("reference", ref), ("ours", ours)):
        out.append(f"| {name} | {x['jobs_per_min']:.1f} | {_ms(x['job_wall_median'])} | "
                   f"{_ms(x['cpu_per_job'])} | {_ms(x['receptor_cpu_per_job'])} |")
    out += ["", f"Ours / reference through the mesh: {ours['jobs_per_min'] / ref['jobs_per_min']:.2f}× "
            f"the jobs per minute, {ref['cpu_per_job'] / ours['cpu_per_job']:.2f}× less CPU per job."]
    return out

"""Entry point: bench/run.sh [--quick] [--cases ...] [--ref PATH] [--py-ref PY] [--py-ours PY] [OURS]

Runs the cases of cases.py (the CLI) and python_cases.py (the Python API, case ``python``), ours
against the reference, and writes bench/RESULTS.md (full run) or bench/out/RESULTS-quick.md
(--quick). A command that fails or produces a wrong result is reported (and the run exits 1); a
timing never fails the run. A run of the Python cases alone replaces only the Python API
section of an existing results file; a run without them keeps that section. The same holds for
the cases with a section of their own (SECTION_CASES: ``container``, the fixed cost of a job in a
podman container; ``many_jobs``, many short jobs through ``worker`` as an execution node runs them;
``plugin``, what the callback plugin costs ansible-playbook).
"""

import argparse
import dataclasses
import json
import os
import shlex
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cases   # noqa: E402
import container_case  # noqa: E402
import harness  # noqa: E402
import many_jobs_case  # noqa: E402
import plugin_case  # noqa: E402
import python_cases  # noqa: E402
import report  # noqa: E402
import sections  # noqa: E402
import sysinfo  # noqa: E402

# Cases whose results are a section of RESULTS.md of their own (sections.py): name -> module
# with run(ctx) -> data and section(data, command, when, elapsed) -> Markdown.
SECTION_CASES = {"container": container_case, "many_jobs": many_jobs_case, "plugin": plugin_case}
CASES = {**cases.CASES, **{name: m.run for name, m in SECTION_CASES.items()},
         "python": python_cases.python_api}

METHOD = """
* Each case runs the two implementations in turn, A B A B, for several rounds (start-up: 20
  rounds after one warm-up round; transmit and worker: 3; process: 3; end to end: 2), so that
  background load (other builds on this shared machine) hits both sides alike. Medians are
  reported.
* Wall time: `time.perf_counter()` from `posix_spawn` until the child can be waited for.
  Commands run under GNU `/usr/bin/time`, whose `%M` (the command's `ru_maxrss`) is the peak
  RSS: our own wait4 would not do, because a child of the (Python) harness inherits the
  harness's RSS high-water mark at exec. CPU (user+sys) is `os.wait4` on the wrapper. Both
  include descendants the command reaped (only the worker has one here: `/bin/true`). The
  wrapper's fork+exec is part of the wall time: see "spawn floor" above.
* Start-up: `--version` and `worker --worker-info`, output to a file (checked), spawned
  directly: the wrapper's fork+exec (about 1 ms) would be a third of our time and measure the
  harness, not the runner. Their peak RSS comes from one more run of each under the wrapper.
* Transmit: `transmit <pdd> -p main.yml -b /bin/true --ident bench`, output to /dev/null.
  Each side's stream is first recorded once and checked (framing, payload length, zip file count
  and byte total equal to the directory's). MB/s = bytes of the regular files in the directory /
  wall time (MB = 10^6 bytes).
* Worker unpack: `worker --private-data-dir <fresh dir>` fed the reference's recorded stream
  (the same bytes for both). The kwargs carry `binary: /bin/true`, so the job itself is
  `/bin/true`: the timed run is read + unpack + job setup + a pty run of /bin/true + zip of the
  artifacts + result stream (to a file; the stream and the unpacked tree are checked). The
  "empty pdd" row is the same job with nothing to unpack; the net table subtracts it.
* Process: `process <pdd> --ident bench` fed a synthetic result stream in the exact wire format
  (worker_stream.py: shapes copied from a real reference run: `starting`/`running` statuses,
  ~1.1 KB command-task events over 10 hosts with 1% verbose lines, stats, final status,
  artifacts zip, eof). Event text goes to /dev/null; each event is written to
  `job_events/` (the CLI has no event handler); the file count is checked.
* End to end: `run <pdd> -p <playbook>` (output to /dev/null) and a bare
  `ansible-playbook -i <inventory> <playbook>` with the default callback (output to /dev/null).
  The runner process alone is measured: its CPU from `/proc/<pid>/stat` utime+stime (all
  threads, 10 ms ticks) or, for a process that never had more than one thread, the exact
  `/proc/<pid>/schedstat` run time, both read while it is a zombie (children excluded); its peak
  RSS is the highest `VmHWM` sampled every 20 ms from `/proc/<pid>/status` (a high-water
  mark, so only growth in the last 20 ms could be missed). "Tree CPU" is the wait4 total of the
  runner and everything under it (ansible-playbook and its forks): over bare it also counts
  the callback plugin's cost inside Ansible. Events = `job_events/*.json` files written.
"""


def default_work():
    """Scratch space on tmpfs when there is one: on a disk mounted with ``discard`` every
    unlink waits for the device, and removing 100,000 event files between rounds takes many
    minutes. The measured writes land in the page cache either way."""
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK):
        return os.path.join(shm, f"ansible-runner-bench-{os.getuid()}")
    return os.path.join(HERE, "out", "work")


def _python_only(results, rows, errors, py_info):
    """The results file after a run of the Python cases alone: the existing file with its
    Python API section replaced, or a file with only that section."""
    block = "\n".join(report.python_section(rows, py_info, errors))
    if os.path.exists(results):
        with open(results) as f:
            return report.splice_python(f.read(), block)
    return report.render_python_only(rows, errors, py_info)


def _keep_python(results, text):
    """A run without the Python cases keeps the Python API section of the existing file."""
    if os.path.exists(results):
        with open(results) as f:
            block = report.python_block(f.read())
        if block:
            return report.splice_python(text, block)
    return text


def _existing(results):
    if os.path.exists(results):
        with open(results) as f:
            return f.read()
    return "# Benchmark results\n"


def _own_sections(results, text, data, command, when, elapsed):
    """``text`` with the section of each SECTION_CASES case: this run's (data[name] from its
    run()), or the existing file's when the case did not run."""
    for name, module in SECTION_CASES.items():
        if data.get(name) is not None:
            new = module.section(data[name], command, when, elapsed)
        else:
            new = sections.block(_existing(results), name)
            if new is None:
                continue
        text = sections.splice(text, name, new, before=report.PY_BEGIN)
    return text


def render_only(raw, results):
    with open(raw) as f:
        d = json.load(f)

    def summ(x):
        return harness.Summary(**x)
    rows = [cases.Row(**{**r, "ref": summ(r["ref"]), "ours": summ(r["ours"])})
            for r in d["rows"]]
    e2e_rows = [cases.E2ERow(**{**r, "bare": summ(r["bare"]), "ref": summ(r["ref"]),
                                "ours": summ(r["ours"])}) for r in d["e2e"]]
    errors = [tuple(e) for e in d["errors"]]
    if any(not report.is_python(r) for r in rows) or e2e_rows:
        text = report.render(d["machine"], rows, e2e_rows, d["command"], d["elapsed"], METHOD,
                             d["quick"], errors, d.get("when"), d.get("py_info"))
    else:
        text = _python_only(results, rows, errors, d["py_info"])
    for name, module in SECTION_CASES.items():
        if (d.get("sections") or {}).get(name) is not None:
            text = sections.splice(text, name, module.section(
                d["sections"][name], d["command"], d.get("when"), d["elapsed"]), before=report.PY_BEGIN)
    with open(results, "w") as f:
        f.write(text)
    print(f"wrote {results}", file=sys.stderr)
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__.splitlines()[0])
    p.add_argument("ours", nargs="?", default=os.path.join(HERE, "..", "build", "ansible-runner"),
                   help="our binary (default build/ansible-runner)")
    p.add_argument("--ref", default="/usr/bin/ansible-runner", help="the reference")
    p.add_argument("--quick", action="store_true", help="small sizes, 1 round: a smoke run")
    p.add_argument("--cases", default=",".join(CASES),
                   help=f"comma-separated subset of {','.join(CASES)}")
    p.add_argument("--py-ref", metavar="PYTHON", help="Python of the reference package for the "
                   "python cases (default build/py/venv-ref/bin/python, else /usr/bin/python3 "
                   "with Debian's python3-ansible-runner)")
    p.add_argument("--py-ours", metavar="PYTHON[:PYTHONPATH]", help="Python of our package "
                   "(default build/py/venv-ours/bin/python if our package is installed there, "
                   "else /usr/bin/python3:<repo>/python, the source tree with build/py-dev's "
                   "module)")
    p.add_argument("--out", default=os.path.join(HERE, "out"),
                   help="where generated inputs are cached (default bench/out, git-ignored)")
    p.add_argument("--work", default=default_work(),
                   help="scratch dir for everything the measured commands write "
                   "(default: on tmpfs /dev/shm if available, else bench/out/work)")
    p.add_argument("--results", help="where to write the Markdown "
                   "(default bench/RESULTS.md, or bench/out/RESULTS-quick.md with --quick)")
    p.add_argument("--render", metavar="RESULTS_JSON",
                   help="only re-render the Markdown from the raw results of an earlier run "
                   "(bench/out/results.json)")
    args = p.parse_args(argv)
    if args.render:
        return render_only(args.render, args.results or os.path.join(HERE, "RESULTS.md"))

    ours = os.path.abspath(args.ours)
    results = args.results or (os.path.join(args.out, "RESULTS-quick.md") if args.quick
                               else os.path.join(HERE, "RESULTS.md"))
    selected = [c.strip() for c in args.cases.split(",") if c.strip()]
    for c in selected:
        if c not in CASES:
            p.error(f"unknown case {c!r}; known: {', '.join(CASES)}")
    cli = [c for c in selected if c in cases.CASES or c in SECTION_CASES]
    if cli and not os.access(ours, os.X_OK):
        p.error(f"{ours}: not an executable (build it first: make build)")
    py_sides = None
    if "python" in selected:
        try:
            py_sides = python_cases.find_sides(args.py_ref, args.py_ours)
        except ValueError as e:
            if args.cases != p.get_default("cases"):
                p.error(str(e))
            # The default run goes on without them (no package built yet: scripts/python-venvs.sh).
            print(f"skipping the python cases: {e}", file=sys.stderr)
            selected.remove("python")

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    if not os.access(harness.TIME, os.X_OK):
        p.error(f"{harness.TIME} is needed for clean peak-RSS figures: apt-get install time")
    sizes = cases.QUICK if args.quick else cases.FULL
    work = os.path.abspath(args.work)
    marker = os.path.join(work, ".bench-scratch")
    if os.path.lexists(work):
        if os.listdir(work) and not os.path.exists(marker):
            p.error(f"--work {work}: exists, is not empty and was not made by the benchmark")
        shutil.rmtree(work)
    os.makedirs(work)
    open(marker, "w").close()
    ctx = cases.Context(ours, args.ref, os.path.abspath(args.out), work, sizes, log,
                        quick=args.quick, py_sides=py_sides)
    loadavg = lambda: " ".join(f"{x:.2f}" for x in os.getloadavg())  # noqa: E731
    machine = sysinfo.describe(ours if cli else None, args.ref if cli else None)
    machine["Scratch dir (outputs of the measured commands)"] = work
    machine["Spawn floor (`/bin/true` as measured)"] = (
        f"{harness.spawn_floor() * 1000:.1f} ms under `/usr/bin/time`, "
        f"{harness.spawn_floor(wrap=False) * 1000:.1f} ms spawned directly (start-up)")
    py_machine = None
    if py_sides:
        py_machine = {k: v for k, v in machine.items() if not k.startswith(("Reference", "Ours",
                                                                             "Load", "Python"))}
        py_machine["Source"] = f"`{sysinfo._git_commit(os.path.dirname(HERE))}`"
        py_machine["Python"] = python_cases.python_version(py_sides[0])
        for side in py_sides:
            py_machine["Reference package" if side.label == "ref" else "Our package"] = \
                side.describe()
    for k, v in {**machine, **(py_machine or {})}.items():
        log(f"{k}: {v}")
    t0 = time.time()
    rows, e2e_rows = [], []
    own = {}
    py_t0 = py_elapsed = None
    for c in selected:
        log(f"== {c}")
        if c == "python":
            py_t0, py_load0 = time.time(), loadavg()
        got = CASES[c](ctx)
        if c in SECTION_CASES:
            own[c], got = got, []
        if c == "python":
            py_elapsed = time.time() - py_t0
            py_machine["Load average at start / end"] = f"{py_load0} / {loadavg()}"
        (e2e_rows if c == "e2e" else rows).extend(got)
    elapsed = time.time() - t0
    machine["Load average at end"] = loadavg()
    command = "bench/run.sh " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    when = report.now()
    py_info = None
    if py_sides:
        py_info = {"command": command.strip(), "when": when, "elapsed": py_elapsed,
                   "quick": args.quick, "machine": py_machine}
    if [c for c in cli if c not in SECTION_CASES]:
        text = report.render(machine, rows, e2e_rows, command.strip(), elapsed, METHOD,
                             args.quick, ctx.errors, when, py_info)
        if not py_sides:
            text = _keep_python(results, text)
    elif py_sides:
        text = _python_only(results, rows, ctx.errors, py_info)
    else:
        text = _existing(results)
    text = _own_sections(results, text, own, command.strip(), when, elapsed)
    raw = os.path.join(args.out, "results-quick.json" if args.quick else "results.json")
    os.makedirs(args.out, exist_ok=True)
    with open(raw, "w") as f:
        json.dump({"command": command.strip(), "elapsed": elapsed, "quick": args.quick,
                   "when": when,
                   "machine": machine, "errors": ctx.errors, "py_info": py_info,
                   "sections": own,
                   "rows": [dataclasses.asdict(r) for r in rows],
                   "e2e": [dataclasses.asdict(r) for r in e2e_rows]}, f, indent=1)
    os.makedirs(os.path.dirname(os.path.abspath(results)), exist_ok=True)
    with open(results, "w") as f:
        f.write(text)
    shutil.rmtree(work, ignore_errors=True)
    log(f"wrote {results} ({elapsed / 60:.1f} min)")
    print(text)
    return 1 if ctx.errors else 0


if __name__ == "__main__":
    sys.exit(main())

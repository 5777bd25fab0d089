"""The Python API cases: the reference package and ours, each in its own interpreter, in process.

Every measurement is one run of ``py_driver.py`` under one side's Python (a subprocess, under
``/usr/bin/time`` like the CLI cases), interleaved ref / ours. The driver imports
``ansible_runner`` untimed, then times the one API call itself (wall and user+sys CPU of the
process, all threads) and reports it; the harness adds the driver's peak RSS (``%M``).

* process: ``run(streamer='process', _input=<recorded result stream, binary file>,
  private_data_dir=<fresh empty dir>, quiet=True)`` on the synthetic stream of cases.py /
  worker_stream.py; with no handler, ``event_handler=lambda e: True`` and ``lambda e: False``.
  Checked: status ``successful`` and the same status and rc on both sides, the artifacts zip
  unpacked, and ``artifacts/job_events/`` holding N files (none with the False handler).
* transmit: ``run(streamer='transmit', _output=<binary file>, private_data_dir=<pdd>,
  playbook='main.yml')`` of the 2 MB project and the 20,000 small files of inputs.py. Checked:
  kwargs line, zipfile line and payload (file count and bytes equal to the pdd's), eof.
  MB/s = bytes of the regular files in the pdd / call wall.
* import: ``python -c 'import ansible_runner'`` minus ``python -c pass`` of the same Python and
  environment, all four interleaved; the process wall times (spawn .. exit) are used.
"""

import dataclasses
import json
import os
import subprocess
import time

import cases
import harness
import inputs
import streams

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DRIVER = os.path.join(HERE, "py_driver.py")
MB = 1_000_000
GROUP = "python"      # report.py renders the rows of groups starting with this apart


@dataclasses.dataclass
class PySizes:
    events: int
    process_rounds: int
    many_files: int
    project_mb: float
    transmit_rounds: int
    import_rounds: int


FULL = PySizes(events=100_000, process_rounds=3, many_files=20_000, project_mb=2,
               transmit_rounds=5, import_rounds=20)
QUICK = PySizes(events=2_000, process_rounds=1, many_files=500, project_mb=2,
                transmit_rounds=1, import_rounds=3)


@dataclasses.dataclass
class PySide:
    """One side: the interpreter, the environment it runs in, and what it imports."""

    label: str
    python: str
    env: dict
    package: str = None       # directory of the ansible_runner it imports
    native: str = None        # ansible_runner._native's file (ours only)
    build: str = None         # where that module comes from

    def describe(self):
        pp = self.env.get("PYTHONPATH")
        text = f"`{self.python}`" + (f" with PYTHONPATH={pp}" if pp else "")
        text += f": {self.package}"
        if self.native:
            text += f" (native module {self.build})"
        return text


_PROBE = ("import json, os, sys, ansible_runner\n"
          "native = None\n"
          "try:\n"
          "    import ansible_runner._native as n\n"
          "    native = n.__file__\n"
          "except ImportError:\n"
          "    pass\n"
          "print(json.dumps({'package': os.path.dirname(os.path.abspath(ansible_runner.__file__)),"
          " 'native': native}))\n")


def _probe(python, env):
    try:
        out = subprocess.run([python, "-c", _PROBE], env=env, capture_output=True, text=True,
                             timeout=120, cwd="/")
    except OSError as e:
        return None, str(e)
    if out.returncode != 0:
        return None, (out.stderr.strip().splitlines() or ["?"])[-1]
    return json.loads(out.stdout), None


def _native_build(native):
    """Build type of a native module from the CMakeCache.txt next to it (a dev build)."""
    real = os.path.realpath(native)
    built = time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(os.path.getmtime(real)))
    cache = os.path.join(os.path.dirname(real), "CMakeCache.txt")
    try:
        with open(cache) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    return f"{real}, {line.split('=', 1)[1].strip() or '?'} build of {built}"
    except OSError:
        pass
    return f"{real}, installed {built}"


def _base_env():
    env = dict(os.environ)
    for k in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE"):
        env.pop(k, None)
    return env


def find_sides(py_ref=None, py_ours=None):
    """The two sides. Default reference: build/py/venv-ref, else Debian's python3 (its
    python3-ansible-runner). Default ours: build/py/venv-ours when our package is installed in
    it, else Debian's python3 with PYTHONPATH=<repo>/python (the source tree and the module of
    build/py-dev). ``py_ours`` may be ``PYTHON`` or ``PYTHON:PYTHONPATH``. Raises ValueError
    when a side does not import the package it should (ours without _native, or the other
    way round)."""
    venv = os.path.join(REPO, "build", "py")
    sides = []
    for label, given, defaults in (
            ("ref", py_ref, [(os.path.join(venv, "venv-ref", "bin", "python"), None),
                             ("/usr/bin/python3", None)]),
            ("ours", py_ours, [(os.path.join(venv, "venv-ours", "bin", "python"), None),
                               ("/usr/bin/python3", os.path.join(REPO, "python"))])):
        if given:
            python, _, path = given.partition(":")
            candidates = [(python, path or None)]
        else:
            candidates = [c for c in defaults if os.access(c[0], os.X_OK)]
        problems = []
        for python, path in candidates:
            env = _base_env()
            if path:
                env["PYTHONPATH"] = path
            info, err = _probe(python, env)
            if info is None:
                problems.append(f"{python}: {err}")
                continue
            if (label == "ours") != bool(info["native"]):
                problems.append(f"{python}{' PYTHONPATH=' + path if path else ''} imports "
                                f"{info['package']}, which is "
                                f"{'ours' if info['native'] else 'not ours'}")
                continue
            side = PySide(label, python, env, info["package"], info["native"])
            if side.native:
                side.build = _native_build(side.native)
            sides.append(side)
            break
        else:
            raise ValueError(f"no Python for the {label} side: " + "; ".join(problems))
    return sides


def python_version(side):
    out = subprocess.run([side.python, "--version"], capture_output=True, text=True,
                         env=side.env)
    return (out.stdout or out.stderr).strip()


def sizes(ctx):
    return QUICK if ctx.quick else FULL


# The driver and its figures ----------------------------------------------------------------

class _Driven:
    """A Variant running py_driver.py, and the driver's reports of each run."""

    def __init__(self, ctx, side, name, spec, check, setup=None):
        self.reports = []
        self.side = side
        key = f"py-{name}-{side.label}"
        spec_path = ctx.path(key + ".spec.json")
        self.result_path = ctx.path(key + ".result.json")
        with open(spec_path, "w") as f:
            json.dump(spec, f)

        def do_setup():
            if os.path.exists(self.result_path):
                os.unlink(self.result_path)
            if setup:
                setup()

        def do_check(sample):
            with open(self.result_path) as f:
                rep = json.load(f)
            if rep["native"] != (side.label == "ours"):
                raise harness.CommandFailed(f"{side.label}: the driver imported {rep['package']}")
            check(rep)
            self.reports.append(rep)

        self.variant = harness.Variant(
            side.label, [side.python, DRIVER, spec_path, self.result_path], env=side.env,
            cwd=ctx.work, stderr=ctx.path(key + ".err"), setup=do_setup, check=do_check)


def _summary(samples, reports):
    """Summary of the driver-timed call: wall/CPU of the call, peak RSS of the driver."""
    walls = [r["wall"] for r in reports]
    return harness.Summary(n=len(reports), wall=harness.median(walls), wall_min=min(walls),
                           wall_max=max(walls), cpu=harness.median(r["cpu"] for r in reports),
                           maxrss_kb=max(s.maxrss_kb for s in samples))


def _extra(res, driven):
    out = {}
    for d in driven:
        lab = d.side.label
        out[f"process_wall_{lab}"] = harness.median(s.wall for s in res[lab])
        out[f"rss_import_{lab}"] = max(r["maxrss_before_kb"] for r in d.reports)
    return out


def _run_driven(ctx, name, driven, rounds, warmup=0):
    res = ctx.run(name, [d.variant for d in driven], rounds, warmup=warmup)
    for d in driven:
        lab = d.side.label
        d.reports = d.reports[-len(res[lab]):] if res[lab] else []
    return res


# 1 and 2. process ----------------------------------------------------------------------------

def _time_process(ctx, n, handler, label):
    stream = cases.result_stream(ctx, n)
    expect = 0 if handler == "false" else n
    driven = []
    for side in ctx.py_sides:
        pdd = ctx.path(f"py-process-{side.label}")

        def check(rep, pdd=pdd):
            art = os.path.join(pdd, "artifacts")
            got = len(os.listdir(os.path.join(art, "job_events")))
            if got != expect:
                raise harness.CommandFailed(f"{pdd}: {got} job_events files, expected {expect}")
            with open(os.path.join(art, "status")) as f:   # from the unpacked artifacts zip
                unpacked = f.read()
            if rep["status"] != "successful" or unpacked != "successful":
                raise harness.CommandFailed(f"{pdd}: status {rep['status']!r}, "
                                            f"artifacts/status {unpacked!r}")
        driven.append(_Driven(ctx, side, f"process-{handler}",
                              {"mode": "process", "input": stream, "pdd": pdd,
                               "handler": None if handler == "none" else handler},
                              check, setup=lambda pdd=pdd: cases._rmtree(pdd)))
    try:
        res = _run_driven(ctx, f"python process {n} events, {label}", driven,
                          sizes(ctx).process_rounds)
    finally:
        for side in ctx.py_sides:
            cases._rmtree(ctx.path(f"py-process-{side.label}"))
    ref, ours = driven
    outcome = {d.side.label: sorted({(r["status"], r["rc"]) for r in d.reports}, key=str)
               for d in driven}
    if outcome["ref"] != outcome["ours"]:
        # A wrong result, but the timing stands (the job's work was the same): reported with it.
        msg = (f"status/rc of the Processor differ: reference {outcome['ref']}, "
               f"ours {outcome['ours']}")
        ctx.log(f"WRONG python process {label}: {msg}")
        ctx.errors.append((f"python process {label}", msg))
    target = 10 if handler == "none" else 3
    return cases.Row(GROUP + ": process", f"{n:,} events, {label}", "rate", "events", n,
                     _summary(res["ref"], ref.reports), _summary(res["ours"], ours.reports),
                     target=target, extra=dict(_extra(res, driven), status_rc=outcome,
                                               job_events=expect))


def process(ctx):
    n = sizes(ctx).events
    rows = []
    for handler, label in (("none", "no handler"),
                           ("true", "event_handler returns True"),
                           ("false", "event_handler returns False")):
        row = ctx.attempt(f"python process {label}",
                          lambda h=handler, lab=label: _time_process(ctx, n, h, lab))
        if row:
            rows.append(row)
    return rows


# 3. transmit ---------------------------------------------------------------------------------

def _time_transmit(ctx, name, pdd):
    nbytes, nfiles = inputs.tree_bytes(pdd)
    ctx.log(f"input {name}: {nfiles} files, {nbytes / MB:.1f} MB")
    driven = []
    for side in ctx.py_sides:
        out = ctx.path(f"py-transmit-{side.label}.stream")
        first = {}

        def check(rep, out=out, first=first):
            size = os.path.getsize(out)
            if "size" not in first:       # the first run's stream is checked whole
                kwargs, _, _ = streams.check_job_stream(out, expect_files=nfiles,
                                                        expect_bytes=nbytes)
                if kwargs.get("playbook") != "main.yml":
                    raise streams.StreamError(f"kwargs without playbook main.yml: {kwargs}")
                first["size"] = size
            elif size != first["size"]:   # the later ones must be the same bytes again
                raise streams.StreamError(f"stream of {size} bytes, first run {first['size']}")
            if inputs.tree_bytes(pdd) != (nbytes, nfiles):
                raise streams.StreamError(f"transmit changed {pdd}")
        driven.append(_Driven(ctx, side, "transmit",
                              {"mode": "transmit", "pdd": pdd, "output": out}, check))
    try:
        res = _run_driven(ctx, f"python transmit {name}", driven, sizes(ctx).transmit_rounds,
                          warmup=0 if ctx.quick else 1)
    finally:
        stream_mb = {}
        for side in ctx.py_sides:
            p = ctx.path(f"py-transmit-{side.label}.stream")
            if os.path.exists(p):
                stream_mb["stream_mb_" + side.label] = os.path.getsize(p) / MB
                os.unlink(p)
    ref, ours = driven
    return cases.Row(GROUP + ": transmit", name, "rate", "MB", nbytes / MB,
                     _summary(res["ref"], ref.reports), _summary(res["ours"], ours.reports),
                     target=5, extra=dict(_extra(res, driven), **stream_mb))


def transmit(ctx):
    s = sizes(ctx)
    rows = []
    for name, make in (
            (f"{s.project_mb:g} MB project",
             lambda: inputs.make_project(os.path.join(ctx.inputs, f"pdd-project-{s.project_mb:g}"),
                                         s.project_mb)),
            (f"{s.many_files:,} files of 1-4 KB",
             lambda: inputs.make_many(os.path.join(ctx.inputs, f"pdd-many-{s.many_files}"),
                                      s.many_files))):
        row = ctx.attempt(f"python transmit {name}", lambda: _time_transmit(ctx, name, make()))
        if row:
            rows.append(row)
    return rows


# 4. import -----------------------------------------------------------------------------------

def _module_count(side):
    out = subprocess.run([side.python, "-c", "import sys; n = set(sys.modules); "
                          "import ansible_runner; print(len(set(sys.modules) - n))"],
                         env=side.env, capture_output=True, text=True, timeout=120, cwd="/")
    return int(out.stdout) if out.returncode == 0 else None


def _time_import(ctx):
    variants = []
    for side in ctx.py_sides:
        for what, code in (("bare", "pass"), ("import", "import ansible_runner")):
            variants.append(harness.Variant(f"{what}-{side.label}", [side.python, "-c", code],
                                            env=side.env, cwd="/",
                                            stderr=ctx.path(f"py-{what}-{side.label}.err")))
    res = ctx.run("python import", variants, sizes(ctx).import_rounds, warmup=1)

    def net(label):
        bare = res["bare-" + label]
        imp = res["import-" + label]
        bw = harness.median(s.wall for s in bare)
        bc = harness.median(s.cpu for s in bare)
        walls = [s.wall - bw for s in imp]
        return harness.Summary(n=len(imp), wall=harness.median(walls), wall_min=min(walls),
                               wall_max=max(walls),
                               cpu=harness.median(s.cpu for s in imp) - bc,
                               maxrss_kb=max(s.maxrss_kb for s in imp))
    extra = {}
    for side in ctx.py_sides:
        extra[f"bare_wall_{side.label}"] = harness.median(s.wall for s in res["bare-" + side.label])
        extra[f"modules_{side.label}"] = _module_count(side)
    return cases.Row(GROUP + ": import", "import ansible_runner (net of `python -c pass`)",
                     "time", None, None, net("ref"), net("ours"), target=1, extra=extra)


def imports(ctx):
    row = ctx.attempt("python import", lambda: _time_import(ctx))
    return [row] if row else []


def python_api(ctx):
    if not ctx.py_sides:
        raise ValueError("no Python sides")
    return imports(ctx) + process(ctx) + transmit(ctx)

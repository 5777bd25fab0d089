"""The benchmark cases. Each case runs the reference and ours interleaved and returns Rows.

What is timed, exactly (wall = spawn .. exit of the measured process):
* start-up: ``--version`` and ``worker --worker-info``, stdout to a file, checked.
* transmit: ``transmit <pdd> -p main.yml -b /bin/true --ident bench`` with stdout to
  /dev/null. Before timing, each side records its stream once to a file and the stream is
  checked (framing, payload length, zip file count and total size equal to the pdd's).
  MB/s = bytes of the regular files in the pdd / wall.
* worker unpack: ``worker --private-data-dir <fresh dir>`` fed the *reference's* recorded
  stream (same input for both sides). The kwargs carry ``binary: /bin/true``, so the job is
  ``/bin/true -i <pdd>/inventory``: the run reads the stream, unpacks, sets up the job, runs
  /bin/true under a pty, zips its artifacts and writes the result stream (to a file, checked,
  along with the unpacked tree). The same job with an empty pdd is timed too (fixed cost);
  "net" MB/s = bytes / (wall - median fixed cost of that side).
* process: ``process <pdd> --ident bench`` fed a synthetic result stream of N events
  (worker_stream.py); event text printed to /dev/null, ``job_events/*.json`` written (the CLI has
  no event handler, so every event is kept), artifacts unpacked. Checked: N event files.
* end to end: ``run <pdd> -p <playbook> --ident <x>`` (output to /dev/null) next to a bare
  ``ansible-playbook -i <inventory> <playbook>`` (default callback, output to /dev/null).
  The runner process alone is measured (harness.py: self CPU from /proc/<pid>/stat and
  schedstat of the zombie, peak RSS = sampled VmHWM); the tree total comes from wait4.
"""

import dataclasses
import hashlib
import os
import shutil
import statistics
import subprocess

import harness
import inputs
import streams
import worker_stream

MB = 1_000_000


@dataclasses.dataclass
class Row:
    group: str
    name: str
    kind: str                  # "time" (lower is better), "rate" (work / wall)
    unit: str                  # unit of the work for rates ("MB", "events")
    work: float                # bytes/1e6 or events for rates, None for "time"
    ref: harness.Summary
    ours: harness.Summary
    target: float = None       # required speed-up (ref time / ours time)
    rss_target: float = None   # required RSS ratio (ref / ours)
    note: str = ""
    extra: dict = dataclasses.field(default_factory=dict)

    @property
    def speedup(self):
        return self.ref.wall / self.ours.wall if self.ours.wall else None

    @property
    def rss_ratio(self):
        return self.ref.maxrss_kb / self.ours.maxrss_kb if self.ours.maxrss_kb else None


@dataclasses.dataclass
class Sizes:
    startup_rounds: int
    big_mb: int
    text_mb: int
    many_files: int
    project_mb: float
    stream_rounds: int
    events_large: int
    events_small: int
    process_rounds: int
    loop_items: int
    n_hosts: int
    forks: int
    e2e_rounds: int
    warmup: int


FULL = Sizes(startup_rounds=20, big_mb=200, text_mb=50, many_files=20000, project_mb=2, stream_rounds=3,
             events_large=100_000, events_small=10_000, process_rounds=3,
             loop_items=2000, n_hosts=300, forks=25, e2e_rounds=2, warmup=1)
QUICK = Sizes(startup_rounds=1, big_mb=10, text_mb=5, many_files=500, project_mb=2, stream_rounds=1,
              events_large=5_000, events_small=500, process_rounds=1,
              loop_items=50, n_hosts=10, forks=5, e2e_rounds=1, warmup=0)


class Context:
    def __init__(self, ours, ref, out, work, sizes, log, timeout=1800, quick=False,
                 py_sides=None):
        """``out/inputs`` caches the generated inputs; ``work`` holds everything the measured
        commands write (recorded streams, unpacked dirs, artifacts) and is emptied per run.
        ``py_sides``: the two Pythons of the Python API cases (python_cases.PySide)."""
        self.quick = quick
        self.py_sides = py_sides
        self.ours = ours
        self.ref = ref
        self.out = out
        self.sizes = sizes
        self.log = log
        self.timeout = timeout
        self.errors = []          # (what, message) of the sub-cases that failed
        self.inputs = os.path.join(out, "inputs")
        self.work = work
        os.makedirs(self.inputs, exist_ok=True)
        os.makedirs(self.work, exist_ok=True)

    def binaries(self):
        return (("ref", self.ref), ("ours", self.ours))

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def attempt(self, what, fn):
        """Run one sub-case; on a failed command or a wrong result record it and go on."""
        try:
            return fn()
        except (harness.CommandFailed, streams.StreamError, OSError, ValueError) as e:
            msg = str(e).strip()
            self.log(f"FAILED {what}: {msg}")
            self.errors.append((what, msg))
            return None

    def run(self, name, variants, rounds, warmup=0):
        def progress(label, r, s):
            extra = ""
            if s.self_cpu is not None:
                extra = f" self_cpu={s.self_cpu:.3f}s self_rss={s.self_hwm_kb}KB"
            self.log(f"  {name} {label} {'warm-up' if r < 0 else 'round ' + str(r + 1)}: "
                     f"wall={s.wall:.3f}s cpu={s.cpu:.3f}s rss={s.maxrss_kb}KB{extra}")
        return harness.interleave(variants, rounds, warmup=warmup, timeout=self.timeout,
                                  progress=progress)


def _rmtree(path):
    if os.path.lexists(path):
        shutil.rmtree(path)


def _expect_output(path, needle):
    def check(_sample):
        with open(path, errors="replace") as f:
            text = f.read()
        if needle not in text:
            raise harness.CommandFailed(f"{path}: expected {needle!r} in output, got {text[:200]!r}")
    return check


# 1. start-up ---------------------------------------------------------------------------------

def startup(ctx):
    rows = []
    for name, args, needle in (("--version", ["--version"], "2.3.1"),
                               ("worker --worker-info", ["worker", "--worker-info"],
                                "runner_version")):
        def one(name=name, args=args, needle=needle):
            variants = []
            for label, binary in ctx.binaries():
                out = ctx.path(f"startup-{label}.out")
                variants.append(harness.Variant(label, [binary] + args, stdout=out, wrap=False,
                                                check=_expect_output(out, needle)))
            res = ctx.run(name, variants, ctx.sizes.startup_rounds, warmup=1)
            summaries = {label: harness.summarise(res[label]) for label in res}
            for v in variants:  # the peak RSS needs the wrapper: one run each, not timed
                summaries[v.label].maxrss_kb = harness.measure(dataclasses.replace(v, wrap=True)).maxrss_kb
            rows.append(Row("start-up", name, "time", None, None, summaries["ref"], summaries["ours"],
                            target=60))
        ctx.attempt(f"start-up {name}", one)
    return rows


# 2 and 3. transmit and worker unpack -------------------------------------------------------

def _stream_inputs(ctx):
    s = ctx.sizes
    return [
        ("empty", lambda: inputs.make_empty(os.path.join(ctx.inputs, "pdd-empty"))),
        # One directory per size, so that quick and full runs do not regenerate each other's.
        (f"1 file of {s.big_mb} MB (random)",
         lambda: inputs.make_big(os.path.join(ctx.inputs, f"pdd-big-{s.big_mb}"), s.big_mb)),
        (f"1 text file of {s.text_mb} MB",
         lambda: inputs.make_big_text(os.path.join(ctx.inputs, f"pdd-text-{s.text_mb}"), s.text_mb)),
        (f"{s.many_files:,} files of 1-4 KB",
         lambda: inputs.make_many(os.path.join(ctx.inputs, f"pdd-many-{s.many_files}"),
                                  s.many_files)),
        (f"{s.project_mb:g} MB project",
         lambda: inputs.make_project(os.path.join(ctx.inputs, f"pdd-project-{s.project_mb:g}"),
                                     s.project_mb)),
    ]


def _transmit_argv(binary, pdd):
    return [binary, "transmit", pdd, "-p", "main.yml", "-b", "/bin/true", "--ident", "bench"]


def _record(ctx, label, binary, pdd, path):
    """Record one transmit stream of pdd and check it against the directory."""
    harness.measure(harness.Variant(f"record {label}", _transmit_argv(binary, pdd),
                                    stdout=path, stderr=path + ".err"), timeout=ctx.timeout)
    nbytes, nfiles = inputs.tree_bytes(pdd)    # after transmit: it may add env files
    kwargs, _, _ = streams.check_job_stream(path, expect_files=nfiles, expect_bytes=nbytes)
    if kwargs.get("binary") != "/bin/true":
        raise streams.StreamError(f"{label}: kwargs without binary /bin/true: {kwargs}")
    return path


def _time_transmit(ctx, name, pdd, nbytes, stream_mb, ours_stream_mb):
    variants = [harness.Variant(label, _transmit_argv(binary, pdd),
                                stderr=ctx.path(f"transmit-{label}.err"))
                for label, binary in ctx.binaries()]
    res = ctx.run(f"transmit {name}", variants, ctx.sizes.stream_rounds)
    return Row("transmit", name, "rate", "MB", nbytes / MB,
               harness.summarise(res["ref"]), harness.summarise(res["ours"]),
               target=8, rss_target=4, extra={"stream_mb": stream_mb, "stream_mb_ours": ours_stream_mb})


def _time_worker(ctx, name, pdd, nbytes, stream, fixed):
    variants = []
    want = inputs.tree_bytes(os.path.join(pdd, "project"))
    for label, binary in ctx.binaries():
        d = ctx.path(f"worker-{label}")
        out = ctx.path(f"worker-{label}.out")

        def check(_s, d=d, out=out):
            streams.check_result_stream(out)
            got = inputs.tree_bytes(os.path.join(d, "project"))
            if got != want:
                raise streams.StreamError(f"unpacked project (bytes, files) {got} != sent {want}")
        variants.append(harness.Variant(
            label, [binary, "worker", "--private-data-dir", d], stdin=stream, stdout=out,
            stderr=out + ".err", setup=lambda d=d: _rmtree(d), check=check))
    try:
        res = ctx.run(f"worker {name}", variants, ctx.sizes.stream_rounds)
    finally:
        for label, _ in ctx.binaries():
            _rmtree(ctx.path(f"worker-{label}"))
    ref, ours = harness.summarise(res["ref"]), harness.summarise(res["ours"])
    if name == "empty":
        fixed.update(ref=ref.wall, ours=ours.wall)
        return Row("worker unpack", "empty pdd (fixed cost of a job)", "time", None, None,
                   ref, ours, rss_target=4)
    return Row("worker unpack", name, "rate", "MB", nbytes / MB, ref, ours, target=8,
               rss_target=4, extra={"fixed_ref": fixed.get("ref"),
                                    "fixed_ours": fixed.get("ours")})


def transmit_and_unpack(ctx):
    rows = []
    fixed = {}
    for idx, (name, make) in enumerate(_stream_inputs(ctx)):
        pdd = make()
        nbytes, nfiles = inputs.tree_bytes(pdd)
        ctx.log(f"input {name}: {nfiles} files, {nbytes / MB:.1f} MB")
        stream = ctx.attempt(f"transmit {name}: reference stream",
                             lambda: _record(ctx, "ref", ctx.ref, pdd,
                                             ctx.path(f"job-{idx}-ref.stream")))
        if not stream:
            continue
        ours_path = ctx.path(f"job-{idx}-ours.stream")
        ours_ok = ctx.attempt(f"transmit {name}: our stream",
                              lambda: _record(ctx, "ours", ctx.ours, pdd, ours_path))
        ours_stream_mb = None
        if os.path.exists(ours_path):
            ours_stream_mb = os.path.getsize(ours_path) / MB
            os.unlink(ours_path)
        stream_mb = os.path.getsize(stream) / MB
        if ours_ok and name != "empty":
            row = ctx.attempt(f"transmit {name}",
                              lambda: _time_transmit(ctx, name, pdd, nbytes, stream_mb, ours_stream_mb))
            if row:
                rows.append(row)
        row = ctx.attempt(f"worker {name}",
                          lambda: _time_worker(ctx, name, pdd, nbytes, stream, fixed))
        if row:
            rows.append(row)
        os.unlink(stream)
    return rows


# 4. process --------------------------------------------------------------------------------

def result_stream(ctx, n):
    """The synthetic result stream of n events (worker_stream.py), cached in ctx.inputs and
    regenerated when the generator changes. Also the input of the Python API's process cases."""
    stream = os.path.join(ctx.inputs, f"result-{n}.stream")
    stamp = stream + ".stamp"
    with open(worker_stream.__file__, "rb") as f:
        version = hashlib.sha256(f.read()).hexdigest()[:16]
    current = None
    if os.path.exists(stamp) and os.path.exists(stream):
        with open(stamp) as f:
            current = f.read()
    if current != version:
        worker_stream.write_stream(stream, n)
        with open(stamp, "w") as f:
            f.write(version)
    return stream


def _time_process(ctx, n):
    stream = result_stream(ctx, n)
    size = os.path.getsize(stream)
    ctx.log(f"input result stream: {n} events, {size / MB:.1f} MB")
    variants = []
    for label, binary in ctx.binaries():
        pdd = ctx.path(f"process-{label}")

        def check(_s, pdd=pdd):
            art = os.path.join(pdd, "artifacts", worker_stream.IDENT)
            got = len(os.listdir(os.path.join(art, "job_events")))
            if got != n:
                raise harness.CommandFailed(f"{pdd}: {got} job_events files, expected {n}")
            if not os.path.exists(os.path.join(art, "rc")):
                raise harness.CommandFailed(f"{pdd}: artifacts not unpacked")
        variants.append(harness.Variant(
            label, [binary, "process", pdd, "--ident", worker_stream.IDENT],
            stdin=stream, stderr=pdd + ".err",
            setup=lambda pdd=pdd: _rmtree(pdd), check=check))
    try:
        res = ctx.run(f"process {n} events", variants, ctx.sizes.process_rounds)
    finally:
        for label, _ in ctx.binaries():
            _rmtree(ctx.path(f"process-{label}"))
    return Row("process", f"{n:,} events ({size / MB:.0f} MB)", "rate", "events", n,
               harness.summarise(res["ref"]), harness.summarise(res["ours"]),
               target=10, rss_target=4, extra={"stream_mb": size / MB})


def process(ctx):
    rows = []
    for n in (ctx.sizes.events_small, ctx.sizes.events_large):
        row = ctx.attempt(f"process {n} events", lambda n=n: _time_process(ctx, n))
        if row:
            rows.append(row)
    return rows


# 5. end to end -----------------------------------------------------------------------------

@dataclasses.dataclass
class E2ERow:
    name: str
    bare: harness.Summary
    ref: harness.Summary
    ours: harness.Summary
    events_ref: int
    events_ours: int
    floor: float = None   # seconds of a runner's own CPU per event at the least (event_floor)

    def per_event(self, side):
        s = getattr(self, side)
        n = getattr(self, "events_" + side)
        return s.self_cpu / n if n else None

    def overhead_per_event(self, side):
        s = getattr(self, side)
        n = getattr(self, "events_" + side)
        return (s.cpu - self.bare.cpu) / n if n else None


def _time_e2e(ctx, pdd, name, playbook, extra):
    s = ctx.sizes
    events = {}
    variants = [harness.Variant(
        "bare", ["ansible-playbook", "-i", os.path.join(pdd, "inventory", "hosts"), playbook]
        + (["-f", str(s.forks)] if extra else []),
        cwd=os.path.join(pdd, "project"), stderr=ctx.path("bare.err"))]
    for label, binary in ctx.binaries():
        ident = f"{label}-{playbook[:-4]}"
        art = os.path.join(pdd, "artifacts", ident)

        def check(_s, art=art, label=label):
            with open(os.path.join(art, "status")) as f:
                status = f.read().strip()
            if status != "successful":
                raise harness.CommandFailed(f"{art}: status {status}")
            events.setdefault(label, []).append(
                len(os.listdir(os.path.join(art, "job_events"))))
        variants.append(harness.Variant(
            label, [binary, "run", pdd, "-p", playbook, "--ident", ident] + extra,
            stderr=ctx.path(f"run-{label}.err"), self_only=True,
            setup=lambda art=art: _rmtree(art), check=check))
    try:
        res = ctx.run(f"e2e {playbook}", variants, s.e2e_rounds)
    finally:
        for label, _ in ctx.binaries():
            _rmtree(os.path.join(pdd, "artifacts", f"{label}-{playbook[:-4]}"))
    return E2ERow(name, harness.summarise(res["bare"]), harness.summarise(res["ref"]),
                  harness.summarise(res["ours"]), int(harness.median(events["ref"])),
                  int(harness.median(events["ours"])))


# The floor's frames: about the size of the plugin's frame of a debug item (base64 of the event
# and its text), spaced as ansible-playbook spaces a loop's items.
FLOOR_FRAME_BYTES, FLOOR_GAP_US, FLOOR_ROUNDS = 1700, 1500, 3


def event_floor(ctx, events):
    """Median CPU seconds per event of bench/event_floor.cpp (built here), or None without g++."""
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "event_floor.cpp")
    binary = ctx.path("event_floor")
    build = subprocess.run(["g++", "-O2", "-o", binary, source, "-lutil"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, check=False)
    if build.returncode != 0:
        ctx.log(f"event_floor not built: {build.stdout.decode(errors='replace')[:300]}")
        return None
    per_event = []
    for _ in range(FLOOR_ROUNDS):
        files = ctx.path("event-floor-files")
        _rmtree(files)
        os.makedirs(files)
        out = subprocess.run([binary, str(events), str(FLOOR_FRAME_BYTES), str(FLOOR_GAP_US), files],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, timeout=ctx.timeout)
        if out.returncode != 0:
            raise harness.CommandFailed(f"event_floor exited {out.returncode}: {out.stderr.decode(errors='replace')}")
        per_event.append(float(out.stdout))
        _rmtree(files)
    return statistics.median(per_event)


def end_to_end(ctx):
    s = ctx.sizes
    pdd = inputs.make_e2e(ctx.path("pdd-e2e"), s.loop_items, s.n_hosts)
    floor = ctx.attempt("e2e event floor", lambda: event_floor(ctx, s.loop_items))
    rows = []
    for name, playbook, extra in (
            (f"loop of {s.loop_items:,} items (debug, localhost)", "loop.yml", []),
            (f"{s.n_hosts} local hosts, forks {s.forks} (debug)", "hosts.yml",
             ["--forks", str(s.forks)])):
        row = ctx.attempt(f"e2e {name}", lambda: _time_e2e(ctx, pdd, name, playbook, extra))
        if row:
            row.floor = floor
            rows.append(row)
    return rows


CASES = {
    "startup": startup,
    "stream": transmit_and_unpack,
    "process": process,
    "e2e": end_to_end,
}

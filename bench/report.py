"""Render the results as Markdown (bench/RESULTS.md)."""

import datetime

FLAT_LIMIT = 1.2   # "flat": peak RSS at 10x the events at most 1.2x


def _ms(s):
    if s is None:
        return "?"
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def _mb(kb):
    return f"{kb / 1024:.1f} MB" if kb is not None else "?"


def _ratio(x):
    if x is None:
        return "?"
    return f"{x:.1f}×" if x < 100 else f"{x:.0f}×"


def _met(value, target):
    if value is None or target is None:
        return ""
    return "yes" if value >= target else "**no**"


def _rate(row, summary):
    r = row.work / summary.wall
    return f"{r:,.0f} {row.unit}/s" if r >= 100 else f"{r:,.1f} {row.unit}/s"


def _net_rate(row, side):
    fixed = row.extra.get("fixed_" + side)
    s = getattr(row, side)
    # Below a quarter of the fixed cost the difference is within the noise of the fixed cost.
    if fixed is None or s.wall - fixed < 0.25 * fixed:
        return None
    return row.work / (s.wall - fixed)


def _label(r):
    """A row's name in the tables; the Python section leaves out its common "python: "."""
    group = r.group[len("python: "):] if r.group.startswith("python: ") else r.group
    return f"{group}: {r.name}"


def speed_table(rows):
    out = ["| Case | Reference | Ours | Speed-up (wall) | Target | Met | CPU ratio (user+sys) |",
           "|---|---|---|---|---|---|---|"]
    for r in rows:
        if r.kind == "time":
            ref, ours = _ms(r.ref.wall), _ms(r.ours.wall)
        else:
            ref, ours = _rate(r, r.ref), _rate(r, r.ours)
        target = f"≥ {r.target:g}×" if r.target else "—"
        cpu = r.ref.cpu / r.ours.cpu if r.ours.cpu else None
        out.append(f"| {_label(r)} | {ref} | {ours} | {_ratio(r.speedup)} | {target} "
                   f"| {_met(r.speedup, r.target)} | {_ratio(cpu)} |")
    return out


def net_unpack_table(rows):
    out = ["| Case | Reference net | Ours net | Net speed-up |", "|---|---|---|---|"]
    for r in rows:
        if r.group != "worker unpack" or r.kind != "rate":
            continue
        a, b = _net_rate(r, "ref"), _net_rate(r, "ours")
        cell = lambda v: f"{v:,.1f} MB/s" if v else "n/a (in the noise)"
        out.append(f"| {r.name} | {cell(a)} | {cell(b)} | "
                   f"{_ratio(b / a) if a and b else 'n/a'} |")
    return out


STREAM_SIZE_LIMIT = 1.15  # ours may be at most this much larger than the reference's stream


def stream_size_table(rows):
    out = ["| Input | Reference stream | Our stream | Ours / reference | Limit | Met |",
           "|---|---|---|---|---|---|"]
    for r in rows:
        if r.group != "transmit" or not r.extra.get("stream_mb_ours"):
            continue
        ratio = r.extra["stream_mb_ours"] / r.extra["stream_mb"]
        out.append(f"| {r.name} | {r.extra['stream_mb']:.2f} MB | {r.extra['stream_mb_ours']:.2f} MB | "
                   f"{ratio:.3f} | ≤ {STREAM_SIZE_LIMIT} | {'yes' if ratio <= STREAM_SIZE_LIMIT else '**no**'} |")
    return out


def memory_table(rows):
    out = ["| Case | Reference peak RSS | Ours peak RSS | Ratio (ref/ours) | Target | Met |",
           "|---|---|---|---|---|---|"]
    for r in rows:
        if not r.rss_target:
            continue
        out.append(f"| {r.group}: {r.name} | {_mb(r.ref.maxrss_kb)} | {_mb(r.ours.maxrss_kb)} | "
                   f"{_ratio(r.rss_ratio)} | ≥ {r.rss_target:g}× | "
                   f"{_met(r.rss_ratio, r.rss_target)} |")
    return out


def flat_lines(rows):
    proc = [r for r in rows if r.group == "process"]
    if len(proc) < 2:
        return []
    small, large = proc[0], proc[-1]
    factor = large.work / small.work
    out = [f"Peak RSS of `process` as the events grow {factor:g}× "
           f"({small.work:,} → {large.work:,}); flat means at most {FLAT_LIMIT}× "
           "(the target is ours; the reference is shown for comparison):", ""]
    for side, name in (("ref", "Reference"), ("ours", "Ours")):
        a, b = getattr(small, side).maxrss_kb, getattr(large, side).maxrss_kb
        g = b / a if a else None
        flag = ("flat" if g <= FLAT_LIMIT else "**grows**") if g else "?"
        out.append(f"* {name}: {_mb(a)} → {_mb(b)} ({g:.2f}×, {flag})")
    return out


def e2e_table(rows):
    out = ["| Job | Events (ref / ours) | Bare ansible-playbook CPU | Runner self CPU, ref | "
           "Runner self CPU, ours | Self CPU per event, ref / ours | Ratio | Target | Met |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        a, b = r.per_event("ref"), r.per_event("ours")
        ratio = a / b if a and b else None
        out.append(f"| {r.name} | {r.events_ref:,} / {r.events_ours:,} | {r.bare.cpu:.2f} s | "
                   f"{r.ref.self_cpu:.3f} s | {r.ours.self_cpu:.3f} s | "
                   f"{a * 1e6:.0f} µs / {b * 1e6:.1f} µs | {_ratio(ratio)} | ≥ 10× | "
                   f"{_met(ratio, 10)} |")
    floor = next((r.floor for r in rows if r.floor), None)
    if floor:
        ref = rows[0].per_event("ref")
        out += ["", f"Floor: {floor * 1e6:.1f} µs per event, the CPU of a program that does only what "
                "every event costs a runner at the least (woken on the pty, one read, one event file "
                "made and linked in; nothing parsed: bench/event_floor.cpp). The best ratio any "
                f"runner could reach on the loop here is the reference's per event over it: "
                f"{_ratio(ref / floor) if ref else '?'}."]
    out += ["", "| Job | Wall: bare / ref / ours | Tree CPU: bare / ref / ours | "
            "Tree CPU over bare per event: ref / ours | Runner self peak RSS: ref / ours |",
            "|---|---|---|---|---|"]
    for r in rows:
        oa, ob = r.overhead_per_event("ref"), r.overhead_per_event("ours")
        out.append(f"| {r.name} | {r.bare.wall:.1f} / {r.ref.wall:.1f} / {r.ours.wall:.1f} s | "
                   f"{r.bare.cpu:.2f} / {r.ref.cpu:.2f} / {r.ours.cpu:.2f} s | "
                   f"{oa * 1e6:.0f} µs / {ob * 1e6:.0f} µs | "
                   f"{_mb(r.ref.self_hwm_kb)} / {_mb(r.ours.self_hwm_kb)} |")
    return out


def detail_table(rows, e2e_rows):
    out = ["| Case | Side | Runs | Wall median (min–max) | CPU median (user+sys) | Peak RSS |",
           "|---|---|---|---|---|---|"]
    for r in rows:
        for side in ("ref", "ours"):
            s = getattr(r, side)
            out.append(f"| {_label(r)} | {side} | {s.n} | {_ms(s.wall)} "
                       f"({_ms(s.wall_min)}–{_ms(s.wall_max)}) | {_ms(s.cpu)} | "
                       f"{_mb(s.maxrss_kb)} |")
    for r in e2e_rows:
        for side in ("bare", "ref", "ours"):
            s = getattr(r, side)
            rss = (f"{_mb(s.maxrss_kb)} (ansible-playbook)" if side == "bare"
                   else f"{_mb(s.self_hwm_kb)} (runner alone)")
            cpu = f"{_ms(s.cpu)} (tree)"
            if side != "bare":
                cpu += f", {_ms(s.self_cpu)} (runner alone)"
            out.append(f"| e2e: {r.name} | {side} | {s.n} | {_ms(s.wall)} "
                       f"({_ms(s.wall_min)}–{_ms(s.wall_max)}) | {cpu} | {rss} |")
    return out


GROUPS = ("start-up", "transmit", "worker unpack", "process")

# The Python API section (python_cases.py) sits between these markers, so that a run of the
# Python cases alone can replace it in an existing RESULTS.md and a run without them keeps it.
PY_BEGIN = "<!-- python-api: begin -->"
PY_END = "<!-- python-api: end -->"
PY_NOTE = ("The Python API section at the end comes from its own run when its first line names "
           "another command or date than this one.")

PY_METHOD = """
* Each measurement runs `bench/py_driver.py` under one side's Python as its own process (so the
  two packages never share an interpreter), interleaved ref / ours. The driver imports
  `ansible_runner` (untimed), then times the one API call: wall = `time.perf_counter()` around
  `ansible_runner.run(...)`, CPU = user+sys of the driver process (all threads,
  `getrusage(RUSAGE_SELF)`) over the call. Peak RSS is the driver's `ru_maxrss` from
  `/usr/bin/time` (interpreter + package + the call); "after import" is the driver's own
  `ru_maxrss` just before the call.
* process: `run(streamer='process', _input=<the recorded result stream of the CLI's process
  case, opened 'rb'>, private_data_dir=<fresh empty dir>, quiet=True)`, with no handler, with
  `event_handler=lambda e: True` and with `lambda e: False`. Checked every run: status
  `successful` (and the same status/rc on both sides), the artifacts zip unpacked, and
  `artifacts/job_events/` holding one file per event (none with the False handler).
* transmit: `run(streamer='transmit', _output=<file opened 'wb'>, private_data_dir=<pdd>,
  playbook='main.yml')` of the inputs of the CLI's transmit case; one warm-up round. Checked:
  the first stream of each side whole (kwargs line with the playbook, zipfile line and payload
  with the pdd's file count and bytes, eof), the later ones the same size; the pdd unchanged.
  MB/s = bytes of the pdd's regular files / call wall.
* import: `python -c 'import ansible_runner'` and `python -c pass` of each side (same Python,
  same environment), the four interleaved, one warm-up round; the figure is the median process
  wall (and CPU) of the import minus the median of the bare start. "Modules" = entries added
  to `sys.modules` by the import.
"""


def is_python(row):
    return row.group.startswith("python")


def python_memory_table(rows):
    out = ["| Case | Reference: after import / peak | Ours: after import / peak | "
           "Peak ratio (ref/ours) |", "|---|---|---|---|"]
    for r in rows:
        if r.kind != "rate":
            continue
        a, b = r.extra.get("rss_import_ref"), r.extra.get("rss_import_ours")
        out.append(f"| {_label(r)} | {_mb(a)} / {_mb(r.ref.maxrss_kb)} | "
                   f"{_mb(b)} / {_mb(r.ours.maxrss_kb)} | {_ratio(r.rss_ratio)} |")
    return out


def python_section(rows, info, errors=()):
    """The Python API section, markers included (a list of lines)."""
    out = [PY_BEGIN, "## Python API, in process (the `ansible_runner` package)" +
           (" (quick smoke run)" if info.get("quick") else ""), "",
           f"This section: `{info['command']}` on {info['when']} in {info['elapsed'] / 60:.1f} min. "
           "Each figure times the API call inside a driver process running one side's package "
           "(ref / ours interleaved; medians); ratios are reference / ours, so > 1 means ours "
           "is better.", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in info["machine"].items()]
    out += ["", "Speed of the call (import: the net start-up cost of `import ansible_runner`):",
            ""] + speed_table(rows)
    out += ["", "Peak RSS of the driver process (Python, the package and the call):", ""]
    out += python_memory_table(rows)
    notes = []
    for r in rows:
        if r.group.endswith("import"):
            notes.append(f"* Modules loaded by `import ansible_runner`: reference "
                         f"{r.extra.get('modules_ref')}, ours {r.extra.get('modules_ours')}; "
                         f"bare `python -c pass`: {_ms(r.extra.get('bare_wall_ref'))} (ref's "
                         f"Python) / {_ms(r.extra.get('bare_wall_ours'))} (ours').")
        elif "status_rc" in r.extra:
            sr = {k: ", ".join(f"{s}/{rc}" for s, rc in v) for k, v in r.extra["status_rc"].items()}
            st = (f"status/rc {sr['ref']} on both sides" if sr["ref"] == sr["ours"] else
                  f"status/rc **differ**: ref {sr['ref']}, ours {sr['ours']}")
            notes.append(f"* {r.name}: {r.extra['job_events']:,} job_events files on both sides, "
                         f"{st}; driver process wall ref / ours "
                         f"{_ms(r.extra.get('process_wall_ref'))} / "
                         f"{_ms(r.extra.get('process_wall_ours'))}.")
        elif "stream_mb_ref" in r.extra:
            notes.append(f"* transmit {r.name}: stream {r.extra['stream_mb_ref']:.2f} MB (ref) / "
                         f"{r.extra.get('stream_mb_ours', 0):.2f} MB (ours); driver process wall "
                         f"{_ms(r.extra.get('process_wall_ref'))} / "
                         f"{_ms(r.extra.get('process_wall_ours'))}.")
    if notes:
        out += ["", "Checks and context:", ""] + notes
    if errors:
        out += ["", "Failed or wrong (a failed case is not measured):", ""]
        for what, msg in errors:
            first = msg.splitlines()[0] if msg else ""
            out.append(f"* {what}: `{first[:300]}`")
    out += ["", "How it is measured:", "", PY_METHOD.strip(), "", "All measurements (call wall "
            "and CPU as the driver timed them; peak RSS of the driver):", ""]
    out += detail_table(rows, [])
    out.append(PY_END)
    return out


def python_block(text):
    """The Python API section of an existing RESULTS.md (markers included), or None."""
    i, j = text.find(PY_BEGIN), text.find(PY_END)
    if i < 0 or j < i:
        return None
    return text[i:j + len(PY_END)]


def splice_python(text, block):
    """``text`` with its Python API section replaced by ``block`` (added at the end if it has
    none), and the note that the section may come from another run after the first paragraph."""
    old = python_block(text)
    if old is not None:
        text = text.replace(old, block.rstrip("\n"))
    else:
        text = text.rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n"
    if PY_NOTE not in text:
        lines = text.split("\n")
        for k, line in enumerate(lines):
            if line.startswith("Generated by"):
                lines[k] = line + " " + PY_NOTE
                break
        text = "\n".join(lines)
    return text


def now():
    return datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


def render(machine, rows, e2e_rows, command, elapsed, method, quick, errors=(), when=None,
           py_info=None):
    py_rows = [r for r in rows if is_python(r)]
    py_errors = [e for e in errors if e[0].startswith("python")]
    errors = [e for e in errors if not e[0].startswith("python")]
    rows = [r for r in rows if not is_python(r)]
    rows = sorted(rows, key=lambda r: GROUPS.index(r.group) if r.group in GROUPS else 99)
    when = when or now()
    out = ["# Benchmark results" + (" (quick smoke run: small sizes, 1 round)" if quick else ""),
           "",
           f"Generated by `{command}` on {when} in {elapsed / 60:.1f} min. The reference and ours "
           "run interleaved (A B A B ...); every figure is the median over the rounds; ratios "
           "are reference / ours, so > 1 means ours is better. Targets are reported, never "
           "enforced. On a machine shared with other work (see the load averages) wall times "
           "are noisy: the CPU ratio next to each speed-up is the steadier figure. "
           "See FINDINGS.md for what limits the missed targets. " + PY_NOTE,
           "", "## Machine", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in machine.items()]
    out += ["", "## Speed", "", "Speed-up = reference wall time / ours (the target). The CPU ratio "
            "(reference user+sys / ours) is less sensitive to the load of a shared machine.",
            ""] + speed_table(rows)
    net = net_unpack_table(rows)
    if len(net) > 2:
        out += ["", "Worker unpack with the fixed cost of a job (the empty-pdd row) subtracted "
                "from each side:", ""] + net
    sizes = stream_size_table(rows)
    if len(sizes) > 2:
        out += ["", "Size of the job stream transmit writes (ours deflates faster, at a lower "
                "level than the reference's zlib level 6):", ""] + sizes
    out += ["", "## Peak RSS (transmit, worker, process)", ""] + memory_table(rows)
    flat = flat_lines(rows)
    if flat:
        out += [""] + flat
    if e2e_rows:
        out += ["", "## End to end: the runner's own cost on top of ansible-playbook", ""]
        out += e2e_table(e2e_rows)
    if errors:
        out += ["", "## Failed (not measured)", ""]
        for what, msg in errors:
            first = msg.splitlines()[0] if msg else ""
            out.append(f"* {what}: `{first[:300]}`")
    out += ["", "## How it is measured", "", method.strip(), "", "## All measurements", ""]
    out += detail_table(rows, e2e_rows)
    if py_rows or py_errors:
        out += [""] + python_section(py_rows, py_info, py_errors)
    return "\n".join(out) + "\n"


def render_python_only(rows, errors, py_info):
    """A RESULTS file holding only the Python API section (no earlier results to splice into)."""
    head = ["# Benchmark results" + (" (quick smoke run)" if py_info.get("quick") else ""), ""]
    return "\n".join(head + python_section(rows, py_info, errors)) + "\n"

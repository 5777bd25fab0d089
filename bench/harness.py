"""Run one command and measure it; run several variants interleaved; summarise.

Every measurement comes from the OS, not from the measured program:

* wall time: ``time.perf_counter()`` around ``posix_spawn`` .. the moment the child is
  waitable (``waitid(WEXITED | WNOWAIT)``), so the bookkeeping after exit is not counted;
* CPU of the whole process tree: ``os.wait4`` rusage of the child (``ru_utime + ru_stime``);
  Linux includes every descendant the child reaped;
* peak RSS of the tree: ``ru_maxrss`` as reported by GNU ``/usr/bin/time`` (``%M``), which
  wraps the command. Not from our own wait4: a process created by this Python process (fork or
  vfork) inherits the harness's RSS high-water mark into ``ru_maxrss`` at exec (the kernel
  keeps the old mm's hiwater in ``signal->maxrss``), so a 1 MB ``/bin/true`` would show the
  harness's 20+ MB. ``time`` is a small C program, so its child starts clean. The wrapper's
  own fork+exec (~1 ms) is inside the wall time (see ``spawn_floor``) and its CPU (<1 ms) in
  the CPU figure;
* with ``wrap=False`` (start-up, where a millisecond of wrapper would be a third of ours), the
  command is spawned directly: wall time and CPU as above, no peak RSS (the inherited
  high-water mark makes ``ru_maxrss`` meaningless); the start-up case takes its RSS from one
  wrapped run per side;
* with ``self_only=True`` (for runners that spawn ``ansible-playbook``), the runner process
  alone: its CPU is read from ``/proc/<pid>/stat`` (utime + stime, children excluded) and
  ``/proc/<pid>/schedstat`` (ns, leader thread) while it is a zombie, before it is reaped;
  its peak RSS is the last ``VmHWM`` (a high-water mark, so monotonic) sampled from
  ``/proc/<pid>/status`` every ``SAMPLE_INTERVAL`` seconds by a thread while it runs.
"""

import dataclasses
import os
import statistics
import tempfile
import threading
import time

SAMPLE_INTERVAL = 0.02
CLK_TCK = os.sysconf("SC_CLK_TCK")
TIME = "/usr/bin/time"


@dataclasses.dataclass
class Sample:
    """One run of one command."""

    wall: float            # seconds
    cpu: float             # user + sys seconds of the process and its reaped descendants
    user: float
    sys: float
    maxrss_kb: int         # ru_maxrss: max over the process and its reaped descendants
    rc: int                # exit code, or -signal
    self_cpu: float = None       # seconds, the process alone (self_only)
    self_hwm_kb: int = None      # peak RSS of the process alone (self_only)
    self_threads: int = None     # max thread count seen (self_only)


class CommandFailed(RuntimeError):
    pass


def _open_fd(spec, flags, mode=0o644):
    if spec is None:
        return os.open(os.devnull, flags)
    if isinstance(spec, int):
        return os.dup(spec)
    return os.open(spec, flags, mode)


def _read_proc_status(pid):
    hwm = threads = None
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    hwm = int(line.split()[1])
                elif line.startswith(b"Threads:"):
                    threads = int(line.split()[1])
    except OSError:
        pass
    return hwm, threads


def _read_self_cpu(pid):
    """CPU of the (zombie) process itself: (utime + stime from stat, leader ns from schedstat)."""
    with open(f"/proc/{pid}/stat") as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    ticks = (int(fields[11]) + int(fields[12])) / CLK_TCK
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            ns = int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        ns = None
    return ticks, ns


class _Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.hwm = 0
        self.threads = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            hwm, threads = _read_proc_status(self.pid)
            if hwm is not None:
                self.hwm = max(self.hwm, hwm)
            if threads is not None:
                self.threads = max(self.threads, threads)
            self.stop.wait(SAMPLE_INTERVAL)


def run_once(argv, stdin=None, stdout=None, stderr=None, cwd=None, env=None,
             self_only=False, timeout=None, wrap=True):
    """Spawn argv, wait for it, return a Sample.

    Without ``self_only`` the command runs under ``/usr/bin/time`` for a clean ``ru_maxrss``;
    with it, the command is spawned directly (its pid is needed) and only the self figures
    (from /proc, unaffected by the inherited high-water mark) are meaningful for RSS.

    stdin/stdout/stderr: None (= /dev/null), a path, or an fd. ``cwd`` is applied by running
    the command through ``posix_spawn`` after a ``chdir`` in this process (restored after).
    ``timeout`` (seconds) kills the child and raises CommandFailed.
    """
    fin = _open_fd(stdin, os.O_RDONLY)
    fout = _open_fd(stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    ferr = _open_fd(stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    actions = [
        (os.POSIX_SPAWN_DUP2, fin, 0),
        (os.POSIX_SPAWN_DUP2, fout, 1),
        (os.POSIX_SPAWN_DUP2, ferr, 2),
    ]
    report = None
    if not self_only and wrap:
        fd, report = tempfile.mkstemp(prefix="bench-time-")
        os.close(fd)
        argv = [TIME, "-q", "-o", report, "-f", "%M", "--"] + list(argv)
    old_cwd = os.getcwd() if cwd else None
    try:
        if cwd:
            os.chdir(cwd)
        path = argv[0]
        t0 = time.perf_counter()
        pid = os.posix_spawnp(path, argv, env if env is not None else os.environ,
                              file_actions=actions)
    finally:
        if old_cwd:
            os.chdir(old_cwd)
        for fd in (fin, fout, ferr):
            os.close(fd)

    sampler = None
    if self_only:
        sampler = _Sampler(pid)
        sampler.start()
    timer = None
    fired = []
    if timeout:
        timer = threading.Timer(timeout, lambda: (fired.append(1), _kill(pid)))
        timer.start()
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    wall = time.perf_counter() - t0
    if timer:
        timer.cancel()
    self_cpu = None
    if self_only:
        sampler.stop.set()
        sampler.join()
        ticks, ns = _read_self_cpu(pid)
        # schedstat is exact (ns) but covers the leader thread only: use it for single-threaded
        # processes, the tick-based utime + stime (10 ms units, all threads) otherwise.
        self_cpu = ns if (ns is not None and sampler.threads <= 1) else ticks
    _, status, ru = os.wait4(pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    maxrss = ru.ru_maxrss if self_only else None
    if report:
        with open(report) as f:
            lines = f.read().split()
        os.unlink(report)
        maxrss = int(lines[-1]) if lines else 0
    s = Sample(wall=wall, cpu=ru.ru_utime + ru.ru_stime, user=ru.ru_utime, sys=ru.ru_stime,
               maxrss_kb=maxrss, rc=rc)
    if self_only:
        s.self_cpu = self_cpu
        s.self_hwm_kb = sampler.hwm
        s.self_threads = sampler.threads
    if fired:
        raise CommandFailed(f"timed out after {timeout} s: {' '.join(argv)}")
    return s


def spawn_floor(rounds=20, wrap=True):
    """Median wall time of ``/bin/true`` as run_once runs commands: the harness's own cost."""
    return median(run_once(["/bin/true"], wrap=wrap).wall for _ in range(rounds))


def _kill(pid):
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass


@dataclasses.dataclass
class Variant:
    """One side of a comparison: how to run it and how to check the result.

    ``argv``, ``stdin``, ``stdout``, ``cwd``: as for run_once. ``setup()`` runs before every
    run, untimed (e.g. remove the previous output). ``check(sample)`` runs after every run,
    untimed, and raises on a wrong result (a wrong result is not a measurement).
    """

    label: str
    argv: list
    stdin: str = None
    stdout: str = None
    stderr: str = None
    cwd: str = None
    env: dict = None
    self_only: bool = False
    wrap: bool = True
    setup: object = None
    check: object = None
    expect_rc: int = 0


def measure(variant, timeout=None):
    if variant.setup:
        variant.setup()
    s = run_once(variant.argv, stdin=variant.stdin, stdout=variant.stdout,
                 stderr=variant.stderr, cwd=variant.cwd, env=variant.env,
                 self_only=variant.self_only, timeout=timeout, wrap=variant.wrap)
    if variant.expect_rc is not None and s.rc != variant.expect_rc:
        detail = ""
        if isinstance(variant.stderr, str) and os.path.exists(variant.stderr):
            with open(variant.stderr, errors="replace") as f:
                detail = f.read()[-2000:]
        raise CommandFailed(f"{variant.label}: exit {s.rc} (expected {variant.expect_rc}): "
                            f"{' '.join(map(str, variant.argv))}\n{detail}")
    if variant.check:
        variant.check(s)
    return s


def interleave(variants, rounds, warmup=0, timeout=None, progress=None):
    """Run the variants in turn (A B A B ...) for ``rounds`` rounds after ``warmup`` untimed
    rounds; return {label: [Sample, ...]}."""
    results = {v.label: [] for v in variants}
    for r in range(warmup + rounds):
        for v in variants:
            s = measure(v, timeout=timeout)
            if r >= warmup:
                results[v.label].append(s)
            if progress:
                progress(v.label, r - warmup, s)
    return results


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


@dataclasses.dataclass
class Summary:
    n: int
    wall: float
    wall_min: float
    wall_max: float
    cpu: float
    maxrss_kb: int
    self_cpu: float = None
    self_hwm_kb: int = None


def summarise(samples):
    return Summary(
        n=len(samples),
        wall=median(s.wall for s in samples),
        wall_min=min(s.wall for s in samples),
        wall_max=max(s.wall for s in samples),
        cpu=median(s.cpu for s in samples),
        maxrss_kb=max((s.maxrss_kb for s in samples if s.maxrss_kb is not None), default=None),
        self_cpu=median(s.self_cpu for s in samples),
        self_hwm_kb=max((s.self_hwm_kb for s in samples if s.self_hwm_kb is not None),
                        default=None),
    )

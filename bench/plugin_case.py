"""Case ``plugin``: what the callback plugin costs Ansible, ours against the reference's.

``ansible-playbook`` runs the e2e loop (one debug task over ``loop_items`` items on localhost)
three ways, interleaved: with its default callback ("bare"), with the reference's awx_display
and with ours, each as the runner sets it up (ANSIBLE_STDOUT_CALLBACK, the plugin dir,
AWX_ISOLATED_DATA_DIR on tmpfs, where the reference writes its event files). No runner: stdout
and stderr are a pty, read by a thread of this process, as under a runner or on a terminal.

Two figures per side (issue 16, target 4):
* the CPU of ansible-playbook's whole tree (wait4: the main process, its results thread and
  its forked workers), and what the plugin adds over bare per event: the median over rounds
  of (side - bare of the same round). The tree's CPU varies by about 5 % from run to run on a
  2-core VM (the strategy's poll loop, where the threads land), hence many rounds;
* the CPU of Ansible's results thread in each loop-item callback (``time.thread_time`` around
  ``TaskQueueManager.send_callback``, from bench/cb_timer/cb_timer.py, enabled in separate
  rounds): where the plugin's work is, and a steadier figure than the tree's.

The results go in their own section of RESULTS.md (sections.py).
"""

import json
import os
import pty
import shutil
import statistics
import threading

import harness
import inputs
import sections

NAME = "plugin"
HERE = os.path.dirname(os.path.abspath(__file__))
OUR_PLUGIN_DIR = os.path.join(HERE, "..", "share", "ansible-runner", "callback")
REF_PLUGIN_DIR = "/usr/lib/python3/dist-packages/ansible_runner/display_callback/callback"
TIMER_DIR = os.path.join(HERE, "cb_timer")
ROUNDS, TIMED_ROUNDS = 10, 3
QUICK_ROUNDS, QUICK_TIMED_ROUNDS = 1, 1
SIDES = ("bare", "ref", "ours")
ERASE_LINE = b"\x1b[K"  # two per frame of the reference's plugin
APC_START = b"\x1b_"  # one per frame of ours


def _env(ctx, side, timer_out):
    env = dict(os.environ, ANSIBLE_RETRY_FILES_ENABLED="False", ANSIBLE_HOST_KEY_CHECKING="False")
    for name in ("ANSIBLE_STDOUT_CALLBACK", "ANSIBLE_CALLBACK_PLUGINS", "ANSIBLE_CALLBACKS_ENABLED",
                 "PYTHONUNBUFFERED"):
        env.pop(name, None)
    plugin_dirs = []
    if side != "bare":
        artifacts = ctx.path("plugin-artifacts")
        shutil.rmtree(artifacts, ignore_errors=True)
        os.makedirs(os.path.join(artifacts, "job_events"))
        plugin_dirs.append(REF_PLUGIN_DIR if side == "ref" else OUR_PLUGIN_DIR)
        env.update(ANSIBLE_STDOUT_CALLBACK="awx_display", AWX_ISOLATED_DATA_DIR=artifacts,
                   RUNNER_OMIT_EVENTS="False", RUNNER_ONLY_FAILED_EVENTS="False")
    if timer_out:
        plugin_dirs.append(TIMER_DIR)
        env.update(ANSIBLE_CALLBACKS_ENABLED="cb_timer", CB_TIMER_OUT=timer_out)
    if plugin_dirs:
        env["ANSIBLE_CALLBACK_PLUGINS"] = ":".join(plugin_dirs)
    return env


def _run_one(ctx, pdd, side, timer_out=None):
    """Runs the loop once with stdout/stderr on a pty; returns the tree's CPU seconds (wait4)."""
    master, slave = pty.openpty()
    output = []

    def drain():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer closed the terminal
                return
            if not data:
                return
            output.append(data)
    reader = threading.Thread(target=drain)
    reader.start()
    try:
        sample = harness.run_once(["ansible-playbook", "-i", os.path.join(pdd, "inventory", "hosts"), "loop.yml"],
                                  stdout=slave, stderr=slave, cwd=os.path.join(pdd, "project"),
                                  env=_env(ctx, side, timer_out), timeout=ctx.timeout, wrap=False)
    finally:
        os.close(slave)  # the reader then gets what is left and EIO
        reader.join()
        os.close(master)
    text = b"".join(output)
    if sample.rc != 0:
        raise harness.CommandFailed(f"plugin case: {side} exited {sample.rc}: {text[-500:]!r}")
    frames = text.count(ERASE_LINE) // 2 + text.count(APC_START)
    if side != "bare" and frames < ctx.sizes.loop_items:
        raise harness.CommandFailed(f"plugin case: {side} framed {frames} events for {ctx.sizes.loop_items} items")
    return sample.cpu


def _timed_callback(ctx, pdd, side):
    """(results-thread CPU seconds per loop-item callback, main process CPU, workers' CPU) from one
    run under cb_timer."""
    out = ctx.path(f"cb-timer-{side}.json")
    if os.path.exists(out):
        os.unlink(out)
    _run_one(ctx, pdd, side, timer_out=out)
    with open(out) as f:
        timed = json.load(f)
    calls = timed["v2_runner_item_on_ok"]
    if calls["calls"] != ctx.sizes.loop_items:
        raise harness.CommandFailed(f"plugin case: {side}: {calls['calls']} item callbacks timed")
    return calls["cpu"] / calls["calls"], timed["_process"]["main_cpu"], timed["_process"]["workers_cpu"]


def run(ctx):
    """Returns the section's data (a JSON-able dict); a failure is recorded in ctx.errors."""
    return sections.run_case(ctx, NAME, _run)


def _run(ctx):
    if not os.path.isdir(REF_PLUGIN_DIR):
        return {"skipped": f"the reference's plugin is not installed ({REF_PLUGIN_DIR})"}
    load0 = " ".join(f"{x:.2f}" for x in os.getloadavg())
    pdd = inputs.make_e2e(ctx.path("pdd-e2e"), ctx.sizes.loop_items, ctx.sizes.n_hosts)
    rounds, timed_rounds = (QUICK_ROUNDS, QUICK_TIMED_ROUNDS) if ctx.quick else (ROUNDS, TIMED_ROUNDS)
    for side in SIDES:  # warm-up: page cache, bytecode caches
        _run_one(ctx, pdd, side)
    cpu = {side: [] for side in SIDES}
    for r in range(rounds):
        ctx.log(f"plugin: round {r + 1} of {rounds}")
        for side in SIDES:
            cpu[side].append(_run_one(ctx, pdd, side))
    callback = {side: [] for side in SIDES}
    for r in range(timed_rounds):
        ctx.log(f"plugin: timed callbacks, round {r + 1} of {timed_rounds}")
        for side in SIDES:
            callback[side].append(_timed_callback(ctx, pdd, side))
    # The plugin sides' events: each item, the task's start and result, the play, the playbook, stats.
    events = ctx.sizes.loop_items + 6
    sides = {}
    for side in SIDES:
        added = [(c - b) / events for c, b in zip(cpu[side], cpu["bare"])]
        per_call, main, workers = zip(*callback[side])
        sides[side] = {"cpu": cpu[side], "cpu_median": statistics.median(cpu[side]),
                       "added_per_event": statistics.median(added), "added_each": added,
                       "callback": statistics.median(per_call), "callback_each": per_call,
                       "main_cpu": statistics.median(main), "workers_cpu": statistics.median(workers)}
    return {"loop_items": ctx.sizes.loop_items, "events": events, "rounds": rounds,
            "timed_rounds": timed_rounds, "load_start": load0,
            "load_end": " ".join(f"{x:.2f}" for x in os.getloadavg()), "sides": sides}


def _us(seconds):
    return f"{seconds * 1e6:.0f} µs"


def section(data, command, when, elapsed):
    """The section, markers included (a string)."""
    out = [sections.begin(NAME), "## The callback plugin inside Ansible", "",
           f"This section: `{command}` on {when}, the case took "
           f"{data.get('elapsed', elapsed) / 60:.1f} min."]
    if "failed" in data or "skipped" in data:
        out += ["", f"Not measured: `{data.get('failed') or data.get('skipped')}`", sections.end(NAME)]
        return "\n".join(out)
    s = data["sides"]
    bare, ref, ours = s["bare"], s["ref"], s["ours"]
    out += [f"Load average at start / end: {data['load_start']} / {data['load_end']}. "
            f"`ansible-playbook` alone on the e2e loop ({data['loop_items']:,} debug items on "
            "localhost), stdout on a pty drained by the bench, with its default callback (bare), "
            "the reference's awx_display or ours as the stdout callback, set up as each runner "
            f"sets it up. {data['rounds']} interleaved rounds for the tree's CPU (wait4; added = "
            "median over rounds of side minus bare of the same round, per event), "
            f"{data['timed_rounds']} more with `bench/cb_timer` for the results thread's CPU in "
            "each loop-item callback.", "",
            "| | Tree CPU (median) | Added per event over bare | Added, each round | "
            "Job's CPU over bare | Results thread per item callback | Main process / workers "
            "(timed rounds) |",
            "|---|---|---|---|---|---|---|"]
    for name, x in (("bare (default callback)", bare), ("reference plugin", ref), ("our plugin", ours)):
        over = x["cpu_median"] / bare["cpu_median"] - 1
        each = " ".join(f"{v * 1e6:.0f}" for v in x["added_each"]) if x is not bare else ""
        out.append(f"| {name} | {x['cpu_median']:.2f} s | "
                   f"{_us(x['added_per_event']) if x is not bare else ''} | {each} | "
                   f"{'' if x is bare else f'{over * 100:+.1f} %'} | {_us(x['callback'])} | "
                   f"{x['main_cpu']:.2f} s / {x['workers_cpu']:.2f} s |")
    ratio = ours["added_per_event"] / ref["added_per_event"] if ref["added_per_event"] > 0 else float("nan")
    cb_ratio = ((ours["callback"] - bare["callback"]) / (ref["callback"] - bare["callback"])
                if ref["callback"] > bare["callback"] else float("nan"))
    out += ["", f"Ours adds {ratio:.2f}× of what the reference's plugin adds to the tree's CPU per "
            f"event (target ≤ 0.33), and {cb_ratio:.2f}× of what it adds to the results thread's "
            "work per item callback.", sections.end(NAME)]
    return "\n".join(out)

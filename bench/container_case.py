"""Case ``container``: the fixed cost of a job in a container, reference against ours.

The job: ``run <pdd> -p empty.yml --process-isolation --process-isolation-executable podman
--container-image <image>`` with an empty play, the image present (our base image,
``scripts/ee-image.sh base``: Debian's python3 and ansible-core). Next to it, interleaved, the
floor: ``podman run --rm <image> /bin/true``, and the same play run by a bare ``ansible-playbook`` in
the image (``podman run --rm -v <project>:/p <image> ansible-playbook -i localhost, -c local
/p/empty.yml``). The runners are measured alone (``self_only``:
their CPU and peak RSS from /proc) and as a tree (wait4: the runner and the podman client it
reaps; conmon, runc and the container's processes are daemonised out of that tree).

The results go in their own section of RESULTS.md, between markers (sections.py), so that
``bench/run.sh --cases container`` replaces only that section and a run without the case keeps it.
Without podman (or not as root: our engine settings are for root) the section says why it was
skipped.
"""

import dataclasses
import os
import shutil
import subprocess

import harness
import sections

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "container"
BEGIN = sections.begin(NAME)
END = sections.end(NAME)
PLAYBOOK = "- hosts: localhost\n  gather_facts: false\n  tasks: []\n"
ROUNDS, QUICK_ROUNDS = 9, 2


def _image(ctx):
    """(image, None), or (None, why the case is skipped). Points podman at our engine settings."""
    if shutil.which("podman") is None:
        return None, "podman is not installed (scripts/ee-image.sh installs it)"
    if os.geteuid() != 0:
        return None, "not root: our podman settings (runc, cgroupfs) are for root"
    build = os.path.dirname(os.path.abspath(ctx.ours))
    proc = subprocess.run([os.path.join(os.path.dirname(HERE), "scripts", "ee-image.sh"), "base"],
                          env=dict(os.environ, BUILD=build), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=1800)
    if proc.returncode != 0:
        raise harness.CommandFailed(f"scripts/ee-image.sh base: {proc.stderr[-1000:]}")
    os.environ.setdefault("CONTAINERS_CONF", os.path.join(build, "containers", "containers.conf"))
    return proc.stdout.strip().splitlines()[-1], None


def _podman_version():
    out = subprocess.run(["podman", "--version"], stdout=subprocess.PIPE, text=True).stdout
    return out.strip()


def run(ctx):
    """Returns the section's data (a JSON-able dict); a failure is recorded in ctx.errors."""
    return sections.run_case(ctx, NAME, _run)


def _run(ctx):
    load0 = " ".join(f"{x:.2f}" for x in os.getloadavg())
    image, why = _image(ctx)
    if image is None:
        ctx.log(f"container: skipped: {why}")
        return {"skipped": why}
    pdd = ctx.path("pdd-container")
    os.makedirs(os.path.join(pdd, "project"), exist_ok=True)
    with open(os.path.join(pdd, "project", "empty.yml"), "w") as f:
        f.write(PLAYBOOK)
    project = os.path.join(pdd, "project")
    variants = [harness.Variant("floor", ["podman", "run", "--rm", image, "/bin/true"],
                                stderr=ctx.path("container-floor.err")),
                harness.Variant("bare", ["podman", "run", "--rm", "-v", f"{project}:/p:Z", image,
                                         "ansible-playbook", "-i", "localhost,", "-c", "local",
                                         "/p/empty.yml"],
                                stdout=ctx.path("container-bare.out"),
                                stderr=ctx.path("container-bare.err"))]
    for label, binary in ctx.binaries():
        ident = f"bench-container-{label}"
        art = os.path.join(pdd, "artifacts", ident)

        def check(_s, art=art):
            with open(os.path.join(art, "status")) as f:
                status = f.read().strip()
            if status != "successful":
                raise harness.CommandFailed(f"{art}: status {status}")
        variants.append(harness.Variant(
            label, [binary, "run", pdd, "-p", "empty.yml", "--ident", ident, "--process-isolation",
                    "--process-isolation-executable", "podman", "--container-image", image],
            stderr=ctx.path(f"container-{label}.err"), self_only=True,
            setup=lambda art=art: shutil.rmtree(art, ignore_errors=True), check=check))
    rounds = QUICK_ROUNDS if ctx.quick else ROUNDS
    res = ctx.run("container", variants, rounds, warmup=1)
    return {"image": image, "podman": _podman_version(), "rounds": rounds, "load_start": load0,
            "load_end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            **{k: dataclasses.asdict(harness.summarise(v)) for k, v in res.items()}}


def _ms(s):
    return "?" if s is None else (f"{s * 1000:.0f} ms" if abs(s) < 1 else f"{s:.2f} s")


def section(data, command, when, elapsed):
    """The section, markers included (a string)."""
    out = [BEGIN, "## A job in a container: the fixed cost", "",
           f"This section: `{command}` on {when}, the case took "
           f"{data.get('elapsed', elapsed) / 60:.1f} min."]
    if "skipped" in data or "failed" in data:
        out += ["", f"Skipped: {data['skipped']}." if "skipped" in data else
                f"Failed (not measured): `{data['failed']}`", END]
        return "\n".join(out)
    s = {k: harness.Summary(**data[k]) for k in ("floor", "bare", "ref", "ours")}
    out += [f"Load average at start / end: {data['load_start']} / {data['load_end']}; "
            f"{data['podman']} (runtime runc, cgroupfs: scripts/containers-env.sh); image "
            f"`{data['image']}` present (scripts/ee-image.sh base). The job: "
            "`run <pdd> -p empty.yml --process-isolation --process-isolation-executable podman "
            "--container-image <image>`, empty.yml = `- hosts: localhost` / `gather_facts: false` "
            f"/ `tasks: []`. The four commands run in turn, {data['rounds']} rounds after "
            "one warm-up; medians.", "",
            "| | Wall median (min–max) | CPU, runner alone | CPU, tree (wait4) | Peak RSS, runner alone |",
            "|---|---|---|---|---|",
            f"| `podman run --rm <image> /bin/true` (floor) | {_ms(s['floor'].wall)} "
            f"({_ms(s['floor'].wall_min)}–{_ms(s['floor'].wall_max)}) | — | {_ms(s['floor'].cpu)} "
            f"(podman client) | — |",
            f"| `podman run --rm -v <project>:/p <image> ansible-playbook -i localhost, -c local "
            f"/p/empty.yml` (bare) | {_ms(s['bare'].wall)} ({_ms(s['bare'].wall_min)}–"
            f"{_ms(s['bare'].wall_max)}) | — | {_ms(s['bare'].cpu)} (podman client) | — |"]
    for side, name in (("ref", "reference"), ("ours", "ours")):
        x = s[side]
        out.append(f"| {name} | {_ms(x.wall)} ({_ms(x.wall_min)}–{_ms(x.wall_max)}) | "
                   f"{_ms(x.self_cpu)} | {_ms(x.cpu)} | {x.self_hwm_kb / 1024:.1f} MB |")
    ref, ours, floor, bare = s["ref"], s["ours"], s["floor"], s["bare"]
    out += ["", f"Reference / ours: wall {ref.wall / ours.wall:.2f}×, runner CPU "
            f"{ref.self_cpu / ours.self_cpu:.1f}×, tree CPU {ref.cpu / ours.cpu:.1f}×. Over the "
            f"floor: reference +{_ms(ref.wall - floor.wall)}, ours +{_ms(ours.wall - floor.wall)}.",
            f"Over the bare playbook in the container: reference +{_ms(ref.wall - bare.wall)}, "
            f"ours +{_ms(ours.wall - bare.wall)}.",
            "", f"What limits it: the container. `podman run` of `/bin/true` alone is "
            f"{100 * floor.wall / ours.wall:.0f} % of ours' wall time, the bare playbook in the "
            f"container {100 * bare.wall / ours.wall:.0f} % (reference: "
            f"{100 * floor.wall / ref.wall:.0f} % and {100 * bare.wall / ref.wall:.0f} %). The tree "
            "CPU leaves out conmon, runc and the container's processes (daemonised by podman). "
            "Both runners run the same `podman run` command (the `command` artifact): with a tty, "
            "the private data dir mounted and the callback plugin loaded by ansible-playbook.",
            END]
    return "\n".join(out)


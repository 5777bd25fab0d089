"""The worker inside the execution environment image, through a real Receptor mesh (issue:
execution environments): controller -- hop -- exec on loopback (receptor_mesh.py), the exec
node's work type runs `podman run -i --rm --name <unique> EE_IMAGE ansible-runner worker` (a
wrapper script, as AWX's podman work units do), the EE image is `make ee-image`'s
(scripts/ee-image.sh ee: Debian's ansible-core, our executable and package).

* A job transmitted by {reference, ours} on the controller, run by the worker in the EE on the
  exec node and processed by {reference, ours} gives the status, rc, events and stdout of the
  all-reference pipeline on the host (reference transmit | reference worker | reference process);
  the worker's exit code as Receptor records it is the job's rc; no container is left.
* `receptorctl work cancel` of a unit whose worker runs in the EE ends as the same cancel of the
  reference's worker on the host (work type running /usr/bin/ansible-runner worker): the same
  stream ending, final status, process status and rc; no container (`podman ps -a`) and no job
  process is left.

AR_EE_IMAGE names an image to use instead of building one. Skips, and says why, when not root,
when podman or the image cannot be had, or (exit 125) when Receptor cannot be installed."""
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from conftest import OURS, REFERENCE
from ee_image import built_image
from receptor_mesh import EOF_LINE, Mesh, pgrep, wait_until
from stream_util import outcome, process, transmit, worker, write_pdd
from test_receptor_mesh import mesh_root, receptor_tools, split_stream, statuses, unit_exit  # noqa: F401

BUILD = Path(os.environ.get("AR_BUILD_DIR", Path(OURS).resolve().parent))
HOST = {"ref": REFERENCE, "ours": OURS}
EE_TYPE = "ansible-runner-ee"
REF_TYPE = "ansible-runner-reference"

PLAYS = {
    "successful": ("- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hello\n"
                   "    - command: uname -s\n", "successful", "0"),
    "failed": ("- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hello\n"
               "    - fail: msg=boom\n", "failed", "2"),
}


@pytest.fixture(scope="module")
def ee_image():
    if os.geteuid() != 0:
        pytest.skip("the EE tests run podman as root (runc, cgroupfs)")
    conf = BUILD / "containers" / "containers.conf"
    image = os.environ.get("AR_EE_IMAGE") or built_image("ee", BUILD, timeout=1500)
    if not conf.exists():
        pytest.skip(f"no podman settings at {conf} (scripts/containers-env.sh writes them)")
    os.environ["CONTAINERS_CONF"] = str(conf)
    check = subprocess.run(["podman", "image", "exists", image], timeout=60)
    if check.returncode != 0:
        pytest.skip(f"the EE image {image} is not in podman's store")
    return image


def containers(prefix):
    out = subprocess.run(["podman", "ps", "-a", "--filter", f"name=^{prefix}", "--format", "{{.Names}}"],
                         stdout=subprocess.PIPE, text=True, timeout=60).stdout
    return out.split()


@pytest.fixture(scope="module")
def ee_mesh(receptor_tools, ee_image):  # noqa: F811 - the fixture imported above
    root = mesh_root()
    prefix = f"armeshee_{uuid.uuid4().hex[:8]}_"
    wrapper = root / "ee-worker.sh"
    # $$: the shell's pid, which exec keeps for podman, so one name per work unit.
    wrapper.write_text(f"#!/bin/sh\nexport CONTAINERS_CONF='{os.environ['CONTAINERS_CONF']}'\n"
                       f"exec podman run -i --rm --name {prefix}$$ {ee_image} ansible-runner \"$@\"\n")
    wrapper.chmod(0o755)
    m = Mesh(root, [{"worktype": EE_TYPE, "command": str(wrapper), "params": "worker"},
                    {"worktype": REF_TYPE, "command": REFERENCE, "params": "worker"}])
    m.container_prefix = prefix
    try:
        m.start()
        yield m
    finally:
        m.stop()
        for name in containers(prefix):
            subprocess.run(["podman", "rm", "-f", "-t", "0", name], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


class Pipelines:
    def __init__(self, tmp, mesh):
        self.tmp, self.mesh, self.streams, self.results, self.base = tmp, mesh, {}, {}, {}

    def stream(self, job, t):
        if (job, t) not in self.streams:
            pdd = write_pdd(self.tmp.mktemp(f"{job}-{t}"), PLAYS[job][0])
            self.streams[(job, t)] = transmit(HOST[t], pdd, ident=job)
        return self.streams[(job, t)]

    def reference(self, job):
        """The all-reference pipeline on the host."""
        if job not in self.base:
            result = worker(REFERENCE, self.stream(job, "ref"))
            out = self.tmp.mktemp(f"{job}-base")
            self.base[job] = outcome(process(REFERENCE, result.stdout, out, ident=job), out, job)
        return self.base[job]

    def mesh_result(self, job, t):
        """(result stream, worker exit code) of the worker in the EE on the exec node."""
        if (job, t) not in self.results:
            unit = self.mesh.submit(EE_TYPE, self.stream(job, t))
            raw, how = self.mesh.results(unit, timeout=150)
            assert how == "eof", f"result stream ended by {how}: {raw[-800:]!r}"
            code = unit_exit(self.mesh, unit)
            self.mesh.release(unit)
            wait_until(lambda: containers(self.mesh.container_prefix) == [], 30, what="the container removed")
            self.results[(job, t)] = (raw, code)
        return self.results[(job, t)]

    def outcome(self, job, t, p):
        raw, _ = self.mesh_result(job, t)
        out = self.tmp.mktemp(f"{job}-out-{t}{p}")
        return outcome(process(HOST[p], raw, out, ident=job), out, job)


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory, ee_mesh):
    return Pipelines(tmp_path_factory, ee_mesh)


@pytest.mark.parametrize("job", sorted(PLAYS))
@pytest.mark.parametrize("t,p", [("ref", "ref"), ("ref", "ours"), ("ours", "ref"), ("ours", "ours")])
def test_job_through_mesh_in_ee_matches_reference_pipeline(pipelines, job, t, p):
    _, want_status, want_rc = PLAYS[job]
    base = pipelines.reference(job)
    assert (base["status"], base["rc"]) == (want_status, want_rc)
    raw, code = pipelines.mesh_result(job, t)
    assert code == int(want_rc), f"worker exit {code}"
    messages = [m for m in split_stream(raw) if isinstance(m, dict)]
    # The worker ran in the container: its temp private data dir is the container's /tmp, not
    # the exec node's TMPDIR.
    cwd = messages[0]["cwd"]
    assert messages[0]["status"] == "starting" and cwd.startswith("/tmp/"), messages[0]
    assert not cwd.startswith(str(pipelines.mesh.exec.tmp)), cwd
    got = pipelines.outcome(job, t, p)
    for key in ("status", "rc", "events", "counters", "event_stdout", "stdout", "files"):
        assert got[key] == base[key], f"{key}: {got[key]!r} != reference {base[key]!r}"


def cancel_mid_job(mesh, work_type, tmp, ident):
    """Submits a sleeping job, cancels the unit once the sleep runs; returns what came back.
    The marker is in the playbook's name (so in ansible-playbook's command line) and in the
    task's shell command; processes in the container show on the host's /proc."""
    marker = f"mk{uuid.uuid4().hex[:12]}"
    playbook = f"sleep-{marker}.yml"
    play = ("- hosts: all\n  gather_facts: false\n  tasks:\n"
            f"    - debug: msg=started\n    - shell: \"sleep 67; echo {marker}\"\n")
    pdd = write_pdd(tmp / f"src-{ident}", play, extra=lambda root: (root / "project" / playbook).write_text(play))
    unit = mesh.submit(work_type, transmit(REFERENCE, pdd, ident=ident, playbook=playbook))
    results = mesh.result_stream(unit)
    try:
        wait_until(lambda: pgrep(f"sleep 67; echo {marker}"), 90, what="the job's sleep running")
        running = {"playbook": len(pgrep(f"ansible-playbook.*{marker}")) > 0,
                   "containers": len(containers(mesh.container_prefix))}
        started = time.monotonic()
        mesh.controller.ctl("work", "cancel", unit, timeout=40)
        wait_until(lambda: not pgrep(marker), 40, what=f"no process left with {marker}")
        seconds = time.monotonic() - started
    finally:
        raw, how = results.wait(timeout=60)
    state = mesh.units()[unit]["StateName"]
    messages = split_stream(raw) if how == "eof" else []
    out = tmp / f"out-{ident}"
    proc = process(REFERENCE, raw, out, ident=ident)
    seen = outcome(proc, out, ident)
    mesh.release(unit)
    return {"how": how, "state": state, "last_status": (statuses(messages) or [None])[-1],
            "status": seen["status"], "rc": seen["rc"], "events": seen["events"],
            "seconds": round(seconds, 1), "running": running}


def test_cancel_in_ee_ends_like_the_reference_and_leaves_nothing(ee_mesh, tmp_path):
    ref = cancel_mid_job(ee_mesh, REF_TYPE, tmp_path, "cancel_ref")
    ee = cancel_mid_job(ee_mesh, EE_TYPE, tmp_path, "cancel_ee")
    print("work cancel: reference on the host", ref, "| ours in the EE", ee)
    deadline = time.monotonic() + 30
    while containers(ee_mesh.container_prefix) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert containers(ee_mesh.container_prefix) == [], "a canceled unit left its container"
    assert ref["running"] == {"playbook": True, "containers": 0}
    assert ee["running"] == {"playbook": True, "containers": 1}, "the job did not run in a container"
    for key in ("how", "state", "last_status", "status", "rc", "events"):
        assert ee[key] == ref[key], f"{key}: EE {ee[key]!r} != reference {ref[key]!r}"

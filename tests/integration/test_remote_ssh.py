"""transmit | ssh node worker | process across two hosts (network namespaces), with faults.

The controller and the node are network namespaces joined by a veth pair (netns_hosts.py); the
node runs Debian's sshd, the controller's ssh client carries the job stream to `worker` on the
node and the result stream back. The node shares this filesystem, so the worker binary has the
same path there. Runs every controller/worker pairing of ours and the reference, then breaks the
transport mid-job: worker killed, sshd session killed, link cut, controller cancelled.

Needs root and `ip netns`; skipped otherwise (exit 125 when run alone, as ctest does).
"""
import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import OURS, REFERENCE
import netns_hosts
from netns_hosts import NODE_ADDR


# The node's environment: Debian's default PATH, not whatever the test runner has.
NODE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
INVENTORY = "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
# Where the job ran: the node's veth address shows only inside the node namespace.
WHERE_PLAYBOOK = """\
- hosts: all
  gather_facts: false
  tasks:
    - name: where am I
      command: /usr/sbin/ip -o -4 addr show
    - debug:
        msg: ran on the node
"""
FAILING_PLAYBOOK = """\
- hosts: all
  gather_facts: false
  tasks:
    - command: /bin/false
"""
# A long quiet task; the marker (seconds with a unique fraction) lets pgrep find this job only.
LONG_PLAYBOOK = """\
- hosts: all
  gather_facts: false
  tasks:
    - debug:
        msg: before the long task
    - command: sleep {marker}
    - debug:
        msg: after the long task
"""

PIPELINE_TIMEOUT = 90      # a whole healthy job
FAULT_NOTICED_WITHIN = 10  # seconds from the fault to `process` exiting
SSH_ALIVE_INTERVAL = 1
SSH_ALIVE_COUNT = 3
REMOTE_STOP_WITHIN = 10    # seconds for the node to stop an orphaned job
SSHD_GIVES_UP_WITHIN = 60  # seconds for the node's sshd to drop a client behind a cut link
LINK_CUT_KEEPALIVE = 3     # the worker's keepalive in the link-cut test: > ClientAliveInterval
# Known gap (reported on issue 7): our worker, like the reference's, ignores write errors on its
# result stream and runs the job to its end after the controller side went away. While True, the
# "job stopped on the node" checks end as xfail instead of failing; set to False once the worker
# cancels the job when its stdout is closed.
WORKER_IGNORES_CLOSED_STREAM = False

BINARIES = {"ours": OURS, "ref": REFERENCE}


@pytest.fixture(scope="module", autouse=True)
def _requirements():
    """Skips without root, `ip netns` or sshd: exit 125 (ctest's "skipped") when this file runs
    alone, as ctest runs it; a plain skip inside a wider pytest run."""
    why_not = netns_hosts.unavailable()
    if why_not:
        targets = [a for a in sys.argv[1:] if not a.startswith("-") and ".py" in a]
        if targets and all(Path(a.split("::")[0]).resolve() == Path(__file__).resolve() for a in targets):
            pytest.exit(f"skipped: {why_not}", returncode=125)
        pytest.skip(why_not)


@pytest.fixture(scope="module")
def hosts(_requirements, tmp_path_factory):
    """The controller/node pair with sshd; torn down (sshd killed, namespaces deleted) even when
    a test fails."""
    pair = netns_hosts.NetnsHosts(tmp_path_factory.mktemp("hosts"), tag=str(os.getpid()))
    try:
        pair.start(client_alive_interval=1, client_alive_count_max=3)
        yield pair
    finally:
        pair.close()


@pytest.fixture
def node(hosts):
    """The pair for one test: afterwards the link is up again and nothing the test started is
    still running on the node (only the sshd listener stays)."""
    yield hosts
    hosts.set_link(True)
    for pid in hosts.pids_in_node():
        if pid != hosts.sshd.pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def binary(which):
    path = BINARIES[which]
    if not os.access(path, os.X_OK):
        if which == "ref":
            pytest.skip("reference ansible-runner is not installed")
        pytest.fail(f"binary not built: {path}")
    return path


def make_pdd(root, playbook_text, name="test.yml"):
    root = Path(root)
    (root / "project").mkdir(parents=True)
    (root / "inventory").mkdir()
    (root / "project" / name).write_text(playbook_text)
    (root / "inventory" / "hosts").write_text(INVENTORY)
    return root


class Pipeline:
    """`transmit <pdd> | ssh root@node <worker> worker ... | process <pdd>` as three processes,
    so each end can be signalled on its own. Always call close()."""

    def __init__(self, hosts, controller_bin, worker_bin, pdd, playbook, ident, worker_dir,
                 worker_args=(), alive_interval=None, log_dir=None):
        self.hosts = hosts
        self.worker_dir = Path(worker_dir)
        self.remote = ["env", f"PATH={NODE_PATH}", worker_bin, "worker",
                       "--private-data-dir", str(worker_dir), "--delete", *worker_args]
        log_dir = Path(log_dir or pdd.parent)
        self.ssh_err = open(log_dir / f"ssh-{ident}.err", "w+b")
        self.procs = []
        self.transmit = self._start([controller_bin, "transmit", str(pdd), "-p", playbook, "--ident", ident],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.ssh = self._start(hosts.ssh_argv(self.remote, alive_interval=alive_interval,
                                              alive_count_max=SSH_ALIVE_COUNT, log_level="INFO"),
                               stdin=self.transmit.stdout, stdout=subprocess.PIPE, stderr=self.ssh_err)
        self.transmit.stdout.close()
        self.process = self._start([controller_bin, "process", str(pdd), "--ident", ident],
                                   stdin=self.ssh.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.ssh.stdout.close()

    def _start(self, argv, **kwargs):
        proc = subprocess.Popen(argv, **kwargs)
        self.procs.append(proc)
        return proc

    def wait(self, timeout=PIPELINE_TIMEOUT):
        """Waits for all three; returns (transmit rc, ssh rc, process rc, process stdout, process
        stderr) as text."""
        out, err = self.process.communicate(timeout=timeout)
        ssh_rc = self.ssh.wait(timeout=timeout)
        _, t_err = self.transmit.communicate(timeout=timeout)
        assert self.transmit.returncode == 0, t_err.decode(errors="replace")
        return (self.transmit.returncode, ssh_rc, self.process.returncode,
                out.decode(errors="replace"), err.decode(errors="replace"))

    def ssh_stderr(self):
        self.ssh_err.seek(0)
        return self.ssh_err.read().decode(errors="replace")

    def describe(self):
        return f"remote command: {shlex.join(self.remote)}\nssh stderr: {self.ssh_stderr()}"

    def close(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            for stream in (proc.stdout, proc.stderr):
                if stream is not None and not isinstance(stream, int):
                    stream.close()
        self.ssh_err.close()


def wait_for(predicate, timeout, interval=0.2):
    """Polls predicate until it returns a truthy value or timeout seconds pass; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def read_events(artifact_dir):
    events = [json.loads(p.read_text()) for p in (artifact_dir / "job_events").glob("*.json")]
    return sorted(events, key=lambda e: e["counter"])


def check_artifacts(artifact_dir, ident, status, rc):
    assert (artifact_dir / "status").read_text() == status
    assert (artifact_dir / "rc").read_text() == str(rc)
    stdout = (artifact_dir / "stdout").read_text()
    assert "PLAY RECAP" in stdout
    events = read_events(artifact_dir)
    assert [e["counter"] for e in events] == list(range(1, len(events) + 1))
    names = [e["event"] for e in events]
    assert names[0] == "playbook_on_start" and names[-1] == "playbook_on_stats", names
    assert all(e["runner_ident"] == ident for e in events)
    assert all(e["uuid"] for e in events)
    return events


# ---- healthy jobs across a real transport --------------------------------------------------
PAIRS = [("ours", "ours"), ("ref", "ref"), ("ours", "ref"), ("ref", "ours")]


@pytest.mark.parametrize("controller,worker", PAIRS, ids=[f"{c}-ctl-{w}-worker" for c, w in PAIRS])
def test_playbook_over_ssh(node, tmp_path, controller, worker):
    ctl_bin, worker_bin = binary(controller), binary(worker)
    pdd = make_pdd(tmp_path / "pdd", WHERE_PLAYBOOK)
    worker_dir = tmp_path / "node" / "pdd"
    worker_dir.mkdir(parents=True)
    (worker_dir / "stale-file").write_text("--delete removes this before the job")
    ident = f"ssh-{controller}-{worker}"
    pipe = Pipeline(node, ctl_bin, worker_bin, pdd, "test.yml", ident, worker_dir)
    try:
        _, ssh_rc, process_rc, out, err = pipe.wait()
    finally:
        pipe.close()
    assert ssh_rc == 0, pipe.describe()   # ssh exits with the worker's exit code
    assert process_rc == 0, err
    assert "PLAY RECAP" in out and "ran on the node" in out
    artifact_dir = pdd / "artifacts" / ident
    events = check_artifacts(artifact_dir, ident, "successful", 0)
    where = [e for e in events if e["event"] == "runner_on_ok"
             and e["event_data"].get("task") == "where am I"]
    assert len(where) == 1
    assert f"inet {NODE_ADDR}/" in where[0]["event_data"]["res"]["stdout"], "the job did not run on the node"
    assert not worker_dir.exists(), "worker --delete left its private data dir"
    assert node.node_pgrep(f"--private-data-dir {worker_dir}") == []


@pytest.mark.parametrize("side", ["ours", "ref"])
def test_failed_job_over_ssh(node, tmp_path, side):
    """The job's rc travels back: the worker (so ssh) exits 2, the artifacts say failed/2, and our
    process exits with the rc (the reference's process always exits 0)."""
    exe = binary(side)
    pdd = make_pdd(tmp_path / "pdd", FAILING_PLAYBOOK)
    ident = f"ssh-failed-{side}"
    pipe = Pipeline(node, exe, exe, pdd, "test.yml", ident, tmp_path / "node" / "pdd")
    try:
        _, ssh_rc, process_rc, _, err = pipe.wait()
    finally:
        pipe.close()
    assert ssh_rc == 2, pipe.describe()
    assert process_rc == (2 if side == "ours" else 0), err
    check_artifacts(pdd / "artifacts" / ident, ident, "failed", 2)


# ---- faults (ours on both ends) -------------------------------------------------------------
class LongJob:
    """A job parked in `command: sleep <marker>` on the node."""

    def __init__(self, node, tmp_path, name, worker_args=(), alive_interval=None):
        exe = binary("ours")
        self.node = node
        self.marker = f"{77 + secrets.randbelow(20)}.{secrets.randbelow(10**6):06d}"
        self.ident = f"ssh-{name}"
        self.pdd = make_pdd(tmp_path / "pdd", LONG_PLAYBOOK.format(marker=self.marker), name=f"{name}.yml")
        self.worker_dir = tmp_path / "node" / "pdd"
        self.playbook_pattern = f"ansible-playbook.*{name}\\.yml"
        self.pipe = Pipeline(node, exe, exe, self.pdd, f"{name}.yml", self.ident, self.worker_dir,
                             worker_args=worker_args, alive_interval=alive_interval)

    def wait_until_parked(self):
        found = wait_for(lambda: self.node.node_pgrep(f"sleep {self.marker}"), 45)
        assert found, f"the job never reached its long task\n{self.pipe.describe()}"
        time.sleep(1)  # let the task's events reach the controller
        self.worker = self.worker_pid()
        self.session = netns_hosts.parent_pid(self.worker)  # "sshd: root@notty", this connection's sshd
        assert self.session and "sshd" in Path(f"/proc/{self.session}/cmdline").read_text()

    def worker_pid(self):
        pids = self.node.node_pgrep(f"worker --private-data-dir {self.worker_dir}")
        assert len(pids) == 1, pids
        return pids[0]

    def remote_job(self):
        """Pids on the node still belonging to the job: worker, ansible-playbook, the sleep."""
        return (self.node.node_pgrep(f"worker --private-data-dir {self.worker_dir}")
                + self.node.node_pgrep(self.playbook_pattern)
                + self.node.node_pgrep(f"sleep {self.marker}"))

    def expect_process_error(self, fault_time, within=FAULT_NOTICED_WITHIN):
        """`process` exits 1 (error) within `within` seconds of the fault, having printed the
        output from before the fault, and no successful status is recorded."""
        try:
            out, err = self.pipe.process.communicate(timeout=within + 20)
        except subprocess.TimeoutExpired:
            pytest.fail(f"process hangs after the fault\n{self.pipe.describe()}")
        elapsed = time.monotonic() - fault_time
        rc = self.pipe.process.returncode
        assert elapsed < within, f"process took {elapsed:.1f}s to notice"
        assert rc == 1, f"process exited {rc} after a broken stream\nstderr: {err!r}"
        status = self.pdd / "artifacts" / self.ident / "status"
        assert not status.exists() or status.read_text() != "successful"
        out = out.decode(errors="replace")
        assert "before the long task" in out      # the events before the fault did arrive
        assert "after the long task" not in out
        return rc, err.decode(errors="replace")

    def expect_remote_stopped(self):
        if wait_for(lambda: not self.remote_job(), REMOTE_STOP_WITHIN, interval=0.5):
            return
        message = (f"the job is still running on the node {REMOTE_STOP_WITHIN}s after its result "
                   f"stream closed: pids {self.remote_job()}")
        if WORKER_IGNORES_CLOSED_STREAM:
            pytest.xfail(message)
        pytest.fail(message)

    def close(self):
        self.pipe.close()


@pytest.fixture
def long_job(node, tmp_path):
    jobs = []

    def start(name, **kwargs):
        jobs.append(LongJob(node, tmp_path, name, **kwargs))
        return jobs[-1]

    yield start
    for job in jobs:
        job.close()


def test_worker_killed_mid_job(long_job):
    job = long_job("killworker")
    job.wait_until_parked()
    os.kill(job.worker, signal.SIGKILL)
    job.expect_process_error(time.monotonic())
    assert job.pipe.ssh.wait(timeout=10) == 255
    # Ansible itself survives a SIGKILLed worker (it ignores SIGHUP, as under the reference's
    # pexpect); the node fixture kills it.


def test_sshd_session_killed_mid_job(long_job):
    job = long_job("killsshd")
    job.wait_until_parked()
    os.kill(job.session, signal.SIGKILL)
    job.expect_process_error(time.monotonic())
    assert job.pipe.ssh.wait(timeout=10) == 255
    # The worker lost both its pipes: it must stop the job rather than run on unobserved.
    job.expect_remote_stopped()


def test_link_cut_mid_job(node, long_job):
    # The worker's keepalives are spaced wider than sshd's ClientAliveInterval: sshd probes its
    # client only after an interval with no session traffic, so keepalives every second can put
    # its check off for a minute or more (seen in CI). With gaps of 3 s it runs at least twice per
    # gap and gives up after about 6 s; the worker then hits the closed pipe at its next keepalive.
    job = long_job("linkcut", worker_args=["--keepalive-seconds", str(LINK_CUT_KEEPALIVE)],
                   alive_interval=SSH_ALIVE_INTERVAL)
    job.wait_until_parked()
    node.set_link(False)
    # ssh gives up after ServerAliveCountMax unanswered probes, one per interval: ~4 s here.
    job.expect_process_error(time.monotonic(), within=SSH_ALIVE_INTERVAL * (SSH_ALIVE_COUNT + 1) + 3)
    assert job.pipe.ssh.wait(timeout=10) == 255
    assert "Timeout, server" in job.pipe.ssh_stderr()
    # sshd on the node gives up on the client too (ClientAliveInterval 1, count 3) and closes
    # the session's pipes.
    gone = wait_for(lambda: netns_hosts.parent_pid(job.session) is None, SSHD_GIVES_UP_WITHIN, 0.5)
    assert gone, f"sshd kept the session {SSHD_GIVES_UP_WITHIN}s after the link was cut"
    assert "Timeout, client not responding" in node.sshd_log.read_text()
    # Then the job must not keep running there.
    job.expect_remote_stopped()


def test_controller_cancel_stops_remote_job(long_job):
    job = long_job("cancel")
    job.wait_until_parked()
    job.pipe.ssh.send_signal(signal.SIGTERM)
    job.expect_process_error(time.monotonic())
    job.expect_remote_stopped()
    assert wait_for(lambda: not job.worker_dir.exists(), 5), "worker --delete left its dir after cancel"

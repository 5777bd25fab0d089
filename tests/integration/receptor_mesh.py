"""A three-node Receptor mesh on loopback for the scale-out tests (test_receptor_mesh.py).

    controller --tcp--> hop --tcp--> exec

Each node is its own `receptor` process with its own YAML config, node id, data dir and control
socket under one temp root; the listeners bind 127.0.0.1 on free ports picked here. The execution
node runs `work-command` work types whose command is an ansible-runner `worker` (AWX's layout).
Receptor and receptorctl come from scripts/install-receptor.sh (pinned, into build/tools).

Everything is bounded: every receptorctl call has a timeout, result streams are read until
`{"eof": true}` or a deadline (receptorctl `work results` does not return for a canceled unit or
a lost node), and `Mesh.stop()` kills the receptors and every process they started (the command
runners are detached into their own sessions, so they are tracked by pid, not by group).
"""
import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from conftest import SOURCE_DIR

TOOLS = Path(os.environ.get("AR_TOOLS_DIR", SOURCE_DIR / "build" / "tools"))
RECEPTOR = TOOLS / "bin" / "receptor"
RECEPTORCTL = TOOLS / "venv" / "bin" / "receptorctl"
INSTALL_SCRIPT = SOURCE_DIR / "scripts" / "install-receptor.sh"
REGISTRY_UNREACHABLE = 75  # install-receptor.sh's exit code when a registry cannot be reached
EOF_LINE = b'{"eof": true}\n'


def install_receptor(timeout=780):
    """Runs scripts/install-receptor.sh; returns (exit code, its stderr text)."""
    proc = subprocess.run(["bash", str(INSTALL_SCRIPT)], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout,
                          env={**os.environ, "AR_TOOLS_DIR": str(TOOLS)})
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def free_ports(n):
    """n distinct TCP ports on 127.0.0.1 that were free a moment ago (bound, then released)."""
    socks, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def port_is_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until(predicate, timeout, interval=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def _children_map():
    """{ppid: [pid, ...]} of every process on the machine."""
    children = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def descendants(*pids):
    """Every live descendant pid of pids (snapshot)."""
    children, out, todo = _children_map(), [], list(pids)
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def start_time(pid):
    """Kernel start time of pid (guards against pid reuse), or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()[19]


def pgrep(marker):
    """Pids (not ours) whose command line contains marker."""
    out = subprocess.run(["pgrep", "-f", marker], stdout=subprocess.PIPE, timeout=10).stdout
    return [int(p) for p in out.split() if int(p) != os.getpid()]


class Node:
    def __init__(self, mesh, name, port=None, peer=None, work_types=()):
        self.mesh, self.name, self.port, self.peer = mesh, name, port, peer
        self.work_types = list(work_types)
        self.dir = mesh.root / name
        self.socket = self.dir / "ctl.sock"
        self.config = self.dir / "receptor.yml"
        self.log = self.dir / "receptor.log"
        self.tmp = self.dir / "tmp"  # TMPDIR of the node: workers' temp private data dirs land here
        self.proc = None

    def config_text(self):
        lines = ["---",
                 "- node:", f"    id: {self.name}", f"    datadir: {self.dir / 'data'}",
                 "- log-level: info",
                 "- control-service:", "    service: control", f"    filename: {self.socket}"]
        if self.port:
            lines += ["- tcp-listener:", "    bindaddr: 127.0.0.1", f"    port: {self.port}"]
        if self.peer:
            lines += ["- tcp-peer:", f"    address: 127.0.0.1:{self.peer.port}", "    redial: true"]
        for wt in self.work_types:
            lines += ["- work-command:", f"    worktype: {wt['worktype']}", f"    command: {wt['command']}",
                      f"    params: {wt['params']}", "    allowruntimeparams: true"]
        return "\n".join(lines) + "\n"

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(exist_ok=True)
        self.config.write_text(self.config_text())
        if self.port and not port_is_free(self.port):
            raise RuntimeError(f"port {self.port} for {self.name} is taken")
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([str(RECEPTOR), "--config", str(self.config)], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                         env={**os.environ, "TMPDIR": str(self.tmp)})
        self.mesh.track(self.proc.pid)
        wait_until(lambda: self.socket.exists() or self.proc.poll() is not None, 20, what=f"{self.name} socket")
        if self.proc.poll() is not None:
            raise RuntimeError(f"receptor {self.name} exited {self.proc.returncode}:\n{self.log.read_text()}")
        if self.port:
            wait_until(lambda: not port_is_free(self.port), 20, what=f"{self.name} listening on {self.port}")

    def kill(self):
        """SIGKILL this node's receptor (the processes it started are left alone, as in a crash)."""
        self.mesh.snapshot()
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def ctl(self, *args, input=None, timeout=30, check=True):
        """Runs receptorctl against this node's control socket; returns CompletedProcess."""
        proc = subprocess.run([str(RECEPTORCTL), "--socket", str(self.socket), *args], input=input,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        if check and proc.returncode != 0:
            raise RuntimeError(f"receptorctl {' '.join(args)} -> {proc.returncode}: {proc.stderr.decode()}"
                               f"{proc.stdout.decode()}")
        return proc

    def status(self):
        return json.loads(self.ctl("status", "--json").stdout)


class Mesh:
    """controller -- hop -- exec; work_types: [{"worktype", "command", "params"}] on exec."""

    def __init__(self, root, work_types):
        self.root = Path(root)
        self._pids = {}  # pid -> start time, everything the mesh ever started (snapshotted)
        ctl_port, hop_port = free_ports(2)
        self.controller = Node(self, "controller", port=ctl_port)
        self.hop = Node(self, "hop", port=hop_port, peer=self.controller)
        self.exec = Node(self, "exec", peer=self.hop, work_types=work_types)
        self.nodes = [self.controller, self.hop, self.exec]

    def track(self, pid):
        st = start_time(pid)
        if st is not None:
            self._pids.setdefault(pid, st)

    def alive(self):
        """Tracked pids that still run (same start time: not a reused pid)."""
        return [pid for pid, st in self._pids.items() if start_time(pid) == st]

    def snapshot(self):
        """Remembers every descendant of the receptors and of what they started (a killed
        node's command runners live on), so stop() can kill it later."""
        roots = [n.proc.pid for n in self.nodes if n.proc and n.proc.poll() is None] + self.alive()
        for pid in descendants(*roots):
            self.track(pid)

    def start(self, timeout=60):
        for node in self.nodes:  # in dial order, each listener is up before its peer dials it
            node.start()
        wait_until(lambda: "exec" in self.controller.status().get("RoutingTable", {}), timeout,
                   interval=0.5, what="route controller -> exec")
        return self

    def stop(self):
        """Stops the receptors (SIGTERM, then SIGKILL) and kills whatever they started."""
        self.snapshot()
        for pid in pgrep(str(self.root)):
            self.track(pid)
        for node in self.nodes:
            if node.proc and node.proc.poll() is None:
                node.proc.terminate()
        for node in self.nodes:
            if node.proc:
                try:
                    node.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    node.proc.kill()
                    node.proc.wait(timeout=5)
        self.snapshot()
        for pid in self.alive():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    # --- work units -------------------------------------------------------------------------
    def submit(self, work_type, payload, params=None, node="exec", timeout=30):
        """Submits payload bytes as stdin of a unit on node; returns the unit id."""
        args = ["work", "submit", "--node", node, "--payload", "-"]
        if params is not None:
            args += ["--param", f"params={params}"]
        out = self.controller.ctl(*args, work_type, input=payload, timeout=timeout).stdout.decode()
        for line in out.splitlines():
            if line.startswith("Unit ID:"):
                return line.split(":", 1)[1].strip()
        raise RuntimeError(f"no unit id in: {out}")

    def results(self, unit, timeout=120, stall=None, until_eof=True):
        """`work results unit` read to the end; see ResultStream.wait for (bytes, how)."""
        return ResultStream(self, unit, until_eof).wait(timeout, stall)

    def result_stream(self, unit, until_eof=True):
        return ResultStream(self, unit, until_eof)

    def units(self, node=None):
        return json.loads((node or self.controller).ctl("work", "list").stdout)

    def release(self, unit):
        self.controller.ctl("work", "release", unit, timeout=30, check=False)


class ResultStream:
    """`receptorctl work results unit` on the controller, read in a thread as it arrives."""

    def __init__(self, mesh, unit, until_eof=True):
        self.until_eof = until_eof
        self.proc = subprocess.Popen([str(RECEPTORCTL), "--socket", str(mesh.controller.socket), "work", "results",
                                      unit], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.buf = bytearray()
        self.last = time.monotonic()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    @property
    def data(self):
        return bytes(self.buf)

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(65536)
            if not chunk:
                break
            self.buf.extend(chunk)
            self.last = time.monotonic()
            if self.until_eof and self.buf.endswith(EOF_LINE):
                break
        self.done.set()

    def wait(self, timeout=120, stall=None):
        """Returns (bytes, how): how is "eof" (the stream ended with {"eof": true}), "exit"
        (receptorctl returned by itself), "timeout" (deadline) or "stall" (no byte for `stall`
        seconds, counted from this call at the earliest). receptorctl is killed afterwards."""
        now = time.monotonic()
        deadline, quiet_since = now + timeout, now
        how = None
        while how is None:
            if self.done.wait(0.1):
                how = "eof" if self.until_eof and self.buf.endswith(EOF_LINE) else "exit"
            elif time.monotonic() > deadline:
                how = "timeout"
            elif stall is not None and time.monotonic() - max(self.last, quiet_since) > stall:
                how = "stall"
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self.thread.join(timeout=5)
        return self.data, how


def wrapper_script(path, binary, env):
    """A work command that sets env vars for the worker (receptor's work-command has no env
    option): `VAR=value ... exec <binary> "$@"`."""
    exports = "".join(f"export {k}='{v}'\n" for k, v in env.items())
    Path(path).write_text(f"#!/bin/sh\n{exports}exec '{binary}' \"$@\"\n")
    os.chmod(path, 0o755)
    return str(path)

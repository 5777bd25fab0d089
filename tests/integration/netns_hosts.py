"""Two throwaway "hosts" for transport tests: a controller and a node, each a network namespace,
joined by a veth pair on a private /30, with Debian's OpenSSH server on the node.

Nothing leaves the two namespaces: sshd listens only on the node's veth address, the client runs
inside the controller namespace, and both namespaces are deleted on close(). Processes started
inside the node namespace share this host's filesystem and pid namespace, so the worker binary
has the same path on both "hosts" and `pgrep` sees remote jobs.

Needs root, `ip netns` (iproute2) and /usr/sbin/sshd (openssh-server); `unavailable()` says why
not, so tests can skip.
"""
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

IP = "/usr/sbin/ip" if os.path.exists("/usr/sbin/ip") else "/sbin/ip"
SSHD = "/usr/sbin/sshd"
SSH = "/usr/bin/ssh"
SSH_KEYGEN = "/usr/bin/ssh-keygen"

# A private /30 that exists only between the two namespaces.
CONTROLLER_ADDR = "10.231.77.1"
NODE_ADDR = "10.231.77.2"
PREFIX = 30
SSH_PORT = 22


def run(argv, timeout=20, check=True, **kwargs):
    """subprocess.run with a timeout and captured text output."""
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout, check=check, **kwargs)


def unavailable():
    """Why the harness cannot run here (a string), or None."""
    if os.geteuid() != 0:
        return "needs root for ip netns"
    for tool in (IP, SSHD, SSH, SSH_KEYGEN):
        if not os.access(tool, os.X_OK):
            return f"{tool} is not installed"
    probe = f"arprobe{os.getpid()}"
    try:
        run([IP, "netns", "add", probe], timeout=10)
    except (subprocess.SubprocessError, OSError) as exc:
        return f"ip netns is unavailable: {getattr(exc, 'stderr', '') or exc}"
    run([IP, "netns", "delete", probe], timeout=10, check=False)
    return None


class NetnsHosts:
    """The controller/node namespace pair plus the node's sshd. Use as a context manager or call
    close(), which is safe to call on a half-built instance and more than once."""

    def __init__(self, workdir, tag=None):
        tag = tag or str(os.getpid())
        self.workdir = Path(workdir)
        self.controller = f"arssh{tag}c"
        self.node = f"arssh{tag}n"
        # Interface names are limited to 15 characters.
        self.controller_if = f"arc{tag}"[:15]
        self.node_if = f"arn{tag}"[:15]
        self.sshd = None
        self.sshd_log = self.workdir / "sshd.log"
        self.client_key = self.workdir / "client_key"
        self._namespaces = []
        self._sshd_log_file = None

    # ---- setup ---------------------------------------------------------------------------
    def start(self, client_alive_interval=1, client_alive_count_max=3):
        self.workdir.mkdir(parents=True, exist_ok=True)
        sweep_stale()
        for ns in (self.controller, self.node):
            run([IP, "netns", "add", ns])
            self._namespaces.append(ns)
        run([IP, "link", "add", self.controller_if, "netns", self.controller,
             "type", "veth", "peer", "name", self.node_if, "netns", self.node])
        for ns, ifname, addr in ((self.controller, self.controller_if, CONTROLLER_ADDR),
                                 (self.node, self.node_if, NODE_ADDR)):
            self.ns_run(ns, [IP, "link", "set", "lo", "up"])
            self.ns_run(ns, [IP, "addr", "add", f"{addr}/{PREFIX}", "dev", ifname])
            self.ns_run(ns, [IP, "link", "set", ifname, "up"])
        self._start_sshd(client_alive_interval, client_alive_count_max)
        self._wait_for_ssh()
        return self

    def _start_sshd(self, interval, count_max):
        host_key = self.workdir / "host_ed25519"
        run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "node-host", "-f", str(host_key)])
        run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "controller", "-f", str(self.client_key)])
        authorized = self.workdir / "authorized_keys"
        authorized.write_text(Path(f"{self.client_key}.pub").read_text())
        authorized.chmod(0o600)
        config = self.workdir / "sshd_config"
        config.write_text("\n".join([
            f"ListenAddress {NODE_ADDR}:{SSH_PORT}",
            f"HostKey {host_key}",
            f"PidFile {self.workdir / 'sshd.pid'}",
            f"AuthorizedKeysFile {authorized}",
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",  # the key files live under a world-traversable temp dir
            f"ClientAliveInterval {interval}",
            f"ClientAliveCountMax {count_max}",
            "PrintMotd no",
            "PrintLastLog no",
            "X11Forwarding no",
            "AllowTcpForwarding no",
            "AllowAgentForwarding no",
            "PermitTunnel no",
            "LogLevel VERBOSE",
            "",
        ]))
        # Debian's sshd needs its privilege separation directory (the service unit creates it).
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        self._sshd_log_file = open(self.sshd_log, "ab")
        self.sshd = subprocess.Popen(
            [IP, "netns", "exec", self.node, SSHD, "-D", "-e", "-f", str(config)],
            stdin=subprocess.DEVNULL, stdout=self._sshd_log_file, stderr=subprocess.STDOUT)

    def _wait_for_ssh(self, timeout=15):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.sshd.poll() is not None:
                raise RuntimeError(f"sshd exited {self.sshd.returncode}: {self.sshd_log.read_text()}")
            proc = run(self.ssh_argv("true", connect_timeout=2), timeout=10, check=False)
            if proc.returncode == 0:
                return
            last = proc.stderr
            time.sleep(0.2)
        raise RuntimeError(f"sshd on {NODE_ADDR} did not accept the client key: {last}\n"
                           f"{self.sshd_log.read_text()}")

    # ---- use -----------------------------------------------------------------------------
    def ns_run(self, ns, argv, timeout=20, check=True):
        """Runs argv inside namespace ns."""
        return run([IP, "netns", "exec", ns] + list(argv), timeout=timeout, check=check)

    def ssh_argv(self, remote_command, alive_interval=None, alive_count_max=3, connect_timeout=5,
                 log_level="ERROR"):
        """The client command line, to run as is: it enters the controller namespace itself
        (`ip netns exec` execs ssh, so the returned process is the ssh client). log_level INFO
        makes ssh say why it gave up (e.g. "Timeout, server ... not responding")."""
        argv = [IP, "netns", "exec", self.controller, SSH, "-F", "/dev/null", "-T",
                "-i", str(self.client_key), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", f"LogLevel={log_level}",
                "-o", f"ConnectTimeout={connect_timeout}", "-p", str(SSH_PORT)]
        if alive_interval:
            argv += ["-o", f"ServerAliveInterval={alive_interval}",
                     "-o", f"ServerAliveCountMax={alive_count_max}"]
        if not isinstance(remote_command, str):
            remote_command = shlex.join(remote_command)
        return argv + [f"root@{NODE_ADDR}", remote_command]

    def set_link(self, up):
        """Brings the node's end of the veth pair up or down (down cuts the link). Bringing it
        up waits until the controller reaches sshd again: neighbour entries that failed while
        the link was down otherwise give the next connection "No route to host"."""
        self.ns_run(self.node, [IP, "link", "set", self.node_if, "up" if up else "down"])
        if not up:
            return
        for ns in (self.controller, self.node):
            self.ns_run(ns, [IP, "neigh", "flush", "all"])
        deadline = time.monotonic() + 15
        probe = [IP, "netns", "exec", self.controller, sys.executable, "-c",
                 "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()",
                 NODE_ADDR, str(SSH_PORT)]
        while time.monotonic() < deadline:
            if subprocess.run(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=10).returncode == 0:
                return
            time.sleep(0.2)

    # ---- teardown ------------------------------------------------------------------------
    def close(self):
        if self.sshd is not None and self.sshd.poll() is None:
            self.sshd.send_signal(signal.SIGTERM)
            try:
                self.sshd.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.sshd.kill()
                self.sshd.wait(timeout=5)
        # Session processes sshd forked for connections outlive the listener; they are ours.
        for pid in self.pids_in_node():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self._sshd_log_file is not None:
            self._sshd_log_file.close()
            self._sshd_log_file = None
        for ns in reversed(self._namespaces):
            run([IP, "netns", "delete", ns], timeout=10, check=False)
        self._namespaces = []

    def pids_in_node(self):
        """Pids of processes running inside the node namespace."""
        if self.node not in self._namespaces:
            return []
        proc = run([IP, "netns", "pids", self.node], timeout=10, check=False)
        return [int(p) for p in proc.stdout.split()]

    def node_pgrep(self, pattern):
        """Pids inside the node namespace whose full command line matches pattern."""
        inside = set(self.pids_in_node())
        return [pid for pid in pgrep(pattern) if pid in inside]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


def sweep_stale():
    """Deletes the namespaces (and kills what runs in them) of earlier runs of this harness whose
    test process is gone, e.g. killed by a timeout before its teardown ran. Names carry the
    pid of the test process that made them: arssh<pid>c / arssh<pid>n."""
    listing = run([IP, "netns", "list"], timeout=10, check=False).stdout
    for line in listing.splitlines():
        name = line.split()[0] if line.split() else ""
        match = re.fullmatch(r"arssh(\d+)[cn]", name)
        if not match or _alive(int(match.group(1))):
            continue
        pids = run([IP, "netns", "pids", name], timeout=10, check=False).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        run([IP, "netns", "delete", name], timeout=10, check=False)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def parent_pid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def pgrep(pattern):
    """Pids whose full command line matches pattern (pgrep -f), excluding this process."""
    proc = run(["pgrep", "-f", pattern], timeout=10, check=False)
    return [int(p) for p in proc.stdout.split() if int(p) != os.getpid()]

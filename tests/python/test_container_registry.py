"""Registry authentication for container jobs (issue: execution environments).

`container_auth_data` is the Python API's way (2.3.1 has no CLI option for it) to give a job the
credentials of the registry its image is pulled from: the runner writes them to an auth file in
a temp dir and passes `--authfile=` to podman (`--config=` the dir to docker); with
`verify_ssl: False` it also writes a registries.conf marking the host insecure and points
CONTAINERS_REGISTRIES_CONF at it.

Set-up (module fixture): a Docker registry from Debian's archive (`docker-registry`) on a free
loopback port, plain HTTP, htpasswd (bcrypt) auth; the container tests' base image
(scripts/ee-image.sh base) pushed into it with the right credentials; podman told the registry
is insecure by a registries.conf of our own (CONTAINERS_REGISTRIES_CONF; /etc is left alone).
Before every job the local copy of the pushed tag is removed, so the job has to pull it.

The same job (tests/python/consumers/registry_auth.py, under the reference's venv and ours):
* right credentials (our registries.conf, and verify_ssl False with the runner's): successful,
  same rc/events/stdout/command as the reference, the image was pulled;
* wrong credentials: the same status and rc as the reference (podman cannot pull);
* the auth file is 0600 in a 0700 dir under TMPDIR while the job runs; the reference keeps it
  until its process exits (atexit), ours removes it when the job ends: nothing is left after;
* no credential (the password, or the base64 user:password token) in the `command` artifact,
  the events, stdout, `env` or env.list.

Skips, with the reason, when not root or when podman / docker-registry cannot be installed or
used here. Needs the venvs python.upstream makes (ctest DEPENDS)."""
import base64
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from reference import REFERENCE  # noqa: E402

HERE = Path(__file__).resolve().parent
SOURCE_DIR = Path(os.environ.get("AR_SOURCE_DIR", HERE.parents[1]))
BUILD = Path(os.environ.get("AR_BUILD_DIR", SOURCE_DIR / "build"))
PYTHONS = {
    "ref": os.environ.get("AR_PY_REF", str(BUILD / "py" / "venv-ref" / "bin" / "python")),
    "ours": os.environ.get("AR_PY_OURS", str(BUILD / "py" / "venv-ours" / "bin" / "python")),
}
DRIVER = HERE / "consumers" / "registry_auth.py"
USER = "runner-user"
PASSWORD = f"pw-{uuid.uuid4().hex}"
WRONG = f"wrong-{uuid.uuid4().hex}"
REPO = "ansible-runner-registry-test"
AUTH_DIR_RE = re.compile(r"ansible_runner_registry_<ident>_[a-z0-9_]{8}/")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(argv, timeout=120, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout, **kw)


class Registry:
    def __init__(self, root, port, image, env):
        self.root, self.port, self.image, self.env = root, port, image, env
        self.host = f"127.0.0.1:{port}"
        self.proc = None

    def local_tags(self):
        out = run(["podman", "images", "--format", "{{.Repository}}:{{.Tag}}"], env=self.env).stdout
        return [t for t in out.split() if t == self.image]

    def drop_local_copy(self):
        if self.local_tags():
            proc = run(["podman", "rmi", self.image], env=self.env)
            assert proc.returncode == 0, proc.stderr
        assert self.local_tags() == []


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("the registry test runs podman and a registry as root (runc, cgroupfs)")
    for which, python in PYTHONS.items():
        if not os.access(python, os.X_OK):
            pytest.fail(f"the {which} venv is missing: {python} (scripts/python-venvs.sh BUILD_DIR {which})")
    deps = run([str(SOURCE_DIR / "scripts" / "install-deps.sh"), "docker-registry", "apache2-utils"], timeout=900)
    if deps.returncode != 0 or not shutil.which("docker-registry") or not shutil.which("htpasswd"):
        pytest.skip(f"docker-registry / htpasswd cannot be installed here: {deps.stderr[-1500:]}")
    env = dict(os.environ, BUILD=str(BUILD))
    conf = BUILD / "containers" / "containers.conf"
    if conf.exists():
        env["CONTAINERS_CONF"] = str(conf)  # containers-env.sh keeps a caller's
    else:
        env.pop("CONTAINERS_CONF", None)
    base = run([str(SOURCE_DIR / "scripts" / "ee-image.sh"), "base"], env=env, timeout=900)
    if base.returncode != 0:
        if shutil.which("podman") is None:
            pytest.skip(f"podman is not available here: {base.stderr[-1500:]}")
        pytest.fail(f"scripts/ee-image.sh base failed:\n{base.stderr[-3000:]}")
    base_image = base.stdout.strip().splitlines()[-1]
    env["CONTAINERS_CONF"] = str(conf)

    root = tmp_path_factory.mktemp("registry")
    port = free_port()
    htpasswd = run(["htpasswd", "-Bbn", USER, PASSWORD])
    assert htpasswd.returncode == 0, htpasswd.stderr
    (root / "htpasswd").write_text(htpasswd.stdout)
    (root / "config.yml").write_text(f"""version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {root / 'data'}
http:
  addr: 127.0.0.1:{port}
  secret: {uuid.uuid4().hex}
auth:
  htpasswd:
    realm: ansible-runner-test
    path: {root / 'htpasswd'}
""")
    (root / "registries.conf").write_text(f'[[registry]]\nlocation = "127.0.0.1:{port}"\ninsecure = true\n')
    env["CONTAINERS_REGISTRIES_CONF"] = str(root / "registries.conf")
    reg = Registry(root, port, f"127.0.0.1:{port}/{REPO}:{base_image.rsplit(':', 1)[1]}", env)
    with open(root / "registry.log", "wb") as log:
        reg.proc = subprocess.Popen(["docker-registry", "serve", str(root / "config.yml")], stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert reg.proc.poll() is None, (root / "registry.log").read_text()
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "the registry does not listen"
            time.sleep(0.2)
        denied = run(["podman", "push", "--creds", f"{USER}:{WRONG}", base_image, reg.image], env=env, timeout=300)
        assert denied.returncode != 0, "the registry took a push with a wrong password"
        push = run(["podman", "push", "--creds", f"{USER}:{PASSWORD}", base_image, reg.image], env=env, timeout=300)
        if push.returncode != 0:
            pytest.fail(f"podman push into the test registry failed:\n{push.stderr[-3000:]}")
        yield reg
    finally:
        os.killpg(reg.proc.pid, signal.SIGTERM)
        try:
            reg.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(reg.proc.pid, signal.SIGKILL)
            reg.proc.wait(timeout=10)
        if reg.local_tags():
            run(["podman", "rmi", reg.image], env=env)
        shutil.rmtree(root, ignore_errors=True)


class Jobs:
    """Each job runs once: the driver under one venv, after the pushed tag is removed locally."""

    def __init__(self, registry, tmp):
        self.registry, self.tmp, self.cache = registry, tmp, {}

    def get(self, which, password, verify_ssl):
        key = (which, password, verify_ssl)
        if key not in self.cache:
            reg = self.registry
            reg.drop_local_copy()
            work = self.tmp / f"{which}-{'right' if password == PASSWORD else 'wrong'}-{verify_ssl}"
            (work / "tmp").mkdir(parents=True)
            env = dict(reg.env, TMPDIR=str(work / "tmp"), PYTHONDONTWRITEBYTECODE="1")
            env["PATH"] = f"{Path(PYTHONS[which]).parent}:{env.get('PATH', '/usr/bin:/bin')}"
            env.pop("PYTHONPATH", None)
            if verify_ssl == "false":  # the runner's own registries.conf has to do it
                env.pop("CONTAINERS_REGISTRIES_CONF", None)
            ident = f"reg_{which}"
            started = time.monotonic()
            proc = subprocess.run([PYTHONS[which], str(DRIVER), str(work), reg.image, reg.host, USER, password,
                                   verify_ssl, ident], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                  timeout=240, cwd=work)
            assert proc.returncode == 0, f"{which}: driver failed:\n{proc.stderr.decode()[-3000:]}"
            doc = json.loads(proc.stdout)
            doc["seconds"] = time.monotonic() - started
            doc["pulled"] = bool(reg.local_tags())
            # After the process: nothing of the credentials is left in its TMPDIR.
            doc["auth_after_exit"] = sorted(p.name for p in (work / "tmp").glob("ansible_runner_registry_*"))
            doc["containers_left"] = run(["podman", "ps", "-a", "--filter", f"name=^ansible_runner_{ident}$",
                                          "--format", "{{.Names}}"], env=reg.env).stdout.split()
            doc["text"] = proc.stdout.decode()
            self.cache[key] = doc
        return self.cache[key]


@pytest.fixture(scope="module")
def jobs(registry, tmp_path_factory):
    return Jobs(registry, tmp_path_factory.mktemp("jobs"))


def normalised_command(doc, which):
    """The `command` artifact with the per-run auth dir name and ident masked."""
    text = json.dumps(doc["command"]).replace(f"reg_{which}", "<ident>")
    return json.loads(AUTH_DIR_RE.sub("ansible_runner_registry_<ident>_<rand>/", text))


def assert_no_credentials(doc, password):
    token = base64.b64encode(f"{USER}:{password}".encode()).decode()
    for key in ("command", "events_raw", "stdout", "env", "env_list"):
        text = json.dumps(doc[key])
        assert password not in text, f"the password is in {key}"
        assert token not in text, f"the base64 credentials are in {key}"


def check_auth_files(doc, which, verify_ssl):
    """0600 files in a 0700 dir under TMPDIR during the job; nothing once the process is gone."""
    during = doc["auth_during_job"]
    assert during is not None, "no event: the job did not run"
    assert len(during) == 1, during
    (path, entry), = during.items()
    assert path.startswith(f"<tmp>/ansible_runner_registry_reg_{which}_"), path
    want = {"auth.json": "0o600"}
    if verify_ssl == "false":
        want["registries.conf"] = "0o600"
    assert {k: entry[k] for k in ("dir_mode", "files")} == {"dir_mode": "0o700", "files": want}, entry
    assert doc["auth_after_exit"] == [], f"{which} left its registry auth dir: {doc['auth_after_exit']}"


@pytest.mark.parametrize("verify_ssl", ["default", "false"])
def test_right_credentials_pull_and_run_like_the_reference(jobs, verify_ssl):
    ref = jobs.get("ref", PASSWORD, verify_ssl)
    ours = jobs.get("ours", PASSWORD, verify_ssl)
    for which, doc in (("ref", ref), ("ours", ours)):
        assert doc["exception"] is None, f"{which}: {doc['exception']}"
        assert (doc["status"], doc["rc"]) == ("successful", 0), f"{which}: {doc['stdout']}"
        assert doc["pulled"], f"{which}: the image was not pulled"
        assert doc["containers_left"] == []
        assert_no_credentials(doc, PASSWORD)
        check_auth_files(doc, which, verify_ssl)
        assert "hello from the pulled image" in doc["stdout"]
    print(f"seconds: ref {ref['seconds']:.1f}, ours {ours['seconds']:.1f}")
    assert ours["events"] == ref["events"]
    assert ours["stdout"] == ref["stdout"]
    assert ours["artifact_files"] == ref["artifact_files"]
    assert normalised_command(ours, "ours") == normalised_command(ref, "ref")
    # The same auth.json (and registries.conf) bytes as the reference's.
    assert [e["sha256"] for e in ours["auth_during_job"].values()] == \
        [e["sha256"] for e in ref["auth_during_job"].values()]
    assert any(a.startswith("--authfile=<tmp>/ansible_runner_registry_") and a.endswith("/auth.json")
               for a in ref["command"]["command"])
    # The reference keeps the auth dir until its process exits (register_for_cleanup, atexit);
    # ours removes it as soon as the job ends.
    assert ours["auth_after_run"] == {}, ours["auth_after_run"]
    print("reference's auth dir after run() returned:", ref["auth_after_run"])


def test_wrong_credentials_fail_like_the_reference(jobs):
    ref = jobs.get("ref", WRONG, "default")
    ours = jobs.get("ours", WRONG, "default")
    for which, doc in (("ref", ref), ("ours", ours)):
        assert doc["exception"] is None, f"{which}: {doc['exception']}"
        assert not doc["pulled"], f"{which}: pulled with a wrong password"
        assert doc["containers_left"] == []
        assert_no_credentials(doc, WRONG)
        assert doc["auth_after_exit"] == [], doc["auth_after_exit"]
        assert "unauthorized" in (doc["stdout"] or "").lower() or "authentication required" in (doc["stdout"] or ""), \
            f"{which}: {doc['stdout']!r}"
    print(f"wrong credentials: ref {ref['status']} rc={ref['rc']}, ours {ours['status']} rc={ours['rc']}")
    assert (ours["status"], ours["rc"]) == (ref["status"], ref["rc"])
    assert ref["status"] == "failed"
    assert ours["auth_after_run"] == {}, ours["auth_after_run"]
    assert ours["events"] == ref["events"]
    assert ours["stdout"] == ref["stdout"]
    assert ours["artifact_files"] == ref["artifact_files"]



# --- the CLI: container_auth_data from env/settings ------------------------------------------
CLI = {"ref": REFERENCE, "ours": str(BUILD / "ansible-runner")}
CLI_PLAY = "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug:\n        msg: from the settings file\n"


def cli_job(registry, work, which, password):
    """`ansible-runner run` with container_auth_data in env/settings (the CLI has no option for
    it; the settings file is read by both); the auth dir is watched while the job runs."""
    registry.drop_local_copy()
    pdd = work / "pdd"
    for sub in ("project", "inventory", "env", "tmp"):
        (work / sub if sub == "tmp" else pdd / sub).mkdir(parents=True)
    (pdd / "project" / "play.yml").write_text(CLI_PLAY)
    (pdd / "inventory" / "hosts").write_text("localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
    (pdd / "env" / "settings").write_text(json.dumps({"container_auth_data": {
        "host": registry.host, "username": USER, "password": password}}))
    env = dict(registry.env, TMPDIR=str(work / "tmp"))
    proc = subprocess.Popen([CLI[which], "run", str(pdd), "-p", "play.yml", "--ident", "regcli",
                             "--process-isolation", "--process-isolation-executable", "podman",
                             "--container-image", registry.image], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    seen = {}
    deadline = time.monotonic() + 240
    while proc.poll() is None:
        for d in (work / "tmp").glob("ansible_runner_registry_regcli_*"):
            for f in d.glob("*"):
                try:
                    seen[f.name] = (oct(f.stat().st_mode & 0o777), oct(d.stat().st_mode & 0o777),
                                    hashlib.sha256(f.read_bytes()).hexdigest())
                except OSError:
                    pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"{which}: the CLI job did not end within 240 s")
        time.sleep(0.02)
    out, err = proc.communicate(timeout=30)
    art = pdd / "artifacts" / "regcli"
    events = sorted((json.loads(f.read_text()) for f in (art / "job_events").glob("*.json")),
                    key=lambda e: e["counter"]) if (art / "job_events").is_dir() else []
    command = json.loads((art / "command").read_text())
    return {"exit": proc.returncode, "stdout": out.decode(), "stderr": err.decode(),
            "status": (art / "status").read_text(), "rc": (art / "rc").read_text(),
            "events": [(e["event"], e["counter"], e.get("stdout")) for e in events],
            "events_raw": [json.dumps(e) for e in events], "env": (art / "env.list").read_text(),
            "env_list": None, "command": command, "seen": seen, "pulled": bool(registry.local_tags()),
            "left": sorted(p.name for p in (work / "tmp").iterdir())}


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
def test_cli_settings_file_credentials_like_the_reference(registry, tmp_path, right):
    password = PASSWORD if right else WRONG
    ref = cli_job(registry, tmp_path / "ref", "ref", password)
    ours = cli_job(registry, tmp_path / "ours", "ours", password)
    for which, doc in (("ref", ref), ("ours", ours)):
        assert_no_credentials(doc, password)
        assert doc["left"] == [], f"{which} left {doc['left']} in its TMPDIR"
        assert doc["pulled"] == right, which
        modes = {name: v[:2] for name, v in doc["seen"].items()}
        assert modes == {"auth.json": ("0o600", "0o700")}, f"{which}: {modes}"
    want = ("successful", "0") if right else ("failed", "125")
    assert (ref["status"], ref["rc"]) == want, ref["stdout"]
    for key in ("exit", "status", "rc", "events", "stdout", "seen"):
        assert ours[key] == ref[key], f"{key}: ours {ours[key]!r} != reference {ref[key]!r}"
    mask = lambda doc, which: json.loads(re.sub(r"ansible_runner_registry_regcli_\w+/", "<authdir>/",
                                                json.dumps(doc["command"]).replace(f"/{which}/", "/<who>/")))
    assert mask(ours, "ours") == mask(ref, "ref")

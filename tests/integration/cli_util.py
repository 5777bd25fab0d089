"""Helpers for the CLI tests: fake Ansible/engine executables on PATH, running a command
through the reference and through ours on twin private data dirs, and normalising the
`command` artifact so the two can be compared."""
import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

from conftest import FIXTURES, OURS, REFERENCE

# Variables that legitimately differ between the two runners or between two processes.
VOLATILE_ENV = {"ANSIBLE_CALLBACK_PLUGINS", "_", "OLDPWD", "PWD"}

FAKE_SCRIPT = "#!/bin/sh\nexit 0\n"


def make_fake_bin(root):
    """A directory with do-nothing ansible, ansible-playbook, podman, docker and bwrap, so a
    run writes its `command` artifact and ends at once."""
    bindir = Path(root) / "fakebin"
    bindir.mkdir(parents=True, exist_ok=True)
    for name in ("ansible", "ansible-playbook", "podman", "docker", "bwrap"):
        path = bindir / name
        path.write_text(FAKE_SCRIPT)
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bindir


def fake_env(bindir, extra=None):
    env = dict(os.environ)
    env["PATH"] = f"{bindir}:{env.get('PATH', '/usr/bin:/bin')}"
    env.pop("ANSIBLE_ROLES_PATH", None)
    for key in ("RUNNER_PLAYBOOK", "RUNNER_MODULE", "RUNNER_ROLE", "RUNNER_BINARY"):
        env.pop(key, None)
    env.update(extra or {})
    return env


def copy_fixture(name, dest):
    """tests/fixtures/pdd/<name> -> dest (a fresh directory)."""
    shutil.copytree(FIXTURES / "pdd" / name, dest, symlinks=True)
    return Path(dest)


def write_files(root, files):
    """{relpath: text or bytes} into root."""
    for rel, content in (files or {}).items():
        path = Path(root) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def run(binary, args, env=None, cwd=None, timeout=120, input=None):
    return subprocess.run([binary] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, cwd=cwd, timeout=timeout, input=input)


def load_command(pdd, ident, artifact_root=None):
    root = Path(artifact_root) if artifact_root else Path(pdd) / "artifacts"
    return json.loads((root / ident / "command").read_text())


TEMP_NAME_RE = re.compile(r"(ansible_runner_pi_|runner_di_|tmp|ansible_runner_registry_[\w-]*?_)[A-Za-z0-9_]{6,8}\b")
HEX32_RE = re.compile(r"\b[0-9a-f]{32}\b")


def normalise_text(text, replacements):
    for old, new in sorted(replacements.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(old, new)
    text = TEMP_NAME_RE.sub(lambda m: m.group(1) + "<tmp>", text)
    return HEX32_RE.sub("<hex>", text)


def normalise_command(doc, replacements, drop_env=()):
    """The command artifact with paths replaced, temp names masked and volatile env removed;
    env keeps its order (the reference's order is part of what we reproduce)."""
    env = [(k, normalise_text(v, replacements)) for k, v in doc["env"].items()
           if k not in VOLATILE_ENV and k not in drop_env]
    return {
        "command": [normalise_text(a, replacements) for a in doc["command"]],
        "cwd": normalise_text(doc["cwd"], replacements),
        "env": env,
    }


def run_both(tmp_path, args, fixture="demo", files=None, ident="cmdtest", extra_env=None, artifact_root=None,
             subcommand="run"):
    """Runs `<subcommand> <pdd> -i ident <args>` with both runners on twin copies of the
    fixture. In args, {pdd} is the runner's own private data dir and {own} a scratch dir of
    its own. Returns [reference result, our result], dicts with rc, stdout, stderr, command
    (the parsed artifact or None), pdd and the replacements that normalise paths."""
    bindir = make_fake_bin(tmp_path)
    results = []
    for label, binary in (("ref", REFERENCE), ("ours", OURS)):
        pdd = copy_fixture(fixture, tmp_path / label)
        own = tmp_path / f"{label}_own"
        own.mkdir(exist_ok=True)
        write_files(pdd, files)

        def expand(text):
            return text.replace("{pdd}", str(pdd)).replace("{own}", str(own))

        argv = [subcommand, str(pdd)] + (["-i", ident] if ident else []) + [expand(a) for a in args]
        proc = run(binary, argv, env=fake_env(bindir, extra_env), cwd=str(own))
        root = Path(expand(artifact_root)) if artifact_root else pdd / "artifacts"
        command_file = root / (ident or "") / "command"
        command = json.loads(command_file.read_text()) if ident and command_file.exists() else None
        replacements = {str(pdd): "<pdd>", str(own): "<own>", str(bindir): "<bin>", str(tmp_path): "<tmp>"}
        results.append({"rc": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
                        "command": command, "pdd": pdd, "own": own, "label": label,
                        "replacements": replacements})
    return results

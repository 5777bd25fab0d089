"""The callback plugin next to our binary comes with hash-checked bytecode for the Python that
runs Ansible here, and Ansible loads it instead of compiling the plugin's source, also from a copy
of the plugin dir with new timestamps (a container job's artifacts/<ident>/callback).

Ansible imports plugins from source; without bytecode it can use, a job compiles the plugin
(about 6 ms of CPU) wherever it cannot write __pycache__ (bench/FINDINGS.md).
"""
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import OURS
from reference import MISSING

PLUGIN_DIR = Path(OURS).resolve().parent / "share" / "ansible-runner" / "callback"
PLAYBOOK = "- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug:\n        msg: hi\n"
INVENTORY = "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"


def test_the_bytecode_is_hash_checked_and_matches_the_plugin():
    source = (PLUGIN_DIR / "awx_display.py").read_bytes()
    cached = Path(importlib.util.cache_from_source(str(PLUGIN_DIR / "awx_display.py")))
    header = cached.read_bytes()[:16]
    assert header[:4] == importlib.util.MAGIC_NUMBER
    flags = int.from_bytes(header[4:8], "little")
    assert flags == 0b11, "hash-based and checked against the source"
    assert header[8:16] == importlib.util.source_hash(source)


@pytest.mark.skipif(sys.executable != "/usr/bin/python3" or not shutil.which("ansible-playbook"),
                    reason="needs Debian's Python and ansible-playbook (scripts/install-deps.sh)")
def test_ansible_loads_the_bytecode_from_a_copy_of_the_plugin_dir(tmp_path):
    copy = tmp_path / "callback"
    shutil.copytree(PLUGIN_DIR, copy, copy_function=shutil.copyfile)  # new timestamps
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    (tmp_path / "hosts").write_text(INVENTORY)
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="awx_display", ANSIBLE_CALLBACK_PLUGINS=str(copy),
               AWX_ISOLATED_DATA_DIR=str(tmp_path), PYTHONVERBOSE="1", PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run(["ansible-playbook", "-i", "hosts", "play.yml"], cwd=tmp_path, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]
    loaded = [line for line in done.stderr.decode(errors="replace").splitlines() if "awx_display" in line]
    cached = importlib.util.cache_from_source(str(copy / "awx_display.py"))
    assert f"# {cached} matches {copy / 'awx_display.py'}" in loaded, loaded


def _file_times(root):
    return {os.path.relpath(os.path.join(where, name), root): os.stat(os.path.join(where, name)).st_mtime_ns
            for where, _, names in os.walk(root) for name in names}


def test_the_references_container_copy_keeps_every_file_and_its_time(tmp_path):
    """What our copy follows (unit test CallbackDir.TheContainerCopyKeepsEveryFileAndItsTime)."""
    try:
        from ansible_runner.config import runner as config
        from ansible_runner import utils
    except ImportError:
        pytest.skip(f"{MISSING}: the ansible_runner package")
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "play.yml").write_text(PLAYBOOK)
    runner = config.RunnerConfig(str(tmp_path), playbook="play.yml", ident="copy", process_isolation=True,
                                 process_isolation_executable="podman", container_image="img")
    runner.prepare()
    source = utils.get_callback_dir()
    assert _file_times(tmp_path / "artifacts" / "copy" / "callback") == _file_times(source)
    assert any(name.startswith("__pycache__/") for name in _file_times(source))

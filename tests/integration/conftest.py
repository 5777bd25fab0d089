"""Shared fixtures for black-box tests: the built binary, the reference, private data dirs.

Runs under Debian's /usr/bin/python3 (it has pytest, ansible-core and the reference runner).
Area-specific helpers live in their own modules next to this file (e.g. stream_util.py).
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("AR_SOURCE_DIR", Path(__file__).resolve().parents[2]))
OURS = os.environ.get("AR_BINARY", str(SOURCE_DIR / "build" / "ansible-runner"))
REFERENCE = "/usr/bin/ansible-runner"
FIXTURES = SOURCE_DIR / "tests" / "fixtures"


@pytest.fixture
def ours():
    """Path of our built binary."""
    if not os.access(OURS, os.X_OK):
        pytest.fail(f"binary not built: {OURS}")
    return OURS


@pytest.fixture
def reference():
    """Path of the reference ansible-runner 2.3.1 (skips when it is not installed)."""
    if not os.access(REFERENCE, os.X_OK):
        pytest.skip("reference ansible-runner is not installed")
    return REFERENCE


def copy_pdd(name, dest):
    """Copies tests/fixtures/pdd/<name> to dest and returns dest as a Path."""
    shutil.copytree(FIXTURES / "pdd" / name, dest, symlinks=True)
    return Path(dest)


def run_cli(argv, *, input=None, timeout=300, env=None, cwd=None):
    """Runs a command, returns CompletedProcess with bytes stdout/stderr."""
    return subprocess.run(argv, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, env=env, cwd=cwd)

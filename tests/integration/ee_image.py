"""The container images of scripts/ee-image.sh for the tests that run podman (docs/containers.md)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("AR_SOURCE_DIR", Path(__file__).resolve().parents[2]))


def built_image(which, build_dir, timeout):
    """Builds (or reuses) the `which` image ("base" or "ee") for build_dir's binary, points
    CONTAINERS_CONF at our podman settings and returns the image's name. Skips when not root or
    without podman; a build that fails where podman is installed fails the test."""
    if os.geteuid() != 0:
        pytest.skip("the container tests run podman as root (runc, cgroupfs)")
    env = dict(os.environ, BUILD=str(build_dir))
    env.pop("CONTAINERS_CONF", None)
    proc = subprocess.run([str(SOURCE_DIR / "scripts" / "ee-image.sh"), which], env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if proc.returncode != 0:
        if shutil.which("podman") is None:
            pytest.skip(f"podman is not available here: {proc.stderr[-1500:]}")
        pytest.fail(f"scripts/ee-image.sh {which} failed:\n{proc.stderr[-3000:]}")
    os.environ["CONTAINERS_CONF"] = str(Path(build_dir) / "containers" / "containers.conf")
    return proc.stdout.strip().splitlines()[-1]

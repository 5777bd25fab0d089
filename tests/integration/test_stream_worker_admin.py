"""`worker --worker-info` and `worker cleanup` against the reference."""
import os
import stat
import time
from pathlib import Path

import pytest
import yaml

from stream_util import run


def home_env(home):
    env = dict(os.environ)
    env["HOME"] = str(home)
    return env


def test_worker_info_matches_the_reference_byte_for_byte(tmp_path, ours, reference):
    env = home_env(tmp_path)
    ref = run([reference, "worker", "--worker-info"], env=env)
    mine = run([ours, "worker", "--worker-info"], env=env)  # reuses the uuid file the reference made
    assert mine.returncode == ref.returncode == 0
    assert mine.stdout == ref.stdout
    assert mine.stdout.endswith(b"}\n\n")
    info = yaml.safe_load(mine.stdout)
    assert info["runner_version"] == "2.3.1" and info["errors"] == []


def test_worker_info_creates_and_keeps_the_node_uuid(tmp_path, ours):
    env = home_env(tmp_path)
    first = yaml.safe_load(run([ours, "worker", "--worker-info"], env=env).stdout)["uuid"]
    uuid_file = tmp_path / ".ansible_runner_uuid"
    assert stat.S_IMODE(uuid_file.stat().st_mode) == 0o600
    assert uuid_file.read_text() == first
    uuid_file.chmod(0o644)
    second = yaml.safe_load(run([ours, "worker", "--worker-info"], env=env).stdout)["uuid"]
    assert second == first
    assert stat.S_IMODE(uuid_file.stat().st_mode) == 0o600


def make_job_dirs(root):
    """awx_dead: pid file of a finished process; awx_live: our own pid; awx_nopid: no pid file;
    awx_keep: excluded by name; awx_new: too recent. All but awx_new look two hours old."""
    old = time.time() - 2 * 3600
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    dirs = {}
    for name, pid in (("awx_dead", dead), ("awx_live", os.getpid()), ("awx_nopid", None), ("awx_keep", None),
                      ("awx_new", None)):
        d = root / name
        (d / "artifacts" / f"{name}-ident").mkdir(parents=True)
        if pid is not None:
            (d / "pid").write_text(f"{pid}\n")
        if name != "awx_new":
            os.utime(d, (old, old))
        dirs[name] = d
    return dirs


def cleanup_args(root):
    return ["worker", "cleanup", f"--file-pattern={root}/awx_*", "--exclude-strings", "awx_keep", "--grace-period=60"]


def test_cleanup_deletes_only_dirs_of_jobs_that_are_gone(tmp_path, ours):
    root = tmp_path / "jobs"
    root.mkdir()
    dirs = make_job_dirs(root)
    env = dict(os.environ, TMPDIR=str(tmp_path))
    auth = tmp_path / "ansible_runner_registry_awx_dead-ident_x1"
    auth.mkdir()
    result = run([ours, *cleanup_args(root)], env=env)
    assert result.returncode == 0, result.stderr
    remaining = sorted(p.name for p in root.iterdir())
    assert remaining == ["awx_keep", "awx_live", "awx_new"]
    out = result.stdout.decode().splitlines()
    assert f"Excluding running project {dirs['awx_live']} from cleanup" in out
    assert f"Removed associated registry auth dir {auth}" in out
    assert f"Removed 2 private data dir(s) in pattern {root}/awx_*" in out
    assert out[-1] == "(changed: True)"
    assert not auth.exists()


def test_reference_cleanup_alive_test_is_inverted(tmp_path, reference):
    """Pins the reference bug we do not copy: it keeps the dead job's dir and deletes the live one."""
    root = tmp_path / "jobs"
    root.mkdir()
    make_job_dirs(root)
    result = run([reference, *cleanup_args(root)], env=dict(os.environ, TMPDIR=str(tmp_path)))
    assert result.returncode == 0
    remaining = sorted(p.name for p in root.iterdir())
    assert "awx_live" not in remaining and "awx_dead" in remaining


def test_cleanup_nothing_to_do_and_refusals(tmp_path, ours, reference):
    for binary in (ours, reference):
        result = run([binary, "worker", "cleanup", f"--file-pattern={tmp_path}/nothing_*"])
        assert result.returncode == 0
        assert result.stdout == b"(changed: False)\n"
        # argparse takes "--file-pattern=" as an empty pattern: nothing to do.
        empty = run([binary, "worker", "cleanup", "--file-pattern="])
        assert empty.returncode == 0 and empty.stdout == b"(changed: False)\n"
        refused = run([binary, "worker", "cleanup", "--file-pattern=/usr"])
        assert refused.returncode == 1
        assert b"Refusing to continue for user system safety." in refused.stderr
        assert Path("/usr/bin").is_dir()


def test_cleanup_with_a_malformed_pid_file(tmp_path, ours, reference):
    """A pid file without a number names no live job: ours deletes the dir; the reference
    crashes on it (ValueError, exit 1) and deletes nothing, also not the other dirs."""
    for who, binary in (("ref", reference), ("ours", ours)):
        root = tmp_path / who
        for name, pid in (("awx_bad", "notanumber\n"), ("awx_empty", "")):
            (root / name).mkdir(parents=True)
            (root / name / "pid").write_text(pid)
        result = run([binary, "worker", "cleanup", f"--file-pattern={root}/awx_*", "--grace-period=0"])
        left = sorted(p.name for p in root.iterdir())
        if who == "ref":
            assert result.returncode == 1 and b"ValueError" in result.stderr
            assert left == ["awx_bad", "awx_empty"]
        else:
            assert result.returncode == 0, result.stderr
            assert left == []
            assert result.stdout.decode().splitlines()[-1] == "(changed: True)"


def test_cleanup_grace_period_zero_ignores_mtime(tmp_path, ours):
    root = tmp_path / "jobs"
    (root / "awx_fresh").mkdir(parents=True)
    result = run([ours, "worker", "cleanup", f"--file-pattern={root}/awx_*", "--grace-period", "0"])
    assert result.returncode == 0
    assert not (root / "awx_fresh").exists()
    assert result.stdout.decode().splitlines()[-1] == "(changed: True)"


def test_cleanup_image_commands_fail_like_the_reference(tmp_path, ours):
    fake = tmp_path / "fake-engine"
    fake.write_text("#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/calls\"\n"
                    "case \"$1\" in images) echo '\"quay.io/x/y:1\"';; rmi) echo 'Untagged: quay.io/x/y:1';;"
                    " image) echo 'Total reclaimed space: 10MB';; esac\n")
    fake.chmod(0o755)
    result = run([ours, "worker", "cleanup", "--remove-images", "quay.io/x/y", "--image-prune",
                  "--process-isolation-executable", str(fake)])
    assert result.returncode == 0, result.stdout
    assert result.stdout.decode().splitlines() == ["Removed 1 image(s)", "Pruned images", "(changed: True)"]
    calls = (tmp_path / "calls").read_text().splitlines()
    assert calls == ['images --format="{{.Repository}}:{{.Tag}}" quay.io/x/y', "rmi quay.io/x/y:1 -f", "image prune -f"]

    failing = tmp_path / "failing-engine"
    failing.write_text("#!/bin/sh\necho nope\nexit 3\n")
    failing.chmod(0o755)
    result = run([ours, "worker", "cleanup", "--image-prune", "--process-isolation-executable", str(failing)])
    assert result.returncode == 1
    assert result.stdout.decode().startswith("Error running command:\n")

"""container_workdir and host_cwd in container jobs, against the reference (issue: execution
environments). 2.3.1's CLI has no option for either, so the Python API drives them:
tests/python/consumers/container_workdir.py runs the same job under the reference's venv and
ours, in the container tests' base image (scripts/ee-image.sh base).

What a job sees and what the caller gets must be the reference's: the `--workdir` of the podman
command (container_workdir wins over host_cwd; host_cwd is mounted and becomes the workdir; else
/runner/project), a mount destination relative to container_workdir, a single-file mount, a
mount whose source is missing (skipped), and the job's status, rc, events, stdout, `command`
artifact and artifact files.

Skips, with the reason, when not root or without podman. Needs the venvs python.upstream makes
(ctest DEPENDS)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from ee_image import built_image  # noqa: E402

HERE = Path(__file__).resolve().parent
SOURCE_DIR = Path(os.environ.get("AR_SOURCE_DIR", HERE.parents[1]))
BUILD = Path(os.environ.get("AR_BUILD_DIR", SOURCE_DIR / "build"))
PYTHONS = {
    "ref": os.environ.get("AR_PY_REF", str(BUILD / "py" / "venv-ref" / "bin" / "python")),
    "ours": os.environ.get("AR_PY_OURS", str(BUILD / "py" / "venv-ours" / "bin" / "python")),
}
DRIVER = HERE / "consumers" / "container_workdir.py"

# The playbook is named by its path in the container: ansible-playbook runs in the workdir, so
# a relative name is found only when the workdir is the project (/runner/project).
IN_CONTAINER = "/runner/project/play.yml"
CASES = {
    # A destination relative to container_workdir lands under it; tasks run there.
    "workdir_relative_mount": {"container_workdir": "/work", "playbook": IN_CONTAINER,
                               "extravars": {"data_file": "/work/data/note.txt"},
                               "container_volume_mounts": ["<work>/data:data:Z"]},
    # container_workdir wins over host_cwd (which is then not mounted); a single-file mount (the
    # reference mounts the file's directory at the destination's).
    "workdir_over_host_cwd": {"container_workdir": "/work2", "host_cwd": "<work>/hostcwd", "playbook": IN_CONTAINER,
                              "extravars": {"data_file": "/work2/data/note.txt"},
                              "container_volume_mounts": ["<work>/data:/work2/data",
                                                          "<work>/notes/note.txt:/opt/notes/note.txt:ro"]},
    # host_cwd alone: mounted at its own path and made the workdir.
    "host_cwd": {"host_cwd": "<work>/hostcwd", "playbook": IN_CONTAINER,
                 "extravars": {"data_file": "<work>/hostcwd/data/note.txt"},
                 "container_options": ["--env=RUNNER_TEST_OPTION=1"]},
    # ... where a playbook named relative to the project is not found: failed, rc 1.
    "host_cwd_relative_playbook": {"host_cwd": "<work>/hostcwd"},
    # A mount whose source is missing is left out, so the workdir does not exist: the engine
    # cannot start the job (rc 126).
    "workdir_missing_source": {"container_workdir": "/work", "playbook": IN_CONTAINER,
                               "container_volume_mounts": ["<work>/nowhere:data"]},
}
# What each case does in the reference: the --workdir of its command, its status and rc, and the
# output of its tasks when it runs (the single-file mount's file is there only where it is mounted).
EXPECTED = {
    "workdir_relative_mount": ("/work", "successful", 0, ["note from the data dir"]),
    "workdir_over_host_cwd": ("/work2", "successful", 0, ["note from the data dir", "note from a single-file mount"]),
    "host_cwd": ("<work>/hostcwd", "successful", 0, ["note from host_cwd"]),
    "host_cwd_relative_playbook": ("<work>/hostcwd", "failed", 1, []),
    "workdir_missing_source": ("/work", "failed", 126, []),
}


@pytest.fixture(scope="module")
def image():
    for which, python in PYTHONS.items():
        if not os.access(python, os.X_OK):
            pytest.fail(f"the {which} venv is missing: {python} (scripts/python-venvs.sh)")
    return built_image("base", BUILD, timeout=1800)


def job(tmp_path, which, image, kwargs):
    work = tmp_path / which
    (work / "data").mkdir(parents=True)
    (work / "data" / "note.txt").write_text("note from the data dir\n")
    (work / "notes").mkdir()
    (work / "notes" / "note.txt").write_text("note from a single-file mount\n")
    (work / "hostcwd" / "data").mkdir(parents=True)
    (work / "hostcwd" / "data" / "note.txt").write_text("note from host_cwd\n")
    proc = subprocess.run([PYTHONS[which], str(DRIVER), str(work), image, "wd", json.dumps(kwargs)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300, cwd=work)
    assert proc.returncode == 0, f"{which}: driver failed:\n{proc.stderr.decode()[-3000:]}"
    doc = json.loads(proc.stdout)
    assert doc["exception"] is None, f"{which}: {doc['exception']}"
    left = subprocess.run(["podman", "ps", "-a", "--filter", "name=^ansible_runner_wd$", "--format",
                           "{{.Names}}"], stdout=subprocess.PIPE, text=True, timeout=60).stdout.split()
    assert left == [], f"{which} left its container: {left}"
    return doc


@pytest.mark.parametrize("case", sorted(CASES))
def test_container_workdir_like_the_reference(tmp_path, image, case):
    ref = job(tmp_path, "ref", image, CASES[case])
    ours = job(tmp_path, "ours", image, CASES[case])
    argv = ref["command"]["command"]
    workdir = argv[argv.index("--workdir") + 1]
    outputs = [e["out"] for e in ref["events"] if e["event"] in ("runner_on_ok", "runner_on_failed") and e["out"]]
    print(f"{case}: reference status {ref['status']} rc {ref['rc']}, --workdir {workdir}, task output {outputs}")
    # The case does what it says in the reference, so the comparison means something.
    want_workdir, want_status, want_rc, want_outputs = EXPECTED[case]
    assert (workdir, ref["status"], ref["rc"]) == (want_workdir, want_status, want_rc), ref["stdout"]
    assert outputs == want_outputs
    assert ours["command"] == ref["command"]
    assert (ours["status"], ours["rc"]) == (ref["status"], ref["rc"])
    assert ours["events"] == ref["events"]
    assert ours["stdout"] == ref["stdout"]
    assert ours["artifact_files"] == ref["artifact_files"]
    assert ours["callback_plugin"] and ref["callback_plugin"]

"""Container jobs for real (issue: execution environments): the same job through the reference
and through ours with `--process-isolation --process-isolation-executable podman
--container-image`, in an image made from Debian's archive by scripts/ee-image.sh (python3 and
ansible-core; built once per machine, reused while its recipe is the same). Compared: events,
stdout, status, rc, artifact files, fact cache, the `command` artifact and env.list. Skips, and
says why, when podman cannot be installed or used here."""
import subprocess
import time
from pathlib import Path

import pytest

from conftest import OURS, REFERENCE
from diff_util import assert_same, make_pdd, run_job, summarise
from ee_image import built_image

BUILD = Path(OURS).resolve().parent


@pytest.fixture(scope="module")
def image():
    """The base image's name; CONTAINERS_CONF points podman at our engine settings."""
    return built_image("base", BUILD, timeout=600)


def isolation(image_name, *extra):
    return ["--process-isolation", "--process-isolation-executable", "podman", "--container-image",
            image_name, *extra]


def containers_named(name):
    out = subprocess.run(["podman", "ps", "-a", "--filter", f"name=^{name}$", "--format", "{{.Names}}"],
                         stdout=subprocess.PIPE, text=True, timeout=60).stdout
    return out.split()


def without_callback(summary):
    """The callback plugin copied into the artifact dir is each runner's own."""
    summary["files"] = [f for f in summary["files"] if not f.startswith("callback")]
    return summary


def normalised_command(run, pdd):
    doc = run["command"]
    text = lambda s: s.replace(str(pdd), "<pdd>")
    return {"command": [text(a) for a in doc["command"]], "cwd": text(doc["cwd"])}


def env_list(run):
    path = run["artifact_dir"] / "env.list"
    return sorted(path.read_text().splitlines()) if path.exists() else None


def both(tmp_path, playbook, args, ident, **pdd_kwargs):
    """{who: (pdd, run)} for the reference and ours, one after the other."""
    runs = {}
    for who, binary in (("reference", REFERENCE), ("ours", OURS)):
        pdd = make_pdd(tmp_path / who, playbook, **pdd_kwargs)
        runs[who] = (pdd, run_job(binary, pdd, ["-p", playbook, *args], ident=ident))
        assert containers_named(f"ansible_runner_{ident}") == [], f"{who} left its container"
    return runs


@pytest.mark.parametrize("playbook", ["ok_changed.yml", "failed.yml", "loops.yml", "facts.yml"])
def test_container_job_matches_reference(playbook, tmp_path, ours, reference, image):
    ident = "c_" + playbook.split(".")[0]
    runs = both(tmp_path, playbook, isolation(image), ident)
    (ref_pdd, ref), (our_pdd, mine) = runs["reference"], runs["ours"]
    assert ref["events"], f"the reference ran no events in the container: {ref['stderr']}"
    assert_same(without_callback(summarise(ref, ref_pdd)), without_callback(summarise(mine, our_pdd)))
    assert (mine["artifact_dir"] / "callback" / "awx_display.py").is_file()
    assert normalised_command(mine, our_pdd) == normalised_command(ref, ref_pdd)
    assert env_list(mine) == env_list(ref)
    facts = lambda run: sorted(p.name for p in (run["artifact_dir"] / "fact_cache").iterdir())
    assert facts(mine) == facts(ref)
    if playbook == "facts.yml":
        assert facts(mine) == ["localhost"]


def test_volume_mounts_and_container_option(tmp_path, ours, reference, image):
    data = tmp_path / "data"
    data.mkdir()
    (data / "greeting.txt").write_text("hello from the host\n")
    lone_file = tmp_path / "lone.txt"
    lone_file.write_text("one file\n")
    play = """- hosts: all
  gather_facts: false
  tasks:
    - command: cat /data/greeting.txt /mnt/lone.txt
    - debug: msg="{{ lookup('file', '/data/greeting.txt') }} + {{ lookup('file', '/mnt/lone.txt') }} + {{ lookup('env', 'FROM_OPTION') }}"
"""
    args = isolation(image, "--container-volume-mount", f"{data}:/data:Z",
                     "--container-volume-mount", f"{lone_file}:/mnt/lone.txt:ro",
                     "--container-option=--env=FROM_OPTION=set-by-option")
    runs = {}
    for who, binary in (("reference", REFERENCE), ("ours", OURS)):
        # make_pdd needs one of playbooks/; the play run is project/mounts.yml
        pdd = make_pdd(tmp_path / who, "ok_changed.yml", extra_files={"project/mounts.yml": play})
        runs[who] = (pdd, run_job(binary, pdd, ["-p", "mounts.yml", *args], ident="c_mounts"))
        assert containers_named("ansible_runner_c_mounts") == [], f"{who} left its container"
    (ref_pdd, ref), (our_pdd, mine) = runs["reference"], runs["ours"]
    assert ref["status"] == "successful", ref["stdout"]
    assert "hello from the host" in mine["stdout"] and "one file" in mine["stdout"]
    assert "set-by-option" in mine["stdout"]
    assert_same(without_callback(summarise(ref, ref_pdd)), without_callback(summarise(mine, our_pdd)))
    assert normalised_command(mine, our_pdd) == normalised_command(ref, ref_pdd)


def test_missing_image_is_an_error_like_the_reference(tmp_path, ours, reference, image):
    runs = both(tmp_path, "ok_changed.yml", isolation("localhost/ansible-runner-no-such-image:1"), "c_missing")
    (_, ref), (_, mine) = runs["reference"], runs["ours"]
    assert ref["status"] != "successful"
    for key in ("status", "rc", "exit"):
        assert mine[key] == ref[key], f"{key}: ours {mine[key]!r}, reference {ref[key]!r}"


def test_volume_mount_of_a_missing_path_ends_like_the_reference(tmp_path, ours, reference, image):
    missing = tmp_path / "no-such-dir"
    runs = both(tmp_path, "ok_changed.yml", isolation(image, "--container-volume-mount", f"{missing}:/data:Z"),
                "c_missing_mount")
    (ref_pdd, ref), (our_pdd, mine) = runs["reference"], runs["ours"]
    for key in ("status", "rc", "exit"):
        assert mine[key] == ref[key], f"{key}: ours {mine[key]!r}, reference {ref[key]!r}"
    assert normalised_command(mine, our_pdd) == normalised_command(ref, ref_pdd)
    assert not missing.exists()  # neither runner creates the host side


def test_timeout_leaves_no_container_and_no_process(tmp_path, ours, reference, image):
    play = "- hosts: all\n  gather_facts: false\n  tasks:\n    - command: sleep 67\n"
    results = {}
    for who, binary in (("reference", REFERENCE), ("ours", OURS)):
        pdd = make_pdd(tmp_path / who, "ok_changed.yml", env={"settings": "job_timeout: 8\n"},
                       extra_files={"project/sleep.yml": play})
        started = time.monotonic()
        results[who] = run_job(binary, pdd, ["-p", "sleep.yml", *isolation(image)], ident="c_timeout",
                               timeout=120)
        results[who]["took"] = time.monotonic() - started
        if who == "ours":
            assert containers_named("ansible_runner_c_timeout") == []
            leftover = subprocess.run(["pgrep", "-f", "sleep 67"], stdout=subprocess.PIPE, text=True).stdout
            assert leftover == "", f"job processes left: {leftover}"
        else:
            subprocess.run(["podman", "rm", "-f", "ansible_runner_c_timeout"], capture_output=True, timeout=60)
            subprocess.run(["pkill", "-f", "sleep 67"], capture_output=True)
    ref, mine = results["reference"], results["ours"]
    assert ref["status"] == "timeout"
    assert (mine["status"], mine["rc"], mine["exit"]) == (ref["status"], ref["rc"], ref["exit"])
    assert mine["took"] < 60

"""The same job through the reference's `run` and ours: events, stdout, status, rc and artifact
files must match after normalisation (issue: foundation)."""
from pathlib import Path

import pytest

from conftest import OURS, REFERENCE
from diff_util import assert_same, make_pdd, run_job, summarise
from run_cases import CASES


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_matches_reference(name, tmp_path, ours, reference):
    playbook, args, inventory, env, ordered = CASES[name]
    results = {}
    for who, binary in (("reference", REFERENCE), ("ours", OURS)):
        pdd = make_pdd(tmp_path / who, playbook, inventory, env)
        run = run_job(binary, pdd, ["-p", playbook, *args])
        results[who] = (run, summarise(run, pdd, ordered))
    ref_run, ref = results["reference"]
    our_run, mine = results["ours"]
    assert ref["events"] or name == "syntax_error", f"reference produced no events: {ref_run['stderr']}"
    assert_same(ref, mine)
    if "-q" in args:
        assert our_run["console"] == ""
    elif ordered and "-j" not in args:
        # What the user sees on the terminal is the stdout artifact.
        assert our_run["console"] == our_run["stdout"]


def test_command_artifact_matches_reference(tmp_path, ours, reference):
    runs = {}
    for who, binary in (("reference", REFERENCE), ("ours", OURS)):
        pdd = make_pdd(tmp_path / who, "ok_changed.yml", env={"envvars": "FOO: bar\n"})
        runs[who] = (pdd, run_job(binary, pdd, ["-p", "ok_changed.yml", "--limit", "localhost", "--forks", "2"]))
    (ref_pdd, ref), (our_pdd, mine) = runs["reference"], runs["ours"]
    ref_cmd = [a.replace(str(ref_pdd), "<pdd>") for a in ref["command"]["command"]]
    our_cmd = [a.replace(str(our_pdd), "<pdd>") for a in mine["command"]["command"]]
    assert our_cmd == ref_cmd
    assert mine["command"]["cwd"].replace(str(our_pdd), "<pdd>") == ref["command"]["cwd"].replace(str(ref_pdd), "<pdd>")
    ref_env, our_env = ref["command"]["env"], mine["command"]["env"]
    assert list(our_env) == list(ref_env)  # same keys in the same order
    for key in ref_env:
        if key in ("ANSIBLE_CALLBACK_PLUGINS", "AWX_ISOLATED_DATA_DIR", "ANSIBLE_CACHE_PLUGIN_CONNECTION"):
            continue
        assert our_env[key] == ref_env[key], key


DENSE = Path("/usr/lib/python3/dist-packages/ansible_collections/community/general/plugins/callback/dense.py")


@pytest.mark.skipif(not DENSE.exists(), reason="community.general's dense callback is not installed")
@pytest.mark.parametrize("json_mode", [False, True])
def test_dense_stdout_callback(json_mode, tmp_path, ours, reference):
    """ANSIBLE_STDOUT_CALLBACK=community.general.dense (our plugin's base class) with handlers,
    listen and flush_handlers. Dense leaves text without a line break right before frames: that
    verbose line shows as its text and a newline (its JSON with -j), as in the reference.
    Deliberate difference: text left without a line break at the very end of the output (dense's
    closing cursor codes) is dropped from stdout and the console by the reference; ours keeps it,
    with a newline (docs/library.md)."""
    env = {"envvars": "ANSIBLE_STDOUT_CALLBACK: community.general.dense\n"}
    args = ["-p", "handlers_listen.yml"] + (["-j"] if json_mode else [])
    results = {}
    for who, binary in (("reference", REFERENCE), ("ours", OURS)):
        pdd = make_pdd(tmp_path / who, "handlers_listen.yml", env=env)
        run = run_job(binary, pdd, args)
        results[who] = (run, summarise(run, pdd))
    (ref_run, ref), (our_run, mine) = results["reference"], results["ours"]
    assert ref["events"][-1]["event"] == "verbose" and ref["events"][-1]["lines"] == 0
    last = ref["events"][-1]["stdout"]
    assert last and len(mine["stdout_lines"]) == len(ref["stdout_lines"]) + 1  # the reference drops it
    assert mine["stdout_lines"][-1] == last
    # ... and shows the rest as we do.
    mine["stdout_lines"].pop()
    assert_same(ref, mine)
    assert our_run["console"] == our_run["stdout"]
    assert ref_run["console"] == ref_run["stdout"]

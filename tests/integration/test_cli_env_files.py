"""env/* files through the CLI: JSON and YAML fixtures give the reference's command and
environment; a file that is neither JSON nor YAML is an error naming the file and line (the
reference silently ignores it, which silently drops e.g. a job_timeout)."""
import pytest

from cli_util import copy_fixture, fake_env, make_fake_bin, normalise_command, run, run_both


@pytest.mark.parametrize("fixture", ["env_json", "env_yaml"])
def test_env_fixture_matches_reference(tmp_path, ours, reference, fixture):
    ref, mine = run_both(tmp_path, ["-p", "test.yml"], fixture=fixture)
    assert ref["command"] and mine["command"], (ref["stderr"], mine["stderr"])
    assert normalise_command(mine["command"], mine["replacements"]) == \
        normalise_command(ref["command"], ref["replacements"])


def test_yaml_values_are_converted_like_pyyaml(tmp_path, ours):
    bindir = make_fake_bin(tmp_path)
    pdd = copy_fixture("env_yaml", tmp_path / "pdd")
    proc = run(ours, ["run", str(pdd), "-p", "test.yml", "-i", "y"], env=fake_env(bindir))
    assert proc.returncode == 0, proc.stderr
    import json
    env = json.loads((pdd / "artifacts" / "y" / "command").read_text())["env"]
    assert env["ENABLED"] == "True"
    assert env["OCTAL"] == "493"
    assert env["EMPTY"] == "None"
    assert env["QUOTED"] == "on"
    assert env["WHEN"] == "2024-01-02"
    assert env["ANSIBLE_CACHE_PLUGIN_CONNECTION"] == str(pdd / "artifacts" / "y" / "facts_here")


def test_unparsable_settings_is_an_error(tmp_path, ours):
    bindir = make_fake_bin(tmp_path)
    pdd = copy_fixture("bad_env", tmp_path / "pdd")
    proc = run(ours, ["run", str(pdd), "-p", "test.yml", "-i", "bad"], env=fake_env(bindir))
    assert proc.returncode == 1
    message = proc.stderr.decode()
    assert message.count("\n") == 1
    assert str(pdd / "env" / "settings") in message
    assert "line 2" in message or "line 3" in message
    assert not (pdd / "artifacts" / "bad" / "command").exists()


def test_unparsable_settings_fails_the_worker_in_band(tmp_path, ours):
    """The same error reaches a worker as an error status (the reference worker ignores it)."""
    pdd = copy_fixture("bad_env", tmp_path / "pdd")
    job = run(ours, ["transmit", str(pdd), "-p", "test.yml", "-i", "w"])
    assert job.returncode == 0
    result = run(ours, ["worker"], input=job.stdout)
    assert b'"status": "error"' in result.stdout
    assert b"env/settings" in result.stdout
    assert result.stdout.endswith(b'{"eof": true}\n')

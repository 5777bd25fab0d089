"""Differential tests of `run`: the `command` artifact (command line, cwd, environment keys
and values in order) of our runner against the reference's, for many option combinations.
Ansible, the container engines and bwrap are replaced by do-nothing scripts on PATH, so the
runs are fast and only the configuration is compared."""
import json

import pytest

from cli_util import normalise_command, run_both

EXTRAVARS_YAML = "---\nanswer: 42\nname: x y\n"

# name: (args, files written into the private data dir, extra runner environment)
CASES = {
    "playbook": (["-p", "test.yml"], None, None),
    "limit_forks_verbosity": (["-p", "test.yml", "--limit", "localhost", "--forks", "3", "-vv"], None, None),
    "cmdline_flag": (["-p", "test.yml", "--cmdline", "--tags t1 --skip-tags 't 2'"], None, None),
    "cmdline_file": (["-p", "test.yml"], {"env/cmdline": "--diff -e 'a=1 2'"}, None),
    "cmdline_flag_beats_file": (["-p", "test.yml", "--cmdline=--check"], {"env/cmdline": "--diff"}, None),
    # Python's shlex keeps the backslash before $, ` and a newline inside double quotes.
    "cmdline_backslashes": (["-p", "test.yml"], {"env/cmdline": "-e \"home=\\$HOME\" -e \"q=\\\" \\\\ \\`x\\`\" -e 'x=\\y'"}, None),
    "adhoc": (["-m", "ping", "--hosts", "localhost"], None, None),
    "adhoc_args": (["-m", "command", "-a", "echo hi there", "--hosts", "all", "-v"], None, None),
    "adhoc_no_hosts": (["-m", "setup"], None, None),
    "binary_raw": (["-b", "/bin/echo", "-m", "ping", "--hosts", "h", "--limit", "x"], None, None),
    "args_file": (["-p", "test.yml"], {"args": "ansible-playbook -i inventory/hosts 'project/test.yml' -e x=1"}, None),
    "json_and_event_filters": (["-p", "test.yml", "-j", "--omit-event-data", "--only-failed-event-data"], None, None),
    "quiet": (["-p", "test.yml", "-q"], None, None),
    "envvars_json": (["-p", "test.yml"], {"env/envvars": '{"FOO": "bar", "NUM": 3, "FLAG": true, "F": 1.5}'}, None),
    "envvars_yaml": (["-p", "test.yml"], {"env/envvars": "FOO: bar\nYES_VALUE: yes\nOCTAL: 017\nNULL_VALUE: ~\n"
                                                          "LIST: [1, two]\nMAP: {a: 1}\nSEXA: 1:30\n"}, None),
    "envvars_empty": (["-p", "test.yml"], {"env/envvars": ""}, None),
    "envvars_list_ignored": (["-p", "test.yml"], {"env/envvars": "- a\n- b\n"}, None),
    "extravars_file": (["-p", "test.yml"], {"env/extravars": EXTRAVARS_YAML}, None),
    "settings_and_passwords": (["-p", "test.yml"], {"env/settings": "job_timeout: 100\nidle_timeout: 50\n",
                                                    "env/passwords": '{"^SSH password:\\\\s*?$": "secret"}'}, None),
    "stdout_callback_kept": (["-p", "test.yml"], {"env/envvars": "ANSIBLE_STDOUT_CALLBACK: yaml\n"}, None),
    "host_key_checking_kept": (["-p", "test.yml"], None, {"ANSIBLE_HOST_KEY_CHECKING": "True"}),
    "callback_plugins_appended": (["-p", "test.yml"], None, {"ANSIBLE_CALLBACK_PLUGINS": "/opt/cb"}),
    "adhoc_id_from_env": (["-p", "test.yml"], {"env/envvars": "AD_HOC_COMMAND_ID: 7\n"}, None),
    "fact_cache_setting": (["-p", "test.yml"], {"env/settings": "fact_cache: my_cache\n"}, None),
    "fact_cache_setting_other_type": (["-p", "test.yml"], {"env/settings": "fact_cache: c2\nfact_cache_type: redis\n"},
                                      None),
    "roles_path": (["-p", "test.yml", "--roles-path", "/opt/roles"], None, None),
    "roles_path_from_env": (["-p", "test.yml"], None, {"ANSIBLE_ROLES_PATH": "/srv/roles"}),
    "inventory_file": (["-p", "test.yml", "--inventory", "{pdd}/inventory/hosts"], None, None),
    "no_inventory_dir": (["-p", "test.yml"], None, None),
    "project_dir": (["-p", "test.yml", "--project-dir", "{pdd}/project"], None, None),
    "missing_project_dir": (["-p", "test.yml", "--project-dir", "{own}/nothere"], None, None),
    "rotate_artifacts": (["-p", "test.yml", "--rotate-artifacts", "3"], None, None),
    "playbook_from_env": ([], None, {"RUNNER_PLAYBOOK": "test.yml"}),
    "abbreviated_options": (["--play", "test.yml", "--lim", "localhost", "--for=2"], None, None),
    "short_clusters": (["-qvvp", "test.yml"], None, None),
    "omit_env_files_and_tags": (["-p", "test.yml", "--omit-env-files", "--cmdline", "--tags a,b"], None, None),
    "binary_with_cmdline": (["-b", "ansible-playbook", "-p", "test.yml", "--cmdline", "-e x=1"], None, None),
    "inventory_dir": (["-p", "test.yml", "--inventory", "{pdd}/inventory"], None, None),
    "container_podman": (["-p", "test.yml", "--process-isolation", "--container-image", "img:1",
                          "--container-volume-mount", "{own}:/mnt:Z", "--container-option=--net=host"], None, None),
    "container_docker": (["-p", "test.yml", "--process-isolation", "--process-isolation-executable", "docker"],
                         None, None),
    "container_ssh_key_and_settings": (["-p", "test.yml"], {
        "env/settings": '{"process_isolation": true, "container_image": "x/y:z", "container_options": ["--a", "b"]}'},
        None),
}


def compare(tmp_path, args, files, extra_env, drop_env=(), fixture="demo"):
    ref, ours = run_both(tmp_path, args, files=files, extra_env=extra_env, fixture=fixture)
    assert ref["command"] is not None, ref["stderr"].decode()
    assert ours["command"] is not None, ours["stderr"].decode()
    expected = normalise_command(ref["command"], ref["replacements"], drop_env)
    actual = normalise_command(ours["command"], ours["replacements"], drop_env)
    assert actual["command"] == expected["command"]
    assert actual["cwd"] == expected["cwd"]
    assert actual["env"] == expected["env"]
    return ref, ours


@pytest.mark.parametrize("name", sorted(CASES))
def test_command_artifact_matches_reference(tmp_path, ours, reference, name):
    args, files, extra_env = CASES[name]
    compare(tmp_path, args, files, extra_env)


def test_relative_artifact_dir(tmp_path, ours, reference):
    ref, mine = run_both(tmp_path, ["-p", "test.yml", "--artifact-dir", "arts"], artifact_root="{own}/arts")
    assert ref["command"] and mine["command"]
    assert normalise_command(mine["command"], mine["replacements"]) == \
        normalise_command(ref["command"], ref["replacements"])


def test_no_inventory_dir_gives_no_inventory(tmp_path, ours, reference):
    ref, mine = run_both(tmp_path, ["-p", "test.yml"], fixture="project_only")
    assert "-i" not in mine["command"]["command"]
    assert normalise_command(mine["command"], mine["replacements"]) == \
        normalise_command(ref["command"], ref["replacements"])


def test_role_mode(tmp_path, ours, reference):
    """CLI role mode: a generated playbook in the project dir, removed afterwards. Unlike the
    reference we pass ANSIBLE_ROLES_PATH=<pdd>/roles (the reference computes it and drops it)."""
    ref, mine = run_both(tmp_path, ["-r", "myrole", "--role-vars", "a=1 b=[1,2] c=text", "--role-skip-facts",
                                    "--hosts", "localhost"])
    expected = normalise_command(ref["command"], ref["replacements"])
    actual = normalise_command(mine["command"], mine["replacements"], drop_env={"ANSIBLE_ROLES_PATH"})
    assert actual == expected
    assert dict(mine["command"]["env"])["ANSIBLE_ROLES_PATH"] == str(mine["pdd"] / "roles")
    playbook = mine["command"]["command"][-1]
    assert playbook.startswith(str(mine["pdd"] / "project") + "/")
    # Removed after the run, as the reference does.
    assert not (mine["pdd"] / "project" / playbook.rsplit("/", 1)[1]).exists()


def test_sandbox_adds_lib_symlink(tmp_path, ours, reference):
    """bwrap: same line as the reference plus upstream main's /lib symlink (and our plugin dir)."""
    args = ["-p", "test.yml", "--process-isolation", "--process-isolation-executable", "bwrap",
            "--process-isolation-path", "{own}", "--process-isolation-hide-paths", "{own}",
            "--process-isolation-ro-paths", "/etc", "/usr", "--process-isolation-show-paths", "/opt"]
    ref, mine = run_both(tmp_path, args)
    expected = normalise_command(ref["command"], ref["replacements"])
    actual = normalise_command(mine["command"], mine["replacements"])
    cmd = actual["command"]
    i = cmd.index("/lib64")
    assert cmd[i + 1:i + 4] == ["--symlink", "usr/lib", "/lib"]
    del cmd[i + 1:i + 4]
    # Our plugin dir, when it is outside the sandbox's binds (a build tree), is bound read-only.
    if cmd[i + 1] == "--ro-bind" and cmd[i + 2].endswith("/ansible-runner/callback"):
        del cmd[i + 1:i + 4]
    assert actual == expected


def test_ssh_key_wraps_command(tmp_path, ours, reference):
    """env/ssh_key: ssh-agent wrapping with the FIFO in the artifact dir."""
    ref, mine = run_both(tmp_path, ["-p", "test.yml"], files={"env/ssh_key": "not a real key\n"})
    expected = normalise_command(ref["command"], ref["replacements"])
    actual = normalise_command(mine["command"], mine["replacements"])
    assert actual["command"][:3] == ["ssh-agent", "sh", "-c"]
    assert actual == expected


def test_command_file_is_json_with_three_keys(tmp_path, ours):
    from cli_util import copy_fixture, fake_env, make_fake_bin, run
    bindir = make_fake_bin(tmp_path)
    pdd = copy_fixture("demo", tmp_path / "pdd")
    proc = run(ours, ["run", str(pdd), "-p", "test.yml", "-i", "k"], env=fake_env(bindir))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((pdd / "artifacts" / "k" / "command").read_text())
    assert list(doc) == ["command", "cwd", "env"]

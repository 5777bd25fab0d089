"""The command line surface against the reference's argparse: exit codes, usage lines and
error texts on stderr, version, validation messages (docs/cli.md)."""
import pytest

from cli_util import run

# Argument vectors for which both must print the same stdout and stderr and exit alike.
# {pdd} is an existing empty dir. is-alive is used where parsing must succeed: it accepts every
# job option, prints nothing and exits 1 without a pid file.
CASES = [
    [],
    ["bogus"],
    ["--version"],
    ["--ver"],
    ["run", "--version"],
    ["worker", "--version"],
    ["process", "--version"],
    ["run"],
    ["run", "{pdd}", "-p"],
    ["run", "--process-isolation-hide-paths", "a", "b", "{pdd}", "-p", "t.yml"],
    ["run", "{pdd}"],
    ["run", "{pdd}", "--hosts", "x", "-p", "a"],
    ["start", "{pdd}", "--hosts", "x"],
    ["transmit", "{pdd}"],
    ["is-alive", "{pdd}", "--pro"],
    ["is-alive", "{pdd}", "--p", "x"],
    ["is-alive", "{pdd}", "--quiet=1"],
    ["is-alive", "{pdd}", "-qx"],
    ["is-alive", "{pdd}", "-vvq"],
    ["is-alive", "{pdd}", "b"],
    ["is-alive", "{pdd}", "--bogus", "val"],
    ["is-alive", "--bogus"],
    ["is-alive", "{pdd}", "--rotate-artifacts", "x"],
    ["is-alive", "{pdd}", "--rotate-artifacts", " 1_0 "],
    ["is-alive", "{pdd}", "-p", "a", "-p", "b", "-m", "c"],
    ["is-alive", "{pdd}", "-m", "c", "-p", "a"],
    ["is-alive", "{pdd}", "-r", "c", "--module=a"],
    ["is-alive", "{pdd}", "-x"],
    ["is-alive", "{pdd}", "--container-volume-mount", "a", "b"],
    ["is-alive", "--", "{pdd}", "-p", "x"],
    ["is-alive", "{pdd}", "--", "-p", "x"],
    ["is-alive", "{pdd}", "--forks", "-5"],
    ["is-alive", "{pdd}", "--forks", "-5x"],
    ["is-alive", "{pdd}", "--cmdline", "-e"],
    ["is-alive", "{pdd}", "--cmdline", "-e x=1", "-p=a"],
    ["is-alive", "{pdd}", "--role-skip-facts=2"],
    ["-q"],
    ["-i", "x"],
    ["-q", "-v", "is-alive", "{pdd}"],
    ["worker", "--bogus"],
    ["worker", "cleanup", "--bogus"],
    ["process"],
    ["process", "--ident"],
    ["stop"],
]


@pytest.mark.parametrize("argv", CASES, ids=lambda a: " ".join(a) or "<none>")
def test_same_output_and_status_as_reference(tmp_path, ours, reference, argv):
    pdd = tmp_path / "pdd"
    pdd.mkdir()
    args = [a.replace("{pdd}", str(pdd)) for a in argv]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "80"}
    expected = run(reference, args, env=env, cwd=str(tmp_path))
    actual = run(ours, args, env=env, cwd=str(tmp_path))
    assert actual.returncode == expected.returncode
    assert actual.stderr.decode() == expected.stderr.decode()
    assert actual.stdout.decode() == expected.stdout.decode()


def test_worker_subcommand_choice(tmp_path, ours, reference):
    """Our worker also has upstream main's --keepalive-seconds, so only the error line is compared."""
    expected = run(reference, ["worker", "nosuch"])
    actual = run(ours, ["worker", "nosuch"])
    assert actual.returncode == expected.returncode == 2
    assert actual.stderr.decode().splitlines()[-1] == expected.stderr.decode().splitlines()[-1]


def test_help_exits_zero_with_usage(tmp_path, ours):
    for args in (["-h"], ["run", "-h"], ["transmit", "--help"]):
        proc = run(ours, args)
        assert proc.returncode == 0
        assert proc.stdout.decode().startswith("usage: ansible-runner")


def test_no_subcommand_prints_common_usage_on_stdout(ours):
    proc = run(ours, [])
    assert proc.returncode == 2
    assert "These are common Ansible Runner commands:" in proc.stdout.decode()
    assert proc.stderr.decode().endswith("ansible-runner: error: the following arguments are required: command\n")


def test_private_data_dir_is_created_0700(tmp_path, ours):
    pdd = tmp_path / "a" / "b"
    proc = run(ours, ["is-alive", str(pdd)])
    assert proc.returncode == 1
    assert pdd.is_dir()
    assert pdd.stat().st_mode & 0o777 == 0o700
    assert (pdd / "daemon.log").exists()


def test_inventory_must_be_a_path(tmp_path, ours):
    """Upstream main's check; 2.3.1 would write the text into inventory/hosts instead."""
    pdd = tmp_path / "pdd"
    pdd.mkdir()
    proc = run(ours, ["transmit", str(pdd), "-p", "x.yml", "--inventory", "not a path"])
    assert proc.returncode == 1
    assert proc.stderr.decode() == "Value for --inventory does not appear to be a valid path.\n"
    assert not (pdd / "inventory").exists()


def test_configuration_error_is_one_line_exit_1(tmp_path, ours):
    pdd = tmp_path / "pdd"
    (pdd / "env").mkdir(parents=True)
    (pdd / "env" / "settings").write_text("a: b: c\n")
    proc = run(ours, ["run", str(pdd), "-p", "x.yml"])
    assert proc.returncode == 1
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1
    assert str(pdd / "env" / "settings") in lines[0] and "line 1" in lines[0]


def test_missing_isolation_executable_message(tmp_path, ours, reference):
    pdd = tmp_path / "pdd"
    pdd.mkdir()
    args = ["run", str(pdd), "-p", "x.yml", "--process-isolation", "--process-isolation-executable", "nosuch-engine"]
    expected = run(reference, args)
    actual = run(ours, args)
    assert actual.returncode == expected.returncode == 1
    assert actual.stdout.decode() == expected.stdout.decode() == \
        "Unable to find process isolation executable: nosuch-engine\n"

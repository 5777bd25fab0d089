"""Every `run` option against the reference (issue 3): the same job through the reference and
through ours, back to back, compared after normalisation (diff_util) — events, status, rc, exit
code, stdout and the artifact files — plus the option's own observable effect.

Deliberate differences are pinned here with both behaviours asserted (see the README table):
the reference writes `--cmdline` into env/cmdline, crashes rotating a plain file, treats
`--inventory NAME` as INI text, runs bwrap without /lib, crashes on directory isolation, never
passes <pdd>/roles in role mode, exits 0 when Ansible dies of a foreign signal, and its `stop`
leaves Ansible running.
Timing: ours must end within 1 s of a job timeout or a cancel signal; the reference, which only
checks every pexpect_timeout (set to 1 s here to keep the file short), is given more.
"""
import json
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import OURS, REFERENCE
from diff_util import (LOCAL_INVENTORY, Normaliser, assert_same, callback_dir, collect_run, make_pdd,
                       mask_run, normalise_line, run_job_at, summarise)

LOCAL = "ansible_connection=local ansible_python_interpreter=/usr/bin/python3"
THREE_HOSTS = f"[three]\nh1 {LOCAL}\nh2 {LOCAL}\nh3 {LOCAL}\n"
ROLE_TASKS = """\
- name: show the role vars
  ansible.builtin.debug:
    msg: "a={{ a | default('unset') }} b={{ b | default('unset') }} type={{ b | default('') | type_debug }}"
"""
ROLE_FILES = {"roles/greeter/tasks/main.yml": ROLE_TASKS}
PASSWORDS = json.dumps({r"Enter secret:\s*?$": "s3cr3t"})
PASSWORDS_BEFORE_ACCENTS = json.dumps({"Clé:": "s3cr3t"}, ensure_ascii=False)
# The reference checks timeouts and cancel only every pexpect_timeout seconds (default 5).
FAST_REFERENCE = "pexpect_timeout: 1\n"
# A long task whose argument (a unique fraction of seconds) lets pgrep find this job's process.
LONG_PLAYBOOK = """\
- hosts: all
  gather_facts: false
  tasks:
    - name: before the long task
      ansible.builtin.debug:
        msg: started
    - name: the long task
      ansible.builtin.command: sleep {marker}
"""
RUNNERS = (("reference", REFERENCE), ("ours", OURS))


def runner_env(extra=None):
    """Our environment without what would change the job (RUNNER_* defaults, roles path)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNNER_") and k != "ANSIBLE_ROLES_PATH"}
    env.update(extra or {})
    return env


def marker():
    """A sleep duration no other process uses: 300.<random digits>."""
    return f"300.{uuid.uuid4().int % 10**9:09d}"


def pids_matching(pattern):
    proc = subprocess.run(["pgrep", "-f", pattern], stdout=subprocess.PIPE, text=True)
    return [int(p) for p in proc.stdout.split() if int(p) != os.getpid()]


def kill_matching(pattern):
    for pid in pids_matching(pattern):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_for(predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def expand(value, pdd, own):
    return value.replace("{pdd}", str(pdd)).replace("{own}", str(own))


class Outcome:
    """One runner's run of a job: its private data dir, scratch dir, collected run, seconds."""

    def __init__(self, who, pdd, own, run, seconds):
        self.who, self.pdd, self.own, self.run, self.seconds = who, pdd, own, run, seconds
        self.finished = time.time()

    def quiet_seconds_at_end(self):
        """Seconds from the last event's creation to the end of the run."""
        last = max(datetime.fromisoformat(e["created"]).replace(tzinfo=timezone.utc).timestamp()
                   for e in self.run["events"])
        return self.finished - last

    def summary(self, ordered=True):
        mask_run(self.run, {callback_dir(self.run): "<callback>", str(self.own): "<own>"})
        return summarise(self.run, self.pdd, ordered)

    def console_lines(self):
        norm = Normaliser({"pdd": self.pdd.resolve(), "pdd_": self.pdd, "home": Path.home()})
        return [normalise_line(norm, line) for line in self.run["console"].splitlines()]

    def hosts(self):
        return {(e.get("event_data") or {}).get("host") for e in self.run["events"]} - {None}


def run_pair(tmp_path, args, playbook="ok_changed.yml", inventory=LOCAL_INVENTORY, env=None, files=None,
             ident="job", artifact_root=None, timeout=120):
    """The job through the reference, then through ours, on twin private data dirs. In args and
    artifact_root, {pdd} is the runner's own private data dir and {own} a scratch dir of its own
    (also the working directory). Returns {"reference": Outcome, "ours": Outcome}."""
    def run_one(who, binary, name):
        pdd = make_pdd(tmp_path / name, playbook, inventory, env, files)
        own = tmp_path / f"{name}_own"
        own.mkdir()
        root = expand(artifact_root, pdd, own) if artifact_root else None
        started = time.monotonic()
        run = run_job_at(binary, pdd, [expand(a, pdd, own) for a in args], ident=ident, artifact_root=root,
                         timeout=timeout, env=runner_env(), cwd=own)
        return Outcome(who, pdd, own, run, time.monotonic() - started)

    results = {who: run_one(who, binary, who) for who, binary in RUNNERS}
    # 2.3.1 stops reading when Ansible exits and, under load, loses the last output (the stats
    # event and recap). Such a reference run is repeated once rather than compared.
    if reference_truncated(results["reference"].run, results["ours"].run):
        results["reference"] = run_one("reference", REFERENCE, "reference_again")
    return results


def reference_truncated(ref, ours):
    names = [e["event"] for e in ref["events"]]
    our_names = [e["event"] for e in ours["events"]]
    return (our_names[-1:] == ["playbook_on_stats"] and "playbook_on_stats" not in names
            and our_names[:len(names)] == names)


def assert_pair_same(results, ordered=True):
    ref, ours = results["reference"], results["ours"]
    expected, actual = ref.summary(ordered), ours.summary(ordered)
    assert expected["events"] or expected["status"] != "successful", f"reference made no events: {ref.run['stderr']}"
    assert_same(expected, actual)
    if ordered:
        assert ours.console_lines() == ref.console_lines()
    return expected, actual


def assert_prefix_same(results):
    """For jobs cut off at a wall-clock moment (timeouts): same status/rc/exit/files, and the
    shorter event list (and stdout) is a prefix of the longer."""
    ref, ours = results["reference"].summary(), results["ours"].summary()
    for key in ("status", "rc", "exit", "files", "counters_contiguous", "lines_contiguous"):
        assert ours[key] == ref[key], f"{key}: ours {ours[key]!r} != reference {ref[key]!r}"
    n = min(len(ref["events"]), len(ours["events"]))
    assert ours["events"][:n] == ref["events"][:n]
    m = min(len(ref["stdout_lines"]), len(ours["stdout_lines"]))
    assert ours["stdout_lines"][:m] == ref["stdout_lines"][:m]
    return ref, ours


# --- Checks of an option's own effect, run after the differential comparison. -----------------

def pdd_gets_cmdline_file(results):
    """Deliberate difference: the reference's run() dumps --cmdline into <pdd>/env/cmdline (mode
    0400; a later run without --cmdline then still uses it). Ours never writes into the pdd."""
    ref_file = results["reference"].pdd / "env" / "cmdline"
    assert ref_file.read_text() == "-e unused=1"
    assert not (results["ours"].pdd / "env").exists()


def no_env_files_at_all(results):
    for outcome in results.values():
        assert not (outcome.pdd / "env").exists(), outcome.who


def failed_adhoc(results):
    ours = results["ours"].run
    assert (ours["status"], ours["rc"], ours["exit"]) == ("failed", "2", 2)
    assert all(line.startswith("{") for line in ours["stdout"].splitlines())  # -j: one JSON event per line


def role_vars_reach_the_role(results):
    out = results["ours"].run["stdout"]
    assert "a=1 b=[1, 2] type=list" in out
    assert "Gathering Facts" not in out
    assert results["ours"].hosts() == {"localhost"}


def role_defaults(results):
    out = results["ours"].run["stdout"]
    assert "a=unset b=unset" in out and "Gathering Facts" in out


def limited_hosts(results):
    for outcome in results.values():
        assert outcome.hosts() == {"h1", "h3"}, outcome.who


def flag_cmdline_wins(results):
    out = results["ours"].run["stdout"]
    assert "greeting=flag" in out and "untagged task ran" not in out


def file_cmdline_used(results):
    out = results["ours"].run["stdout"]
    assert "untagged task ran" in out and "greeting=" not in out


def event_data_omitted(results):
    for outcome in results.values():
        framed = [e for e in outcome.run["events"] if "pid" in e]
        assert framed and all(e["event_data"] == {} for e in framed), outcome.who


def only_failed_event_data(results):
    """The reference keeps data for 'runner_on_item_failed', an event that does not exist, so
    the real item failure (runner_item_on_failed) loses its data; ours does the same."""
    for outcome in results.values():
        by_name = {}
        for e in outcome.run["events"]:
            if "pid" in e:
                by_name.setdefault(e["event"], []).append(e["event_data"])
        assert by_name["runner_item_on_failed"] == [{}], outcome.who
        assert all(d.get("res") for d in by_name["runner_on_failed"]), outcome.who
        assert all(d == {} for d in by_name["runner_on_ok"] + by_name["playbook_on_stats"]), outcome.who


def other_paths_used(results):
    for outcome in results.values():
        assert outcome.hosts() == {"other"}, outcome.who
        assert not (outcome.pdd / "artifacts").exists(), outcome.who
        assert outcome.run["command"]["cwd"] == str(outcome.pdd / "proj2"), outcome.who


def inventory_dir_hosts(results):
    for outcome in results.values():
        assert outcome.hosts() == {"a1", "b1"}, outcome.who


def no_output_files(results):
    for outcome in results.values():
        assert "stdout" not in outcome.run["files"] and "stderr" not in outcome.run["files"], outcome.who
        assert "SUCCESS" in outcome.run["console"], outcome.who


def nothing_echoed(results):
    for outcome in results.values():
        assert outcome.run["console"] == "", outcome.who
        assert "this task fails" in outcome.run["stdout"], outcome.who


def prompt_answered(results):
    ours = results["ours"].run
    assert ours["status"] == "successful"
    assert "secret is s3cr3t" in ours["stdout"]
    assert "playbook_on_vars_prompt" in [e["event"] for e in ours["events"]]


# name: dict(args, playbook, inventory, env files, extra files, ordered, artifact_root, check)
CASES = {
    "adhoc_ping_cmdline": dict(args=["-m", "ping", "--hosts", "all", "--cmdline", "-e unused=1"],
                               check=pdd_gets_cmdline_file),
    "adhoc_command_omit_env_files": dict(args=["-m", "command", "-a", "echo hi", "--hosts", "all",
                                               "--cmdline", "-e unused=1", "--omit-env-files"],
                                         check=no_env_files_at_all),
    "adhoc_failing_json": dict(args=["-m", "command", "-a", "/bin/false", "--hosts", "localhost", "-j"],
                               check=failed_adhoc),
    "role_vars_skip_facts_hosts": dict(args=["-r", "greeter", "--roles-path", "{pdd}/roles", "--role-vars",
                                             "a=1 b=[1,2]", "--role-skip-facts", "--hosts", "localhost"],
                                       inventory=THREE_HOSTS.replace("h1", "localhost"), files=ROLE_FILES,
                                       check=role_vars_reach_the_role),
    "role_gather_facts_default_hosts": dict(args=["-r", "greeter", "--roles-path", "{pdd}/roles"], files=ROLE_FILES,
                                            check=role_defaults),
    "limit_forks": dict(args=["-p", "ok_changed.yml", "--limit", "h1:h3", "--forks", "1"], inventory=THREE_HOSTS,
                        check=limited_hosts),
    "cmdline_flag_beats_env_cmdline": dict(args=["-p", "options.yml", "--cmdline", "-e greeting=flag --tags t1"],
                                           playbook="options.yml",
                                           env={"cmdline": "-e greeting=file --skip-tags t1"},
                                           check=flag_cmdline_wins),
    "env_cmdline": dict(args=["-p", "options.yml"], playbook="options.yml",
                        env={"cmdline": "-e greeting=file --skip-tags t1"}, check=file_cmdline_used),
    # Forked workers' -v frames interleave differently from run to run: compared as sets.
    "verbose_v": dict(args=["-p", "ok_changed.yml", "-v"], ordered=False),
    "verbose_vv_adhoc": dict(args=["-m", "ping", "--hosts", "all", "-vv"], ordered=False),
    "verbose_vvvv": dict(args=["-p", "ok_changed.yml", "-vvvv"], ordered=False),
    "omit_event_data": dict(args=["-p", "failed.yml", "--omit-event-data"], playbook="failed.yml",
                            check=event_data_omitted),
    "only_failed_event_data": dict(args=["-p", "loops.yml", "--only-failed-event-data"], playbook="loops.yml",
                                   check=only_failed_event_data),
    "artifact_project_inventory_paths": dict(
        args=["-p", "ok_changed.yml", "--artifact-dir", "{own}/arts", "--project-dir", "{pdd}/proj2",
              "--inventory", "{pdd}/inv/hosts.ini"],
        playbook="options.yml", artifact_root="{own}/arts",
        files={"proj2/ok_changed.yml": (Path(__file__).parent / "playbooks" / "ok_changed.yml").read_text(),
               "inv/hosts.ini": f"other {LOCAL}\n"},
        check=other_paths_used),
    "inventory_dir_forks_adhoc": dict(args=["-m", "ping", "--hosts", "all", "--inventory", "{pdd}/invdir",
                                            "--forks", "1"],
                                      files={"invdir/a": f"a1 {LOCAL}\n", "invdir/b": f"b1 {LOCAL}\n"},
                                      check=inventory_dir_hosts),
    "suppress_output_file": dict(args=["-m", "ping", "--hosts", "all"], env={"settings": "suppress_output_file: true\n"},
                                 check=no_output_files),
    "suppress_ansible_output": dict(args=["-p", "failed.yml"], playbook="failed.yml",
                                    env={"settings": "suppress_ansible_output: true\n"}, check=nothing_echoed),
    "passwords_answer_vars_prompt": dict(args=["-p", "prompt.yml"], playbook="prompt.yml",
                                         env={"passwords": PASSWORDS}, check=prompt_answered),
    # The search window counts characters, as pexpect's does (job_timeout bounds a miss).
    "passwords_window_counts_characters": dict(args=["-p", "prompt_accents.yml"], playbook="prompt_accents.yml",
                                               env={"passwords": PASSWORDS_BEFORE_ACCENTS,
                                                    "settings": "job_timeout: 60\n"},
                                               check=prompt_answered),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_option_matches_reference(name, tmp_path, ours, reference):
    case = CASES[name]
    results = run_pair(tmp_path, case["args"], playbook=case.get("playbook", "ok_changed.yml"),
                       inventory=case.get("inventory", LOCAL_INVENTORY), env=case.get("env"),
                       files=case.get("files"), artifact_root=case.get("artifact_root"))
    assert_pair_same(results, case.get("ordered", True))
    if case.get("check"):
        case["check"](results)


def test_adhoc_setup_matches_reference(tmp_path, ours, reference):
    """-m setup: facts differ from second to second, so texts are left out; the events, their
    keys and the result keys must match."""
    results = run_pair(tmp_path, ["-m", "setup", "--hosts", "all"])
    ref, mine = (results[w].summary() for w in ("reference", "ours"))
    for summary in (ref, mine):
        summary["stdout_lines"] = []
        for event in summary["events"]:
            event.pop("stdout")
    assert_same(ref, mine)
    assert mine["status"] == "successful"
    ok = [e for e in results["ours"].run["events"] if e["event"] == "runner_on_ok"]
    assert "ansible_env" not in ok[0]["event_data"]["res"]["ansible_facts"]


def test_role_in_pdd_roles_without_roles_path(tmp_path, ours, reference):
    """Deliberate difference: CLI role mode of the reference computes ANSIBLE_ROLES_PATH=<pdd>/roles
    but never passes it, so a role in <pdd>/roles is not found; ours finds it."""
    results = run_pair(tmp_path, ["-r", "greeter", "--role-skip-facts"], files=ROLE_FILES)
    ref, mine = results["reference"].run, results["ours"].run
    assert (ref["status"], ref["exit"]) == ("failed", 1)
    assert "the role 'greeter' was not found" in ref["stdout"]
    assert (mine["status"], mine["exit"]) == ("successful", 0)
    assert "a=unset b=unset" in mine["stdout"]
    # The generated playbook (32 hex digits) is removed afterwards by both.
    for outcome in results.values():
        leftovers = [p.name for p in (outcome.pdd / "project").iterdir() if re.fullmatch(r"[0-9a-f]{32}.*", p.name)]
        assert leftovers == [], outcome.who


def test_rotate_artifacts(tmp_path, ours, reference):
    """--rotate-artifacts 2 over four runs with different idents keeps the two newest dirs.
    A raw binary (-b /bin/true) keeps the runs fast; rotation does not depend on Ansible."""
    kept = {}
    for who, binary in RUNNERS:
        pdd = tmp_path / who
        for ident in ("r1", "r2", "r3", "r4"):
            proc = subprocess.run([binary, "run", str(pdd), "-i", ident, "-b", "/bin/true", "-p", "x.yml",
                                   "--rotate-artifacts", "2"], capture_output=True, timeout=60, env=runner_env())
            assert proc.returncode == 0, proc.stderr
            assert (pdd / "artifacts" / ident / "status").read_text() == "successful"
        kept[who] = sorted(p.name for p in (pdd / "artifacts").iterdir())
    assert kept["ours"] == kept["reference"] == ["r3", "r4"]


def test_rotate_artifacts_with_a_plain_file(tmp_path, ours, reference):
    """Deliberate difference: the reference crashes (traceback, exit 1, no status) when the
    artifact root holds a plain file; ours rotates only directories and leaves the file."""
    outcomes = {}
    for who, binary in RUNNERS:
        root = tmp_path / who / "artifacts"
        (root / "old").mkdir(parents=True)
        (root / "stray.txt").write_text("keep me\n")
        os.utime(root / "old", (1, 1))
        os.utime(root / "stray.txt", (2, 2))
        proc = subprocess.run([binary, "run", str(tmp_path / who), "-i", "new", "-b", "/bin/true", "-p", "x.yml",
                               "--rotate-artifacts", "1"], capture_output=True, timeout=60, env=runner_env())
        outcomes[who] = (proc, root)
    proc, root = outcomes["reference"]
    assert proc.returncode == 1 and b"NotADirectoryError" in proc.stderr
    assert not (root / "new" / "status").exists()
    proc, root = outcomes["ours"]
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in root.iterdir()) == ["new", "stray.txt"]
    assert (root / "new" / "status").read_text() == "successful"


def test_inventory_name_inside_pdd_inventory(tmp_path, ours, reference):
    """Deliberate difference (upstream main's rule): `--inventory hosts` names <pdd>/inventory/hosts
    for ours; the 2.3.1 reference writes the text 'hosts' into inventory/hosts as INI content."""
    for who, binary in RUNNERS:
        pdd = make_pdd(tmp_path / who, "ok_changed.yml")
        proc = subprocess.run([binary, "run", str(pdd), "-i", "inv", "-b", "/bin/true", "-p", "x.yml",
                               "--inventory", "hosts"], capture_output=True, timeout=60, env=runner_env(),
                              cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        command = json.loads((pdd / "artifacts" / "inv" / "command").read_text())["command"]
        inventory = (pdd / "inventory" / "hosts").read_text()
        assert command == ["/bin/true", "-i", str(pdd / "inventory" / "hosts")]
        assert inventory == ("hosts" if who == "reference" else LOCAL_INVENTORY)


def test_bwrap_sandbox_runs_the_job(tmp_path, ours, reference):
    """Deliberate difference: the reference's bwrap line has no /lib and cannot exec Ansible on
    Debian; ours runs the job in the sandbox (with our plugin dir bound read-only if needed), with
    --process-isolation-hide-paths masked and --process-isolation-ro-paths read-only."""
    shared = tmp_path / "shared"
    (shared / "hidden").mkdir(parents=True)
    (shared / "hidden" / "secret").write_text("s\n")
    (shared / "ro").mkdir()
    (shared / "ro" / "file").write_text("r\n")
    playbook = f"""\
- hosts: all
  gather_facts: false
  tasks:
    - command: ls -A {shared}/hidden
      register: hidden
    - command: cat {shared}/ro/file
      register: ro
    - shell: echo x > {shared}/ro/new
      register: write
      ignore_errors: true
    - debug:
        msg: "hidden={{{{ hidden.stdout_lines }}}} ro={{{{ ro.stdout }}}} write_rc={{{{ write.rc }}}}"
"""
    results = run_pair(tmp_path, ["-p", "iso.yml", "--process-isolation", "--process-isolation-executable", "bwrap",
                                  "--process-isolation-path", "{own}", "--process-isolation-hide-paths",
                                  f"{shared}/hidden", "--process-isolation-ro-paths", f"{shared}/ro"],
                       files={"project/iso.yml": playbook})
    ref, mine = results["reference"].run, results["ours"].run
    assert (ref["status"], ref["rc"]) == ("failed", "1")
    assert "bwrap: execvp ansible-playbook: No such file or directory" in ref["stdout"]
    assert (mine["status"], mine["rc"], mine["exit"]) == ("successful", "0", 0), mine["stdout"]
    assert "hidden=[] ro=r write_rc=2" in mine["stdout"]
    assert not (shared / "ro" / "new").exists()
    assert mine["command"]["command"][0] == "bwrap"
    # The sandbox temp dir is removed after the run.
    assert not list(results["ours"].own.glob("ansible_runner_pi_*"))


def test_bwrap_directory_isolation(tmp_path, ours, reference):
    """--directory-isolation-base-path: the playbook runs in a copy of the project under the base
    path, bound into the sandbox; the copy is removed afterwards, the base path kept. The 2.3.1
    reference crashes making the copy (copytree onto the dir it just created)."""
    outcomes = {}
    for who, binary in RUNNERS:
        pdd = make_pdd(tmp_path / who, "ok_changed.yml")
        base = tmp_path / f"{who}_base"
        base.mkdir()
        run = run_job_at(binary, pdd, ["-p", "ok_changed.yml", "--process-isolation", "--process-isolation-executable",
                                       "bwrap", "--process-isolation-path", str(tmp_path),
                                       "--directory-isolation-base-path", str(base)], env=runner_env())
        outcomes[who] = (run, base)
    ref, _ = outcomes["reference"]
    assert ref["exit"] == 1 and "FileExistsError" in ref["stderr"] and ref["status"] is None
    mine, base = outcomes["ours"]
    assert (mine["status"], mine["exit"]) == ("successful", 0), mine["stdout"]
    paths = {e["event_data"]["task_path"] for e in mine["events"] if "task_path" in e.get("event_data", {})}
    assert paths and all(p.startswith(f"{base}/runner_di_") for p in paths), paths
    assert mine["command"]["cwd"] == str(base)
    assert base.is_dir() and not list(base.iterdir())


def test_process_isolation_missing_executable_from_settings(tmp_path, ours, reference):
    """process_isolation from env/settings with an executable that does not exist: unlike the
    flag (test_cli_usage: "Unable to find process isolation executable", exit 1) nothing probes
    it; the job fails to spawn: rc 127 with the spawn error as output, status written."""
    outputs = {}
    for who, binary in RUNNERS:
        pdd = make_pdd(tmp_path / who, "ok_changed.yml", env={
            "settings": "process_isolation: true\nprocess_isolation_executable: nosuch-engine\n"})
        proc = subprocess.run([binary, "run", str(pdd), "-i", "iso", "-p", "ok_changed.yml"], capture_output=True,
                              timeout=60, env=runner_env())
        outputs[who] = (proc.returncode, proc.stdout.decode(), (pdd / "artifacts" / "iso" / "status").exists())
    assert outputs["ours"] == outputs["reference"]
    assert outputs["ours"] == (127, "The command was not found or was not executable: nosuch-engine.\n", True)


# --- Timeouts ------------------------------------------------------------------------------------

@pytest.mark.parametrize("setting", ["job_timeout", "idle_timeout"])
def test_timeout_setting(setting, tmp_path, ours, reference):
    """env/settings job_timeout / idle_timeout: status timeout, rc 254 for both. Ours ends within
    the timeout + 1 s; the reference only checks every pexpect_timeout (up to +5 s by default)."""
    limit = 3
    mark = marker()
    try:
        results = run_pair(tmp_path, ["-p", "long.yml"], ident="slow",
                           files={"project/long.yml": LONG_PLAYBOOK.format(marker=mark)},
                           env={"settings": f"{setting}: {limit}\n{FAST_REFERENCE}"}, timeout=60)
        ref, mine = assert_prefix_same(results)
        assert (mine["status"], mine["rc"], mine["exit"]) == ("timeout", "254", 254)
        assert mine["events"], "no events before the timeout"
        # job_timeout counts from the start, idle_timeout from the last event.
        ours = results["ours"]
        waited = ours.seconds if setting == "job_timeout" else ours.quiet_seconds_at_end()
        assert waited < limit + 1, f"{setting} {limit}: ours ended after {waited:.2f} s"
        assert results["reference"].seconds < 60
        assert wait_for(lambda: not pids_matching(f"sleep {mark}"), 2), "the long task survived the timeout"
    finally:
        kill_matching(f"sleep {mark}")


# --- Fact cache ----------------------------------------------------------------------------------

def test_fact_cache_round_trip(tmp_path, ours, reference):
    """The jsonfile fact cache under artifacts/<ident>/<settings fact_cache>: a cacheable set_fact
    and the gathered facts are written by the first run; a second run (another ident, with that
    cache copied in, as AWX does with fact_cache) reads them without gathering. (fact_cache_type
    has no CLI flag; the command artifact tests cover its settings key.)"""
    results = {}
    for who, binary in RUNNERS:
        pdd = make_pdd(tmp_path / who, "cache_set.yml", env={"settings": "fact_cache: my_cache\n"})
        (pdd / "project" / "cache_use.yml").write_text((Path(__file__).parent / "playbooks" / "cache_use.yml").read_text())
        first = run_job_at(binary, pdd, ["-p", "cache_set.yml"], ident="first", env=runner_env())
        assert first["status"] == "successful", first["stdout"]
        cache = pdd / "artifacts" / "first" / "my_cache"
        assert sorted(p.name for p in cache.iterdir()) == ["localhost"]
        facts = json.loads((cache / "localhost").read_text())
        assert facts["cached_answer"] == 42 and "ansible_os_family" in facts
        second_cache = pdd / "artifacts" / "second" / "my_cache"
        second_cache.mkdir(parents=True)
        (second_cache / "localhost").write_text((cache / "localhost").read_text())
        second = run_job_at(binary, pdd, ["-p", "cache_use.yml"], ident="second", env=runner_env())
        results[who] = (pdd, first, second)
    for index in (1, 2):
        expected = summarise(results["reference"][index], results["reference"][0])
        actual = summarise(results["ours"][index], results["ours"][0])
        assert_same(expected, actual)
    out = results["ours"][2]["stdout"]
    assert "cached_answer=42" in out and "family=missing" not in out
    assert results["ours"][2]["command"]["env"]["ANSIBLE_CACHE_PLUGIN_CONNECTION"] == \
        str(results["ours"][0] / "artifacts" / "second" / "my_cache")


# --- ssh_key through ssh-agent, against a real sshd on loopback -----------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sshd(tmp_path):
    """Debian's sshd on 127.0.0.1:<free port> with a throwaway host key, accepting only a fresh
    client key for root. Yields (port, private key text); the private key exists only in memory
    and, later, in env/ssh_key. sshd is killed afterwards."""
    if not os.access("/usr/sbin/sshd", os.X_OK) or os.geteuid() != 0:
        pytest.skip("needs root and openssh-server")
    d = tmp_path / "sshd"
    d.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "host_key")], check=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "runner-test", "-f", str(d / "client")],
                   check=True)
    key = (d / "client").read_text()
    (d / "client").unlink()  # from here on the private key lives only in env/ssh_key
    (d / "authorized_keys").write_text((d / "client.pub").read_text())
    (d / "sshd_config").write_text(
        f"ListenAddress 127.0.0.1\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n"
        "PidFile none\nPermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nLogLevel ERROR\n")
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation dir
    port = free_port()
    log = open(d / "sshd.log", "wb")
    proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(d / "sshd_config"), "-p", str(port)],
                            stdout=log, stderr=log)
    try:
        def listening():
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) == 0
        assert wait_for(listening, 10), (d / "sshd.log").read_text()
        yield port, key
    finally:
        proc.kill()
        proc.wait(timeout=10)
        log.close()


def test_ssh_key_through_agent(tmp_path, ours, reference, sshd):
    """env/ssh_key: the key reaches ssh through ssh-agent and a FIFO in the artifact dir; the
    job logs in over real ssh; the key is never a regular file outside env/ssh_key and the FIFO
    is gone afterwards."""
    port, key = sshd
    inventory = (f"remote ansible_connection=ssh ansible_host=127.0.0.1 ansible_port={port} ansible_user=root "
                 "ansible_python_interpreter=/usr/bin/python3 "
                 "ansible_ssh_args='-o ControlMaster=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=no'\n")
    try:
        results = run_pair(tmp_path, ["-p", "ssh_whoami.yml"], playbook="ssh_whoami.yml", inventory=inventory,
                           env={"ssh_key": key}, ident="ssh", timeout=90)
        assert_pair_same(results)
        key_body = key.splitlines()[1].encode()
        for outcome in results.values():
            run = outcome.run
            assert run["status"] == "successful", f"{outcome.who}: {run['stdout']}"
            assert "Identity added: " in run["stdout"]
            assert "ssh_key_data" not in run["files"]
            assert run["command"]["command"][:3] == ["ssh-agent", "sh", "-c"]
            for path in list(outcome.pdd.rglob("*")) + list(outcome.own.rglob("*")):
                if path.is_file() and not path.is_symlink() and path != outcome.pdd / "env" / "ssh_key":
                    assert key_body not in path.read_bytes(), f"{outcome.who}: key written to {path}"
        for outcome in results.values():
            ok = [e for e in outcome.run["events"] if e["event"] == "runner_on_ok"]
            assert ok[0]["event_data"]["res"]["stdout"] == "root", outcome.who  # whoami over the real login
    finally:
        # ssh-agent outlives the job by up to 10 s (it polls for its parent); both runners alike.
        for who in ("reference", "ours"):
            kill_matching(f"ssh-agent sh -c .*{tmp_path / who}")


# --- Cancel --------------------------------------------------------------------------------------

def start_long_job(binary, pdd, ident, mark):
    out = open(pdd.parent / f"{pdd.name}-{ident}.console", "w+b")
    proc = subprocess.Popen([binary, "run", str(pdd), "-i", ident, "-p", "long.yml"], stdout=out,
                            stderr=subprocess.STDOUT, env=runner_env(), start_new_session=True)
    return proc, out


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_cancel_by_signal(signum, tmp_path, ours, reference):
    """SIGTERM / SIGINT to `run` mid-task: status canceled, rc 254, exit 254, the artifacts
    complete, the same events as the reference; ours within 1 s and nothing of the job left."""
    outcomes = {}
    for who, binary in RUNNERS:
        mark = marker()
        pdd = make_pdd(tmp_path / who, "ok_changed.yml", env={"settings": FAST_REFERENCE})
        (pdd / "project" / "long.yml").write_text(LONG_PLAYBOOK.format(marker=mark))
        proc, out = start_long_job(binary, pdd, "cancel", mark)
        try:
            assert wait_for(lambda: pids_matching(f"sleep {mark}"), 60), "the long task never started"
            time.sleep(0.5)  # let the task's runner_on_start reach the runner
            assert pids_matching(f"ansible-playbook .*{pdd}/"), "the pattern must see the running job"
            sent = time.monotonic()
            proc.send_signal(signum)
            exit_code = proc.wait(timeout=15)
            seconds = time.monotonic() - sent
            gone = wait_for(lambda: not pids_matching(f"sleep {mark}") and not pids_matching(f"ansible-playbook .*{pdd}/"),
                            max(0.0, 1.0 - seconds) + 0.05)
            out.seek(0)
            run = collect_run(exit_code, out.read(), b"", pdd / "artifacts" / "cancel")
            outcomes[who] = Outcome(who, pdd, tmp_path / f"{who}_own", run, seconds)
            if who == "ours":
                assert gone, "the job's processes survived the cancel"
                assert seconds < 1.0, f"cancel took {seconds:.2f} s"
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
            out.close()
            kill_matching(f"sleep {mark}")
            kill_matching(f"ansible-playbook .*{pdd}/")
    expected, actual = assert_pair_same(outcomes)
    assert (actual["status"], actual["rc"], actual["exit"]) == ("canceled", "254", 254)
    assert actual["files"] == ["command", "rc", "status", "stderr", "stdout"]  # job_events/ is listed apart
    assert actual["events"][-1]["event"] == "runner_on_start"


# --- start / stop / is-alive ----------------------------------------------------------------------

def test_stop_ends_the_job_unlike_the_reference(tmp_path, ours, reference):
    """start, is-alive, stop with both. The reference's stop kills only the daemon's process group:
    Ansible (own session) keeps running and no status is written. Ours cancels the job: status
    canceled, nothing left running (pinned difference)."""
    seen = {}
    for who, binary in RUNNERS:
        mark = marker()
        pdd = make_pdd(tmp_path / who, "ok_changed.yml")
        (pdd / "project" / "long.yml").write_text(LONG_PLAYBOOK.format(marker=mark))
        try:
            proc = subprocess.run([binary, "start", str(pdd), "-i", "daemon", "-p", "long.yml"], capture_output=True,
                                  timeout=30, env=runner_env())
            assert proc.returncode == 0, proc.stderr
            assert wait_for(lambda: pids_matching(f"sleep {mark}"), 60), "the daemon's job never started"
            alive = subprocess.run([binary, "is-alive", str(pdd)], timeout=30).returncode
            stop = subprocess.run([binary, "stop", str(pdd)], timeout=60).returncode
            after = subprocess.run([binary, "is-alive", str(pdd)], timeout=30).returncode
            survivors = wait_for(lambda: not pids_matching(f"sleep {mark}"), 3) is False
            status = pdd / "artifacts" / "daemon" / "status"
            wait_for(status.exists, 3 if who == "ours" else 0)
            seen[who] = (alive, stop, after, (pdd / "pid").exists(), survivors,
                         status.read_text() if status.exists() else None)
        finally:
            kill_matching(f"sleep {mark}")
            kill_matching(f"ansible-playbook .*{pdd}")
    assert seen["reference"] == (0, 0, 1, False, True, None)
    assert seen["ours"] == (0, 0, 1, False, False, "canceled")


def test_ansible_killed_by_a_foreign_signal(tmp_path, ours, reference):
    """Ansible killed by someone else's SIGKILL: both record rc None and status failed; the
    reference then exits 0, hiding the failure, ours exits 1 (pinned difference)."""
    seen = {}
    for who, binary in RUNNERS:
        mark = marker()
        pdd = make_pdd(tmp_path / who, "ok_changed.yml", env={"settings": FAST_REFERENCE})
        (pdd / "project" / "long.yml").write_text(LONG_PLAYBOOK.format(marker=mark))
        proc, out = start_long_job(binary, pdd, "killed", mark)
        try:
            assert wait_for(lambda: pids_matching(f"sleep {mark}"), 60), "the long task never started"
            kill_matching(f"ansible-playbook .*{pdd}/")
            exit_code = proc.wait(timeout=30)
            art = pdd / "artifacts" / "killed"
            seen[who] = (exit_code, (art / "status").read_text(), (art / "rc").read_text())
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
            out.close()
            kill_matching(f"sleep {mark}")
    assert seen["reference"] == (0, "failed", "None")
    assert seen["ours"] == (1, "failed", "None")

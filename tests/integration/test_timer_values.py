"""Timer values: one rule for every timer, wherever it is set (docs/run-options.md, "Timer
values"; issue: bounded inputs, item 7). 0, infinity and more than 100 years mean no timer;
negative values and NaN are refused with an error naming the setting; what the reference does
with each is pinned beside ours (a negative timeout times its job out at once, NaN never)."""
import json
import os

import pytest

from stream_util import messages, run, transmit, worker, write_pdd

PLAY = """- hosts: all
  gather_facts: false
  tasks:
    - command: sleep 1
"""
REFUSED = "must be 0 or more seconds (0 or infinity: no timer)"


def run_cli(binary, pdd, settings):
    (pdd / "env").mkdir(exist_ok=True)
    (pdd / "env" / "settings").write_text(settings)
    proc = run([binary, "run", str(pdd), "-p", "test.yml", "--ident", "t"], timeout=120)
    art = pdd / "artifacts" / "t"
    status = (art / "status").read_text() if (art / "status").exists() else None
    return proc, status


# (settings, the reference's status): ours refuses where the reference is None.
SETTINGS = [
    ("job_timeout: -5", "timeout", None),
    ("idle_timeout: -5", "timeout", None),
    ("job_timeout: .nan", "successful", None),
    ("idle_timeout: .nan", "successful", None),
    ("pexpect_timeout: -1", None, None),
    ("job_timeout: .inf", "successful", "successful"),
    ("job_timeout: 1.0e+999", "successful", "successful"),
    ("job_timeout: 0", "successful", "successful"),
    ("idle_timeout: 1.0e+300", "successful", "successful"),
]


@pytest.mark.parametrize("settings,reference_status,our_status", SETTINGS, ids=[s[0] for s in SETTINGS])
def test_settings_timers_through_run(settings, reference_status, our_status, ours, reference, tmp_path):
    ref_proc, ref_status = run_cli(reference, write_pdd(tmp_path / "ref", PLAY), settings + "\n")
    if settings.startswith("pexpect_timeout"):
        # pexpect waits its default 30 s per read on a negative timeout: the job still ends.
        assert ref_status == "successful", ref_proc.stdout.decode()[-2000:]
    else:
        assert ref_status == reference_status, ref_proc.stdout.decode()[-2000:]
    proc, status = run_cli(ours, write_pdd(tmp_path / "ours", PLAY), settings + "\n")
    if our_status:
        assert (proc.returncode, status) == (0, our_status), proc.stderr.decode()
        return
    key = settings.split(":")[0]
    assert proc.returncode == 1
    assert f"settings: '{key}' {REFUSED}, got " in proc.stderr.decode(), proc.stderr.decode()
    assert status is None and not (tmp_path / "ours" / "artifacts" / "t" / "job_events").exists()


def test_a_timer_that_is_not_a_number_is_refused(ours, tmp_path):
    proc, status = run_cli(ours, write_pdd(tmp_path / "ours", PLAY), "job_timeout: soon\n")
    assert proc.returncode == 1 and status is None
    assert "settings: 'job_timeout' must be a number, got \"soon\"" in proc.stderr.decode()


def job_stream(reference, tmp_path, settings):
    """The reference's transmit of PLAY with `settings` in its kwargs (as Python's json writes
    NaN and Infinity)."""
    stream = transmit(reference, write_pdd(tmp_path / "sender", PLAY), ident="w")
    first, rest = stream.split(b"\n", 1)
    kwargs = json.loads(first)
    kwargs["kwargs"]["settings"] = settings
    return json.dumps(kwargs).encode() + b"\n" + rest


@pytest.mark.parametrize("settings,reference_status", [({"job_timeout": -5}, "timeout"),
                                                        ({"idle_timeout": float("nan")}, "successful")],
                         ids=["negative", "nan"])
def test_the_worker_refuses_a_bad_timer_in_the_job_stream(settings, reference_status, ours, reference, tmp_path):
    stream = job_stream(reference, tmp_path, settings)
    ref = messages(worker(reference, stream, pdd=tmp_path / "ref").stdout)
    assert [m["status"] for m in ref if "status" in m][-1] == reference_status
    result = worker(ours, stream, pdd=tmp_path / "ours")
    msgs = messages(result.stdout)
    final = [m for m in msgs if "status" in m][-1]
    assert final["status"] == "error" and REFUSED in final["job_explanation"], final
    assert msgs[-1] == {"eof": True}
    assert not any("event" in m for m in msgs)


@pytest.mark.parametrize("value", ["-5", "nan", "-inf", "soon"])
def test_the_worker_refuses_a_bad_keepalive_from_the_environment(value, ours, reference, tmp_path):
    stream = transmit(reference, write_pdd(tmp_path / "sender", PLAY), ident="k")
    env = dict(os.environ, ANSIBLE_RUNNER_KEEPALIVE_SECONDS=value)
    result = worker(ours, stream, pdd=tmp_path / "ours", env=env, timeout=60)
    assert result.returncode == 1 and result.stdout == b""
    assert b"ANSIBLE_RUNNER_KEEPALIVE_SECONDS" in result.stderr
    assert not (tmp_path / "ours").exists()


def test_the_worker_refuses_a_negative_keepalive_flag(ours, reference, tmp_path):
    stream = transmit(reference, write_pdd(tmp_path / "sender", PLAY), ident="k")
    result = worker(ours, stream, extra_args=["--keepalive-seconds", "-1"], timeout=60)
    assert result.returncode == 1 and result.stdout == b""
    assert f"--keepalive-seconds {REFUSED}, got -1.0".encode() in result.stderr, result.stderr


def test_grace_period_must_not_be_negative(ours, reference, tmp_path):
    """A negative --grace-period: the reference spares no directory, not even one just written;
    ours refuses it as a usage error and removes nothing."""
    outcomes = {}
    for who, binary in (("ref", reference), ("ours", ours)):
        root = tmp_path / who
        (root / "awx_recent").mkdir(parents=True)
        result = run([binary, "worker", "cleanup", f"--file-pattern={root}/awx_*", "--grace-period=-5"])
        outcomes[who] = (result.returncode, (root / "awx_recent").exists(), result.stderr.decode())
    assert outcomes["ref"][:2] == (0, False)
    code, kept, stderr = outcomes["ours"]
    assert (code, kept) == (2, True) and "--grace-period" in stderr, stderr

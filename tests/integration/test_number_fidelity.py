"""Numbers keep their text, and env material goes through env/ files, as in the reference
(issue: bounded inputs, items 4 and 5; docs/security.md).

A job stream whose kwargs hold an integer `ident` beyond 64 bits, extravars with big integers,
-0, exponents and -0.0, and envvars that are not strings goes through the reference's worker and
ours: the runner_ident, the artifact dir, the `env/` files the worker writes, the command Ansible
gets (`-e @env/extravars`, not the JSON on the command line), what the playbook sees and the
environment values must be the same."""
import json

from stream_util import messages, transmit, worker, write_pdd

PLAY = """- hosts: all
  gather_facts: false
  tasks:
    - debug: var=item
      loop: "{{ nums }}"
    - debug: msg="{{ big + 1 }}"
    - debug: msg="{{ lookup('env', 'FLAG') }}|{{ lookup('env', 'RATIO') }}|{{ lookup('env', 'HUGE') }}"
"""
IDENT = "123456789012345678901234567890123"
KWARGS = ('{"kwargs": {"ident": ' + IDENT + ', "playbook": "test.yml", "extravars": {'
          '"big": 123456789012345678901234567890, "nums": [123456789012345678901234567890, '
          '-98765432109876543210987654321, -0, 1e5, 0.1, 1.0, 1.5e-7, -0.0, 18446744073709551616, '
          '9223372036854775808, -9223372036854775809, 1E+2, 12345678901234567890123.0]}, '
          '"envvars": {"FLAG": true, "RATIO": 1.5, "HUGE": 98765432109876543210987654321}}}')


def job_stream(reference, tmp_path):
    """The reference's transmit of the project, with the kwargs line replaced by KWARGS."""
    pdd = write_pdd(tmp_path / "sender", PLAY)
    stream = transmit(reference, pdd, ident="x")
    return KWARGS.encode() + b"\n" + stream.split(b"\n", 1)[1]


def seen(binary, stream, pdd):
    result = worker(binary, stream, pdd=pdd)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    msgs = messages(result.stdout)
    starting = next(m for m in msgs if m.get("status") == "starting")
    events = [m for m in msgs if "event" in m]
    items = [e["event_data"]["res"]["item"] for e in events if e["event"] == "runner_item_on_ok"]
    msgs_printed = [e["event_data"]["res"].get("msg") for e in events if e["event"] == "runner_on_ok"]
    return {
        "runner_ident": starting["runner_ident"],
        "event_idents": sorted({e["runner_ident"] for e in events}),
        "command": [a.replace(str(pdd), "<pdd>") for a in starting["command"]],
        "status": [m["status"] for m in msgs if "status" in m],
        "items": json.dumps(items),
        "printed": msgs_printed,
        "env_files": {p.name: p.read_text() for p in sorted((pdd / "env").iterdir())},
        "artifact_dirs": sorted(p.name for p in (pdd / "artifacts").iterdir()),
    }


def test_big_integers_and_env_files_through_the_worker(ours, reference, tmp_path):
    stream = job_stream(reference, tmp_path)
    expected = seen(reference, stream, tmp_path / "ref")
    got = seen(ours, stream, tmp_path / "ours")
    assert got == expected
    # What the comparison pins, spelled out:
    assert got["runner_ident"] == IDENT and got["artifact_dirs"] == [IDENT]
    assert "-e" in got["command"] and "@<pdd>/env/extravars" in got["command"]
    assert '"big": 123456789012345678901234567890' in got["env_files"]["extravars"]
    assert "123456789012345678901234567891" in got["printed"]
    assert "True|1.5|98765432109876543210987654321" in got["printed"]


def test_existing_env_file_wins_and_suppress_env_files_keeps_them_out(ours, reference, tmp_path):
    """An env/extravars already in the project is kept (the kwargs' extravars go nowhere, as in
    the reference); with suppress_env_files nothing is written and the mapping is passed inline."""
    for name, kwargs in {"kept": '"extravars": {"a": 1}', "suppressed": '"extravars": {"a": 1}, "suppress_env_files": true'}.items():
        def extra(root):
            (root / "env").mkdir()
            (root / "env" / "settings").write_text("{}\n")
            if name == "kept":
                (root / "env" / "extravars").write_text("b: 2\n")
        sender = write_pdd(tmp_path / f"sender-{name}", PLAY, extra)
        stream = transmit(reference, sender, ident="x").split(b"\n", 1)[1]
        stream = ('{"kwargs": {"ident": "x", "playbook": "test.yml", ' + kwargs + '}}').encode() + b"\n" + stream
        views = []
        for binary in (reference, ours):
            pdd = tmp_path / f"{name}-{len(views)}"
            result = worker(binary, stream, pdd=pdd)
            starting = next(m for m in messages(result.stdout) if m.get("status") == "starting")
            views.append(([a.replace(str(pdd), "<pdd>") for a in starting["command"]],
                          sorted(p.name for p in (pdd / "env").iterdir())))
        assert views[0] == views[1], name

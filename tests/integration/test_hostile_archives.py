"""Hostile archives through the CLI, beyond the catalogue: zip bombs against the configurable
unpack limits, hard links planted in an existing private data dir, duplicate entry names. Each
case pins the reference's outcome next to ours (docs/security.md lists them)."""
import os
import sys

import pytest

from conftest import FIXTURES
from stream_util import messages, process, run, worker

sys.path.insert(0, str(FIXTURES / "streams"))
from make_streams import (EOF_LINE, INVENTORY, KWARGS, PLAYBOOK_FAIL, PLAYBOOK_OK,  # noqa: E402
                          line, zip_bytes, zip_message)

BOMB_BYTES = 50 << 20  # deflates to ~50 KB


def job_stream(entries):
    return KWARGS + zip_message(zip_bytes(entries)) + EOF_LINE


def job_files(*extra):
    return [*extra,
            ("project/test.yml", PLAYBOOK_OK.encode(), 0o100644, True),
            ("inventory/hosts", INVENTORY.encode(), 0o100644, True)]


def limited(**limits):
    env = dict(os.environ)
    env.update({f"ANSIBLE_RUNNER_MAX_UNPACK_{k.upper()}": v for k, v in limits.items()})
    return env


def only_error(result):
    msgs = messages(result.stdout)
    assert [list(m) for m in msgs][-1] == ["eof"], msgs
    assert len(msgs) == 2 and msgs[0]["status"] == "error", msgs
    return msgs[0]


def test_zip_bomb_stops_at_the_byte_limit(ours, tmp_path):
    pdd = tmp_path / "pdd"
    result = worker(ours, job_stream(job_files(("project/big.bin", bytes(BOMB_BYTES), 0o100644, True))),
                    pdd=pdd, env=limited(bytes="10M"))
    status = only_error(result)
    assert status["job_explanation"] == "Failed to extract private data directory on worker."
    assert "'project/big.bin'" in status["result_traceback"]
    assert "more than the limit of 10485760 bytes" in status["result_traceback"]
    assert result.returncode == 1
    big = pdd / "project" / "big.bin"
    assert not big.exists() or big.stat().st_size <= 10 << 20  # never written past the limit


def test_entry_count_limit(ours, tmp_path):
    many = [(f"project/f{i}.txt", b"x", 0o100644, False) for i in range(50)]
    result = worker(ours, job_stream(job_files(*many)), pdd=tmp_path / "pdd", env=limited(files="20"))
    status = only_error(result)
    assert "more than the limit of 20" in status["result_traceback"]
    assert result.returncode == 1


def test_reference_has_no_unpack_limit(reference, tmp_path):
    pdd = tmp_path / "pdd"
    result = worker(reference, job_stream(job_files(("project/big.bin", bytes(BOMB_BYTES), 0o100644, True))),
                    pdd=pdd, env=limited(bytes="10M"))
    assert (pdd / "project" / "big.bin").stat().st_size == BOMB_BYTES
    assert messages(result.stdout)[-1] == {"eof": True}


@pytest.mark.parametrize("variable,value", [("bytes", "10X"), ("bytes", "0"), ("bytes", "-5"),
                                            ("files", "1K"), ("files", "99999999999999999999999")])
def test_invalid_limit_is_a_clear_error_before_reading(ours, tmp_path, variable, value):
    for argv in ([ours, "worker"], [ours, "process", str(tmp_path / "p")]):
        result = run(argv, input=b"", env=limited(**{variable: value}))
        assert result.returncode == 1
        assert result.stdout == b""
        name = f"ANSIBLE_RUNNER_MAX_UNPACK_{variable.upper()}"
        assert f"{name}: expected a positive whole number".encode() in result.stderr
        assert f"got '{value}'".encode() in result.stderr
    assert not (tmp_path / "p").exists()


def test_process_applies_the_limits_to_the_artifacts(ours, tmp_path):
    artifacts = zip_bytes([("stdout", b"", 0o100644, False), ("status", b"successful", 0o100644, False),
                           ("rc", b"0", 0o100644, False), ("big", bytes(BOMB_BYTES), 0o100644, True)])
    stream = (line({"status": "starting", "runner_ident": "x"}) + line({"status": "successful", "runner_ident": "x"})
              + zip_message(artifacts) + EOF_LINE)
    result = run([ours, "process", str(tmp_path / "p"), "--ident", "x"], input=stream, env=limited(bytes="1M"))
    assert result.returncode == 1
    assert (tmp_path / "p" / "artifacts" / "x" / "status").read_text() == "error"
    assert b"'big': the archive unpacks to more than the limit of 1048576 bytes" in result.stderr
    big = tmp_path / "p" / "artifacts" / "x" / "big"
    assert not big.exists() or big.stat().st_size <= 1 << 20


@pytest.fixture
def hard_linked_pdd(tmp_path):
    """An existing private data dir whose project/test.yml is a hard link to a file outside it."""
    outside = tmp_path / "outside.txt"
    outside.write_text("outside secret\n")
    pdd = tmp_path / "pdd"
    (pdd / "project").mkdir(parents=True)
    os.link(outside, pdd / "project" / "test.yml")
    return pdd, outside


def test_hard_link_in_the_target_is_replaced_not_written_through(ours, hard_linked_pdd):
    pdd, outside = hard_linked_pdd
    result = worker(ours, job_stream(job_files()), pdd=pdd)
    assert messages(result.stdout)[-1] == {"eof": True}
    assert outside.read_text() == "outside secret\n"
    assert (pdd / "project" / "test.yml").read_text() == PLAYBOOK_OK
    assert (pdd / "project" / "test.yml").stat().st_nlink == 1


def test_reference_writes_through_a_hard_link(reference, hard_linked_pdd):
    pdd, outside = hard_linked_pdd
    worker(reference, job_stream(job_files()), pdd=pdd)
    assert outside.read_text() == PLAYBOOK_OK  # the file outside the private data dir was overwritten


def duplicate_names_stream():
    entries = [("project/test.yml", PLAYBOOK_FAIL.encode(), 0o100644, True)] + job_files()
    with pytest.warns(UserWarning, match="Duplicate name"):
        return job_stream(entries)


def test_duplicate_names_are_refused(ours, tmp_path):
    """Which of two same-named entries a reader keeps differs between zip tools; we refuse."""
    pdd = tmp_path / "pdd"
    status = only_error(worker(ours, duplicate_names_stream(), pdd=pdd))
    assert "two entries named 'project/test.yml'" in status["result_traceback"]
    assert not (pdd / "project" / "test.yml").exists()


def test_reference_keeps_the_last_of_duplicate_names(reference, tmp_path):
    pdd = tmp_path / "pdd"
    result = worker(reference, duplicate_names_stream(), pdd=pdd)
    assert (pdd / "project" / "test.yml").read_text() == PLAYBOOK_OK
    assert [m["status"] for m in messages(result.stdout) if "status" in m][-1] == "successful"

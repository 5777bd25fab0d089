"""`transmit`: the kwargs line and the zipped file names against the reference, for the same
flags (docs/streaming-protocol.md 2.1)."""
import base64
import io
import json
import re
import zipfile

import pytest

from cli_util import HEX32_RE, run, run_both

CASES = {
    "playbook": ["-p", "test.yml"],
    "adhoc": ["-m", "ping", "--hosts", "localhost", "-a", "data=x"],
    "runner_options": ["-p", "test.yml", "-vv", "-q", "-j", "--omit-event-data", "--only-failed-event-data",
                       "--rotate-artifacts", "2", "--forks", "5", "--limit", "all", "--omit-env-files"],
    "paths": ["-p", "test.yml", "--artifact-dir", "/tmp/a", "--project-dir", "/tmp/p", "--roles-path", "/r"],
    "container": ["-p", "test.yml", "--container-image", "i:1", "--container-volume-mount", "/a:/b",
                  "--container-volume-mount=/c:/d:Z", "--container-option=--net=host"],
    "cmdline_dumped": ["-p", "test.yml", "--cmdline", "-e a=1"],
    "inventory_inside_pdd": ["-p", "test.yml", "--inventory", "{pdd}/inventory/hosts"],
    "role": ["-r", "myrole", "--role-vars", "x=1 y='two'", "--hosts", "web"],
}


def split_stream(data):
    """(kwargs dict, zip names, rest) of a job stream."""
    first, _, rest = data.partition(b"\n")
    kwargs = json.loads(first)
    header, _, rest = rest.partition(b"\n")
    size = json.loads(header)["zipfile"]
    length = 4 * ((size + 2) // 3)
    payload, rest = rest[:length], rest[length:]
    names = sorted(zipfile.ZipFile(io.BytesIO(base64.b64decode(payload))).namelist())
    return first.decode(), names, rest


@pytest.mark.parametrize("name", sorted(CASES))
def test_kwargs_line_matches_reference(tmp_path, ours, reference, name):
    ref, mine = run_both(tmp_path, CASES[name], ident="demo1", subcommand="transmit")
    assert ref["rc"] == 0, ref["stderr"]
    assert mine["rc"] == 0, mine["stderr"]
    ref_line, ref_names, ref_rest = split_stream(ref["stdout"])
    our_line, our_names, our_rest = split_stream(mine["stdout"])
    # The role playbook is named by a fresh uuid on each side.
    assert HEX32_RE.sub("<hex>", our_line) == HEX32_RE.sub("<hex>", ref_line)
    assert [HEX32_RE.sub("<hex>", n) for n in our_names] == [HEX32_RE.sub("<hex>", n) for n in ref_names]
    assert our_rest == ref_rest == b'{"eof": true}\n'


def test_generated_ident_is_32_hex(tmp_path, ours):
    from cli_util import copy_fixture
    pdd = copy_fixture("demo", tmp_path / "pdd")
    proc = run(ours, ["transmit", str(pdd), "-p", "test.yml"])
    assert proc.returncode == 0
    kwargs = json.loads(proc.stdout.partition(b"\n")[0])["kwargs"]
    assert re.fullmatch(r"[0-9a-f]{32}", kwargs["ident"])
    assert len(kwargs) == 30


def test_sender_dir_is_not_modified(tmp_path, ours):
    """The reference writes env/cmdline and the role playbook into the sender's dir; we zip
    them without touching it."""
    from cli_util import copy_fixture
    pdd = copy_fixture("demo", tmp_path / "pdd")
    before = sorted(p.relative_to(pdd) for p in pdd.rglob("*"))
    proc = run(ours, ["transmit", str(pdd), "-p", "test.yml", "--cmdline", "-e a=1"])
    assert proc.returncode == 0, proc.stderr
    line, names, _ = split_stream(proc.stdout)
    assert "env/cmdline" in names
    assert '"cmdline"' not in line
    assert sorted(p.relative_to(pdd) for p in pdd.rglob("*")) == before

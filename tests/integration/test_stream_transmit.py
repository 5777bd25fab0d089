"""transmit: the job stream's kwargs line and archive against the reference, and what the
reference gets wrong on the sender (it writes dumped kwargs into the sender's dir)."""
import base64
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from stream_util import messages, run, transmit, worker, write_pdd

OK = "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug:\n        msg: hi\n"


def archive(stream):
    zip_msg = [m for m in messages(stream) if "zipfile" in m][0]
    data = base64.b64decode(zip_msg["payload"])
    assert len(data) == zip_msg["zipfile"]
    return zipfile.ZipFile(io.BytesIO(data))


@pytest.mark.parametrize("args", [
    [],
    ["--cmdline", "-e x=1"],
    ["--limit", "localhost", "--forks", "3", "-v"],
    ["--omit-env-files", "--cmdline", "-e y=2"],
    # argparse: "--opt=" is an empty value, and a repeated option keeps its last value.
    ["--ident=", "--container-image=", "--limit="],
    ["--limit", "a", "--limit", "b", "--forks", "2", "--forks=3", "--ident", "k2"],
])
def test_kwargs_line_matches_the_reference(tmp_path, ours, reference, args):
    lines = {}
    for who, binary in (("ref", reference), ("ours", ours)):
        pdd = write_pdd(tmp_path / who, OK)
        proc = run([binary, "transmit", str(pdd), "-p", "test.yml", "--ident", "k1", *args])
        assert proc.returncode == 0, proc.stderr
        lines[who] = proc.stdout.split(b"\n", 1)[0]
        assert proc.stdout.endswith(b'{"eof": true}\n')
    assert lines["ours"] == lines["ref"]


def test_dumped_kwargs_go_into_the_archive_not_the_senders_dir(tmp_path, ours, reference):
    trees = {}
    for who, binary in (("ref", reference), ("ours", ours)):
        pdd = write_pdd(tmp_path / who, OK)
        stream = run([binary, "transmit", str(pdd), "-p", "test.yml", "--ident", "d1", "--cmdline", "-e x=1"]).stdout
        names = {i.filename: i for i in archive(stream).infolist()}
        assert archive(stream).read("env/cmdline") == b"-e x=1"
        trees[who] = (pdd, names)
    ref_pdd, ref_names = trees["ref"]
    our_pdd, our_names = trees["ours"]
    assert (ref_pdd / "env" / "cmdline").exists(), "the reference mutates the sender's dir"
    assert not (our_pdd / "env").exists(), "ours does not"
    assert sorted(our_names) == sorted(ref_names)
    # Regular files readable by their owner: 0400 in 2.3.1, 0600 in upstream main and ours (the
    # config layer's choice: 0400 makes a later rewrite fail).
    for names in (our_names, ref_names):
        mode = names["env/cmdline"].external_attr >> 16
        assert mode & 0o170000 == 0o100000 and mode & 0o400


def test_local_time_stamps_survive_a_round_trip_in_any_time_zone(tmp_path, ours, reference):
    pdd = write_pdd(tmp_path / "src", OK)
    stamp = 1700000000  # 2023-11-14 22:13:20 UTC: an even second
    os.utime(pdd / "project" / "test.yml", (stamp, stamp))
    for tz in ("UTC", "Asia/Tokyo", "America/Los_Angeles"):
        env = dict(os.environ, TZ=tz)
        stream = run([ours, "transmit", str(pdd), "-p", "test.yml", "--ident", "t"], env=env).stdout
        for who, binary in (("ref", reference), ("ours", ours)):
            dest = tmp_path / f"{who}-{tz.replace('/', '_')}"
            worker(binary, stream, pdd=dest, env=env)
            assert (dest / "project" / "test.yml").stat().st_mtime == stamp, (who, tz)


def test_many_entries_use_zip64_and_odd_names_survive(tmp_path, ours, reference):
    def extra(root):
        data = root / "project" / "data"
        for d in range(70):
            sub = data / f"d{d}"
            sub.mkdir(parents=True)
            for f in range(1000):
                (sub / str(f)).touch()
        (data / "caf\u00e9 \u2615.txt").write_text("unicode\n")
        os.mkfifo(data / "fifo")  # would hang a naive reader

    pdd = write_pdd(tmp_path / "src", OK, extra)
    stream = transmit(ours, pdd, ident="z")
    names = archive(stream).namelist()
    assert len(names) > 70000  # beyond the 65,535 entries of a plain zip
    assert "project/data/caf\u00e9 \u2615.txt" in names
    assert "project/data/fifo" not in names
    for who, binary in (("ref", reference), ("ours", ours)):
        dest = tmp_path / f"unpacked-{who}"
        result = worker(binary, stream, pdd=dest)
        assert result.returncode == 0, (who, result.stdout[-300:])
        assert (dest / "project" / "data" / "caf\u00e9 \u2615.txt").read_text() == "unicode\n"
        assert (dest / "project" / "data" / "d69" / "999").exists()


def test_debug_output_stays_out_of_the_stream(tmp_path, ours, reference):
    """The reference's --debug prints log lines on stdout, into the protocol stream, which a
    worker then refuses; ours keeps the stream to the protocol."""
    pdd = write_pdd(tmp_path / "src", OK)
    streams = {}
    for who, binary in (("ref", reference), ("ours", ours)):
        streams[who] = run([binary, "transmit", str(pdd), "-p", "test.yml", "--ident", "g", "--debug"]).stdout
    assert streams["ref"].startswith(b"starting debug logging\n")
    assert json.loads(streams["ours"].split(b"\n", 1)[0])["kwargs"]["ident"] == "g"
    assert messages(streams["ours"])[-1] == {"eof": True}
    garbage = b"garbage\n"
    assert run([reference, "worker", "--debug"], input=garbage).stdout.startswith(b"starting debug logging\n")
    msgs = messages(run([ours, "worker", "--debug"], input=garbage).stdout)
    assert [m.get("status") for m in msgs] == ["error", None] and msgs[-1] == {"eof": True}


def test_large_files_deflated_in_pieces_unpack_in_the_reference(tmp_path, ours, reference):
    """Files over 512 KiB are deflated in pieces on several threads and joined into one deflate
    stream: Python's zipfile (the reference's worker) must read them back byte for byte,
    including a file that ends exactly at a piece boundary and one whose middle is noise."""
    words = "hosts tasks name debug msg loop item when register become".split()
    text = "".join(f"- {words[i % 10]}: {words[(i * 7) % 10]} {i * 7919 % 10007}\n" for i in range(400000))
    piece = 512 * 1024  # src/stream/zip_writer_format.cpp k_piece
    files = {"text.txt": text.encode()[:3 * piece + 12345], "boundary.txt": text.encode()[:2 * piece],
             "mixed.bin": text.encode()[:100000] + os.urandom(1500000) + text.encode()[:900000]}

    def extra(root):
        for name, data in files.items():
            (root / "project" / name).write_bytes(data)

    pdd = write_pdd(tmp_path / "src", OK, extra)
    stream = transmit(ours, pdd, ident="pieces")
    infos = {i.filename: i for i in archive(stream).infolist()}
    for name in files:
        assert infos[f"project/{name}"].compress_type == zipfile.ZIP_DEFLATED, name
    dest = tmp_path / "unpacked"
    result = worker(reference, stream, pdd=dest)
    assert result.returncode == 0, result.stdout[-500:]
    assert b"Bad CRC" not in result.stdout and b"BadZipFile" not in result.stdout
    for name, data in files.items():
        assert (dest / "project" / name).read_bytes() == data, name

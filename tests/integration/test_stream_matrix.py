"""The 8 combinations of {reference, ours} x transmit -> worker -> process on several jobs: each
must give what the all-reference pipeline gives (status, rc, event sequence, printed stdout,
artifact files). This also proves that the reference worker accepts our job stream, that ours
accepts the reference's, and that both processors read both workers' result streams."""
import base64
import io
import itertools
import os
import zipfile

import pytest

from stream_util import IMPLEMENTATIONS, messages, outcome, process, transmit, worker, write_pdd

OK = """- hosts: all
  gather_facts: false
  tasks:
    - name: say hello
      debug:
        msg: hello
"""

FAIL = """- hosts: all
  gather_facts: false
  tasks:
    - name: say hello
      debug:
        msg: hello
    - name: fail
      fail:
        msg: boom
"""

MANY = """- hosts: all
  gather_facts: false
  tasks:
    - name: loop
      debug:
        msg: "item {{ item }}"
      loop: "{{ range(0, 120) | list }}"
"""

# Needs the exec bit, a symlinked playbook dir entry, a symlink to a file and all 5,000 files.
BIG = """- hosts: all
  gather_facts: false
  tasks:
    - name: count the files
      shell: find data -type f | wc -l
      register: count
    - name: run a script that must have kept its exec bit
      command: ./data/run.sh
      register: script
    - name: read through a symlink
      debug:
        msg: "{{ lookup('file', 'data/link-to-first') }} {{ count.stdout | trim }} {{ script.stdout }}"
"""


def big_extra(root):
    data = root / "project" / "data"
    for d in range(50):
        sub = data / f"d{d:02}"
        sub.mkdir(parents=True)
        for f in range(100):
            (sub / f"f{f:03}.txt").write_text(f"file {d} {f}\n")
    (data / "empty").mkdir()
    script = data / "run.sh"
    script.write_text("#!/bin/sh\necho script-ran\n")
    script.chmod(0o755)
    os.symlink("d00/f000.txt", data / "link-to-first")
    os.symlink("data", root / "project" / "data-link")
    os.symlink("project", root / "toplink")
    os.symlink("/nonexistent/target", root / "dangling")


JOBS = {
    # Options that travel in the kwargs line: an ad-hoc module run with limit, forks and -v.
    "adhoc_options": (OK, None, "successful", "0"),
    "successful": (OK, None, "successful", "0"),
    "failed": (FAIL, None, "failed", "2"),
    "many_events": (MANY, None, "successful", "0"),
    "big_dir": (BIG, big_extra, "successful", "0"),
}
COMBOS = list(itertools.product(IMPLEMENTATIONS, repeat=3))
TRANSMIT_ARGS = {"adhoc_options": ["-m", "debug", "-a", "msg=hi", "--hosts", "localhost", "--limit", "localhost",
                                   "--forks", "2", "-v"]}


class Pipelines:
    """Runs each stage once per job and implementation, lazily, and caches the results."""

    def __init__(self, tmp_path_factory):
        self.tmp = tmp_path_factory
        self.jobs = {}
        self.results = {}
        self.outcomes = {}

    def job_stream(self, job, t):
        if (job, t) not in self.jobs:
            playbook, extra, _, _ = JOBS[job]
            pdd = write_pdd(self.tmp.mktemp(f"{job}-src-{t}"), playbook, extra)
            self.jobs[(job, t)] = transmit(IMPLEMENTATIONS[t], pdd, ident=f"{job}1", args=TRANSMIT_ARGS.get(job))
        return self.jobs[(job, t)]

    def result(self, job, t, w):
        if (job, t, w) not in self.results:
            self.results[(job, t, w)] = worker(IMPLEMENTATIONS[w], self.job_stream(job, t))
        return self.results[(job, t, w)]

    def get(self, job, t, w, p):
        if (job, t, w, p) not in self.outcomes:
            result = self.result(job, t, w)
            out = self.tmp.mktemp(f"{job}-out-{t}{w}{p}")
            proc = process(IMPLEMENTATIONS[p], result.stdout, out, ident=f"{job}1")
            self.outcomes[(job, t, w, p)] = (result, proc, outcome(proc, out, f"{job}1"))
        return self.outcomes[(job, t, w, p)]


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory):
    return Pipelines(tmp_path_factory)


@pytest.mark.parametrize("job", sorted(JOBS))
@pytest.mark.parametrize("t,w,p", COMBOS, ids=["-".join(c) for c in COMBOS])
def test_combination_matches_reference(pipelines, reference, ours, job, t, w, p):
    _, _, want_status, want_rc = JOBS[job]
    base_result, _, base = pipelines.get(job, "ref", "ref", "ref")
    result, proc, got = pipelines.get(job, t, w, p)
    assert base["status"] == want_status, base_result.stderr.decode()
    assert base["rc"] == want_rc
    for key in ("status", "rc", "events", "counters", "files"):
        assert got[key] == base[key], f"{key}: {got[key]!r} != reference {base[key]!r}"
    assert got["counters"] == list(range(1, len(got["counters"]) + 1))
    assert got["event_stdout"] == base["event_stdout"]
    assert got["stdout"] == base["stdout"]
    if p == "ours":
        # Ours exits with the job's outcome; the reference's process always exits 0.
        assert proc.returncode == (0 if want_status == "successful" else int(want_rc))
    else:
        assert proc.returncode == 0


@pytest.mark.parametrize("job", sorted(JOBS))
def test_our_worker_writes_only_protocol(pipelines, ours, job):
    result = pipelines.result(job, "ref", "ours")
    _, _, want_status, want_rc = JOBS[job]
    assert result.stderr == b""
    msgs = messages(result.stdout)  # strict parse: nothing but protocol
    statuses = [m["status"] for m in msgs if "status" in m]
    assert statuses == ["starting", "running", want_status]
    assert list(msgs[0]) == ["status", "runner_ident", "command", "env", "cwd"]
    assert "zipfile" in msgs[-2] and msgs[-1] == {"eof": True}
    assert all("counter" in m and "uuid" in m for m in msgs if "event" in m)
    assert result.returncode == int(want_rc)


def test_big_dir_archives_have_the_same_entries(pipelines, ours, reference):
    """Our transmit of the 5,000-file dir gives the reference's entries: names and modes (the two
    source dirs are separate copies, so listing order and mtimes may differ)."""
    entries = {}
    for t in IMPLEMENTATIONS:
        job = [m for m in messages(pipelines.job_stream("big_dir", t)) if "zipfile" in m][0]
        archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(job["payload"])))
        entries[t] = sorted((i.filename, i.external_attr >> 16) for i in archive.infolist())
    assert len(entries["ours"]) > 5000
    assert entries["ours"] == entries["ref"]

#!/usr/bin/python3
"""Regenerates the seed corpora: `/usr/bin/python3 make_corpus.py <our ansible-runner binary>`.

Writes only files named seed_*; reproducers of fuzzer findings (named for what they found) are
added by hand and kept. Seeds come from real streams:
  job_stream     the job stream fixtures, and real transmit output (ours and the reference's)
                 of the fixture private data dirs
  result_stream  the result stream fixtures (recorded from the reference's worker), and our
                 own worker's output for the demo pdd (runs Ansible on localhost)
  zip_extract    the zip fixtures, and every zip payload of the streams above
  env_files      the env files of the fixture pdds, in the target's "\\n%%\\n"-separated format
"""
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
ENV_ORDER = ["env/settings", "env/passwords", "env/envvars", "env/extravars", "env/cmdline", "env/ssh_key", "args"]


def write_seed(target, name, data):
    out = HERE / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    (out / f"seed_{name}").write_bytes(data)


def zip_payloads(stream):
    """The decoded payload of every `{"zipfile": N}` line (as far as the stream holds it)."""
    payloads = []
    pos = 0
    while True:
        end = stream.find(b"\n", pos)
        if end < 0:
            return payloads
        line = stream[pos:end].strip()
        pos = end + 1
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict) and isinstance(message.get("zipfile"), int) and message["zipfile"] > 0:
            chars = 4 * ((message["zipfile"] + 2) // 3)
            try:
                payloads.append(base64.b64decode(stream[pos:pos + chars]))
            except ValueError:
                pass
            pos += chars


def transmit(binary, pdd):
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "pdd"
        shutil.copytree(pdd, copy, symlinks=True)
        return subprocess.run([binary, "transmit", str(copy), "-p", "test.yml", "--ident", "seed"],
                              check=True, capture_output=True).stdout


def main():
    ours = sys.argv[1]
    for old in (HERE / "corpus").glob("*/seed_*"):
        old.unlink()

    job_streams = {}
    for path in sorted((FIXTURES / "streams" / "job").glob("*.stream")):
        job_streams[f"fixture_{path.stem}"] = path.read_bytes()
    for pdd in ["demo", "env_json", "env_yaml"]:
        job_streams[f"transmit_{pdd}"] = transmit(ours, FIXTURES / "pdd" / pdd)
    job_streams["reference_transmit_demo"] = transmit("/usr/bin/ansible-runner", FIXTURES / "pdd" / "demo")
    for name, data in job_streams.items():
        write_seed("job_stream", name, data)

    result_streams = {}
    for path in sorted((FIXTURES / "streams" / "result").glob("*.stream")):
        result_streams[f"fixture_{path.stem}"] = path.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        # A minimal environment: the starting status carries the worker's env into the seed.
        env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "LANG": "C.UTF-8"}
        result_streams["worker_demo"] = subprocess.run(
            [ours, "worker", "--private-data-dir", tmp + "/pdd"], input=job_streams["transmit_demo"],
            env=env, cwd=tmp, check=True, capture_output=True, timeout=300).stdout
    for name, data in result_streams.items():
        write_seed("result_stream", name, data)

    zips = {}
    for path in sorted((FIXTURES / "streams").glob("*.zip")):
        zips[path.read_bytes()] = f"fixture_{path.stem}"
    for name, data in list(job_streams.items()) + list(result_streams.items()):
        for i, payload in enumerate(zip_payloads(data)):
            zips.setdefault(payload, f"payload_{name}_{i}")
    for data, name in zips.items():
        write_seed("zip_extract", name, data)

    for pdd in ["env_json", "env_yaml", "bad_env"]:
        sections = []
        for rel in ENV_ORDER:
            path = FIXTURES / "pdd" / pdd / rel
            sections.append(path.read_bytes() if path.exists() else b"")
        while sections and not sections[-1]:
            sections.pop()
        write_seed("env_files", f"pdd_{pdd}", b"\n%%\n".join(sections))
    write_seed("env_files", "settings_every_key", json.dumps({
        "job_timeout": 5, "idle_timeout": 0, "pexpect_timeout": 0.5, "suppress_output_file": True,
        "suppress_ansible_output": False, "fact_cache": "facts", "fact_cache_type": "jsonfile",
        "process_isolation": True, "process_isolation_executable": "bwrap", "process_isolation_path": "/tmp",
        "process_isolation_hide_paths": ["/home"], "process_isolation_ro_paths": "/usr",
        "process_isolation_show_paths": [], "container_image": "img", "container_options": ["--net=host"],
        "container_volume_mounts": ["/a:/b:Z"], "container_auth_data": {"host": "h", "username": "u"},
    }).encode())
    write_seed("env_files", "container_yaml",
               b"process_isolation: yes\nprocess_isolation_executable: podman\ncontainer_auth_data:\n"
               b"  host: quay.io\n  username: u\n  password: p\n  verify_ssl: false\n"
               b"\n%%\n'^Password:\\s*?$': secret\n\n%%\nA: &x [1, 2]\nB: *x\n\n%%\n---\nx: !!binary aGk=\n"
               b"\n%%\n-v --limit 'a b'\n%%\n-----BEGIN KEY-----\n")

    total = sum(p.stat().st_size for p in (HERE / "corpus").glob("*/*"))
    print(f"corpus: {total} bytes in {len(list((HERE / 'corpus').glob('*/*')))} files")


if __name__ == "__main__":
    main()

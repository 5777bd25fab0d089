"""Container jobs beyond a plain playbook (issue: execution environments): the same job through
the reference and through ours with `--process-isolation --process-isolation-executable podman
--container-image`, in the base image of test_containers.py (scripts/ee-image.sh base), compared
as a consumer sees it (status, rc, exit code, normalised events, stdout, artifact files):
an `ssh_key` and `passwords` handled inside the container, a job canceled by a signal, a container
killed under the job, the container kwargs travelling in the job stream through every pairing of
transmit / worker / process, and `worker cleanup --remove-images / --image-prune`. Every job is
bounded in time, and each test checks that no container and no job process is left behind."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import OURS, REFERENCE
from diff_util import assert_same, collect_run, make_pdd, summarise
from stream_util import IMPLEMENTATIONS, messages, outcome, process, run, transmit, worker, write_pdd
from test_containers import image, isolation, normalised_command, without_callback  # noqa: F401 (fixture)

RUNNERS = (("reference", REFERENCE), ("ours", OURS))
JOB_TIMEOUT = 90


def containers_named(name):
    out = subprocess.run(["podman", "ps", "-a", "--filter", f"name=^{name}$", "--format", "{{.Names}}"],
                         stdout=subprocess.PIPE, text=True, timeout=60).stdout
    return out.split()


def live_processes(*needles):
    """(pid, cmdline) of the processes, zombies aside, whose NUL-separated argv contains each needle
    (a list of argv words, matched as consecutive words)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and all(b"\0".join(w.encode() for w in n) + b"\0" in argv + b"\0" for n in needles):
            found.append((int(pid), argv.replace(b"\0", b" ").decode("utf-8", "replace")))
    return found


def leftovers(ident, sleep_words):
    """What of a job is still there: its container, the task's process, the container's conmon."""
    return {"containers": containers_named(f"ansible_runner_{ident}"),
            "task": live_processes(sleep_words),
            "conmon": [p for p in live_processes(["-n", f"ansible_runner_{ident}"]) if "conmon" in p[1]]}


def remove_leftovers(ident, sleep_words):
    subprocess.run(["podman", "rm", "-f", f"ansible_runner_{ident}"], capture_output=True, timeout=60)
    for pid, _ in live_processes(sleep_words):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def run_bounded(binary, pdd, ident, args):
    proc = subprocess.run([binary, "run", str(pdd), "--ident", ident, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=JOB_TIMEOUT)
    assert containers_named(f"ansible_runner_{ident}") == [], f"{binary} left its container"
    return collect_run(proc.returncode, proc.stdout, proc.stderr, Path(pdd) / "artifacts" / ident)


def both(tmp_path, ident, play, args, env=None):
    """{who: (pdd, run)}: project/job.yml (`play`) run by the reference, then by ours."""
    runs = {}
    for who, binary in RUNNERS:
        pdd = make_pdd(tmp_path / who, "ok_changed.yml", env=env, extra_files={"project/job.yml": play})
        runs[who] = (pdd, run_bounded(binary, pdd, ident, ["-p", "job.yml", *args]))
    return runs


# --- 1. env/ssh_key: ssh-agent inside the container ---------------------------------------------

SSH_PLAY = """- hosts: all
  gather_facts: false
  tasks:
    - command: ssh-add -l
      register: agent
    - debug: msg="{{ agent.stdout }}"
"""


def test_ssh_key_is_added_to_an_agent_in_the_container(tmp_path, ours, reference, image):
    key = tmp_path / "throwaway_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "throwaway@container-test", "-f",
                    str(key)], check=True, timeout=60)
    fingerprint = subprocess.run(["ssh-keygen", "-lf", str(key)], stdout=subprocess.PIPE, text=True,
                                 check=True).stdout.split()[1]
    runs = both(tmp_path, "c_ssh_key", SSH_PLAY, isolation(image), env={"ssh_key": key.read_text()})
    (ref_pdd, ref), (our_pdd, mine) = runs["reference"], runs["ours"]
    assert ref["status"] == "successful", ref["stdout"]
    for run in (ref, mine):
        assert fingerprint in run["stdout"], run["stdout"]
        assert "Identity added: /runner/artifacts/c_ssh_key/ssh_key_data" in run["stdout"]
        # the key went through the artifact dir and is gone from it
        assert not (run["artifact_dir"] / "ssh_key_data").exists()
    assert_same(without_callback(summarise(ref, ref_pdd)), without_callback(summarise(mine, our_pdd)))
    # podman run ... IMAGE ssh-agent sh -c "trap 'rm -f KEY' EXIT && ssh-add KEY && rm -f KEY && ansible-playbook ..."
    assert normalised_command(mine, our_pdd) == normalised_command(ref, ref_pdd)
    assert "ssh-agent" in mine["command"]["command"]


# --- 2. env/passwords: prompts answered through the container's tty ------------------------------

PROMPT_PLAY = """- hosts: all
  gather_facts: false
  vars_prompt:
    - name: secret
      prompt: "Vault word"
      private: true
  tasks:
    - pause:
        prompt: "Password"
      register: answer
    - debug: msg="typed {{ answer.user_input }} and {{ secret }}"
"""
PASSWORDS = '---\n"Password": "s3cret-answer"\n"Vault word": "vault-answer"\n'


def test_passwords_answer_prompts_in_the_container(tmp_path, ours, reference, image):
    runs = both(tmp_path, "c_passwords", PROMPT_PLAY, isolation(image), env={"passwords": PASSWORDS})
    (ref_pdd, ref), (our_pdd, mine) = runs["reference"], runs["ours"]
    assert ref["status"] == "successful", ref["stdout"]
    for run in (ref, mine):
        assert "typed s3cret-answer and vault-answer" in run["stdout"]
    # The pty echoes the answer where it is written: the reference's (pexpect) comes after the
    # callback frame around the `pause` prompt, its own verbose events; ours waits for that frame.
    assert_same(without_callback(summarise(ref, ref_pdd)), without_callback(summarise(mine, our_pdd)))
    assert normalised_command(mine, our_pdd) == normalised_command(ref, ref_pdd)


# --- 3./4. a job stopped from outside: the runner signalled, the container killed ----------------

def stopped_mid_task(binary, pdd, ident, args, seconds, stop):
    """Runs project/job.yml (a `sleep <seconds>` task) in the container; once the sleep runs,
    calls stop(popen) and waits for the runner. Returns (run, leftovers right after it exited)."""
    words = ["sleep", str(seconds)]
    popen = subprocess.Popen([binary, "run", str(pdd), "--ident", ident, "-p", "job.yml",
                              *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not live_processes(words):
            assert popen.poll() is None, popen.communicate()
            assert time.monotonic() < deadline, "the task never started in the container"
            time.sleep(0.2)
        time.sleep(1)
        stop(popen)
        out, err = popen.communicate(timeout=60)
        left = leftovers(ident, words)
        return collect_run(popen.returncode, out, err, Path(pdd) / "artifacts" / ident), left
    finally:
        if popen.poll() is None:
            popen.kill()
            popen.wait()
        remove_leftovers(ident, words)


def stop_both(tmp_path, image_name, ident, seconds, stop):
    play = f"- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=started\n    - command: sleep {seconds}\n"
    results = {}
    for who, binary in RUNNERS:
        pdd = make_pdd(tmp_path / who, "ok_changed.yml", extra_files={"project/job.yml": play})
        started = time.monotonic()
        run, left = stopped_mid_task(binary, pdd, ident, isolation(image_name), seconds, stop)
        results[who] = (pdd, run, left, time.monotonic() - started)
    return results


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_cancels_a_container_job(signum, tmp_path, ours, reference, image):
    results = stop_both(tmp_path, image, f"c_cancel_{signum.name.lower()}", 613, lambda p: p.send_signal(signum))
    (ref_pdd, ref, ref_left, _), (our_pdd, mine, our_left, took) = results["reference"], results["ours"]
    # the reference: `podman kill` of the container, then its pexpect child ends; canceled, rc 254
    assert (ref["status"], ref["rc"], ref["exit"]) == ("canceled", "254", 254), ref["stderr"]
    assert (mine["status"], mine["rc"], mine["exit"]) == (ref["status"], ref["rc"], ref["exit"])
    assert_same(without_callback(summarise(ref, ref_pdd)), without_callback(summarise(mine, our_pdd)))
    assert our_left == {"containers": [], "task": [], "conmon": []}, our_left
    assert ref_left["containers"] == [] and ref_left["task"] == [], ref_left
    assert took < 45


def test_killed_container_fails_the_job(tmp_path, ours, reference, image):
    def kill_container(_popen):
        subprocess.run(["podman", "kill", "ansible_runner_c_killed"], capture_output=True, timeout=60, check=True)

    results = stop_both(tmp_path, image, "c_killed", 614, kill_container)
    (ref_pdd, ref, ref_left, _), (our_pdd, mine, our_left, _) = results["reference"], results["ours"]
    # the reference: podman run ends with the container's 137 (SIGKILL); status failed
    assert (ref["status"], ref["rc"], ref["exit"]) == ("failed", "137", 137), ref["stderr"]
    assert (mine["status"], mine["rc"], mine["exit"]) == (ref["status"], ref["rc"], ref["exit"])
    assert_same(without_callback(summarise(ref, ref_pdd)), without_callback(summarise(mine, our_pdd)))
    assert our_left == {"containers": [], "task": [], "conmon": []}, our_left
    assert ref_left["containers"] == [] and ref_left["task"] == [], ref_left


# --- 5. container kwargs in the job stream: {ref, ours} transmit -> worker -> process ------------

PROBE_PLAY = """- hosts: all
  gather_facts: false
  tasks:
    - command: grep -c . /etc/os-release
      register: os_release
    - debug: msg="container={{ lookup('env', 'container') }} os_release_lines={{ os_release.stdout }}"
"""


def with_isolation(stream, image_name):
    """The job stream with the isolation kwargs added to its first (kwargs) line. 2.3.1's
    `transmit` CLI takes --container-image but not --process-isolation(-executable) (the
    reference rejects them as unrecognized arguments, ours too); AWX's transmit goes through the
    Python API, whose kwargs line carries them: that is the line made here."""
    first, rest = stream.split(b"\n", 1)
    doc = json.loads(first)
    doc["kwargs"].update(process_isolation=True, process_isolation_executable="podman",
                         container_image=image_name)
    return json.dumps(doc).encode() + b"\n" + rest


def test_container_kwargs_travel_through_every_pairing(tmp_path, ours, reference, image):
    ident = "c_stream"
    pdd = write_pdd(tmp_path / "job", PROBE_PLAY)
    for t, b in IMPLEMENTATIONS.items():
        rejected = run([b, "transmit", str(pdd), "-p", "test.yml", "--ident", ident, *isolation(image)])
        assert rejected.returncode == 2 and b"unrecognized arguments: --process-isolation" in rejected.stderr, t
    args = ["-p", "test.yml", "--container-image", image]
    streams = {t: transmit(b, pdd, ident, args=args) for t, b in IMPLEMENTATIONS.items()}
    kwargs = {t: messages(s)[0]["kwargs"] for t, s in streams.items()}
    assert kwargs["ours"] == kwargs["ref"]
    assert kwargs["ref"]["container_image"] == image
    streams = {t: with_isolation(s, image) for t, s in streams.items()}
    results = {}
    for t in IMPLEMENTATIONS:
        for w, worker_binary in IMPLEMENTATIONS.items():
            proc = worker(worker_binary, streams[t], timeout=JOB_TIMEOUT)
            assert proc.returncode == 0, proc.stderr.decode()[-2000:]
            assert containers_named(f"ansible_runner_{ident}") == [], f"worker {w} left its container"
            for p, process_binary in IMPLEMENTATIONS.items():
                dest = tmp_path / f"{t}-{w}-{p}"
                dest.mkdir()
                # the callback dir in the artifacts is the worker's own plugin
                results[(t, w, p)] = without_callback(
                    outcome(process(process_binary, proc.stdout, dest, ident), dest, ident))
    baseline = results[("ref", "ref", "ref")]
    assert baseline["status"] == "successful", baseline["stdout"]
    # podman sets container=podman in the container (this runc-based setup makes no /.containerenv)
    assert "container=podman" in baseline["stdout"], baseline["stdout"]
    for pairing, got in results.items():
        assert got == baseline, f"transmit/worker/process {pairing} differs from the all-reference pipeline"


# --- 6. worker cleanup --remove-images / --image-prune -------------------------------------------
# In a podman storage of the test's own (CONTAINERS_STORAGE_CONF): `podman images REF` lists every
# name of the image REF names, so `--remove-images` untags all of them (the reference's behaviour,
# ours too), and --image-prune prunes every dangling image; neither may touch the shared store.

def own_storage(tmp_path):
    conf = tmp_path / "storage.conf"
    conf.write_text(f'[storage]\ndriver = "vfs"\nrunroot = "{tmp_path}/run"\ngraphroot = "{tmp_path}/graph"\n')
    return dict(os.environ, CONTAINERS_STORAGE_CONF=str(conf))


def podman(env, *args):
    return subprocess.run(["podman", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env, timeout=120)


def tiny_image(tmp_path, env, content, *names):
    tree = tmp_path / f"tree-{content}"
    tree.mkdir()
    (tree / "content.txt").write_text(content + "\n")
    tar = tmp_path / f"{content}.tar"
    subprocess.run(["tar", "-C", str(tree), "-cf", str(tar), "."], check=True, timeout=60)
    image_id = podman(env, "import", "-q", str(tar), names[0]).stdout.strip()
    for name in names[1:]:
        assert podman(env, "tag", names[0], name).returncode == 0
    return image_id


def image_names(env):
    out = podman(env, "images", "--format", "{{.Repository}}:{{.Tag}}").stdout
    return sorted(out.split())


def cleanup(binary, env, *args):
    proc = subprocess.run([binary, "worker", "cleanup", *args, "--process-isolation-executable", "podman"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=120)
    return {"exit": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}


def test_worker_cleanup_removes_and_prunes_images(tmp_path, ours, reference, image):
    results = {}
    for who, binary in RUNNERS:
        root = tmp_path / who
        root.mkdir()
        env = own_storage(root)
        try:
            tiny_image(root, env, f"{who}-kept", f"localhost/cleanup-kept-{who}:1")
            tiny_image(root, env, f"{who}-removed", f"localhost/cleanup-{who}:throwaway",
                       f"localhost/cleanup-{who}:second-name")
            dangling = tiny_image(root, env, f"{who}-dangling", f"localhost/cleanup-dangling-{who}:1")
            assert podman(env, "untag", dangling).returncode == 0
            step = {}
            step["remove"] = cleanup(binary, env, "--remove-images", f"localhost/cleanup-{who}:throwaway")
            step["after_remove"] = image_names(env)
            step["missing"] = cleanup(binary, env, "--remove-images", f"localhost/cleanup-none-{who}:1")
            step["prune"] = cleanup(binary, env, "--image-prune")
            step["dangling_left"] = podman(env, "images", "-q", "--filter", "dangling=true").stdout.split()
            step["prune_again"] = cleanup(binary, env, "--image-prune")
            step["images_left"] = image_names(env)
            results[who] = step
        finally:
            podman(env, "rmi", "-af")
    ref, mine = results["reference"], results["ours"]
    assert ref["remove"] == {"exit": 0, "stdout": "Removed 2 image(s)\n(changed: True)\n", "stderr": ""}
    assert ref["after_remove"] == ["<none>:<none>", "localhost/cleanup-kept-reference:1"]
    assert ref["images_left"] == ["localhost/cleanup-kept-reference:1"]
    assert ref["dangling_left"] == []
    for key in ("remove", "missing", "prune", "prune_again", "dangling_left"):
        assert mine[key] == ref[key], f"{key}: ours {mine[key]!r}, reference {ref[key]!r}"
    mask = lambda names: [n.replace("-ours", "-X").replace("-reference", "-X") for n in names]
    assert mask(mine["after_remove"]) == mask(ref["after_remove"])
    assert mask(mine["images_left"]) == mask(ref["images_left"])

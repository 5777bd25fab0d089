"""Generate the benchmark inputs under bench/out/inputs (git-ignored, never committed).

Each input is regenerated only when its parameters change (a ``<name>.stamp`` file next to it
records them). Content is deterministic (seeded) except the incompressible file, which is
``os.urandom`` output.

Private data dirs (each has ``project/main.yml`` and ``inventory/hosts``; cases.py names them
after their size):
* ``big``:      one incompressible file ``project/blob.bin`` of ``big_mb`` MB;
* ``text``:     one text file ``project/big.txt`` of ``text_mb`` MB (compresses about 3:1);
* ``many``:     ``many_files`` text files of 1-4 KB in ``project/files/dNNN/`` (200 per dir);
* ``project``:  a ~``project_mb`` MB Ansible project: roles with tasks/handlers/defaults/
                templates/files, playbooks, group_vars, docs and a few binary assets;
* ``empty``:    only the two files above (the fixed cost of a job stream);
* ``e2e``:      playbooks for the end-to-end jobs (``loop.yml``: one debug task looping over
                ``loop_items`` items on localhost; ``hosts.yml``: one debug task on
                ``n_hosts`` hosts with ``ansible_connection=local``).
"""

import json
import os
import random
import shutil

MAIN_YML = "- hosts: all\n  gather_facts: false\n  tasks: []\n"

WORDS = ("ansible runner worker process transmit event host task play role handler "
         "inventory template variable default service package file directory user group "
         "restart enabled present absent state name when loop item register changed ok "
         "failed skipped unreachable become true false yes no config path mode owner "
         "nginx postgres redis kafka java python debian ubuntu rhel systemd firewall "
         "port listen timeout retries delay until notify tags always never").split()


def _stamp_ok(path, params):
    stamp = path + ".stamp"
    if not os.path.isdir(path) or not os.path.exists(stamp):
        return False
    with open(stamp) as f:
        return json.load(f) == params


def _write_stamp(path, params):
    with open(path + ".stamp", "w") as f:
        json.dump(params, f)


def _fresh(path):
    if os.path.lexists(path):
        shutil.rmtree(path)
    if os.path.exists(path + ".stamp"):
        os.unlink(path + ".stamp")
    os.makedirs(path)


def _skeleton(pdd):
    os.makedirs(os.path.join(pdd, "project"), exist_ok=True)
    os.makedirs(os.path.join(pdd, "inventory"), exist_ok=True)
    with open(os.path.join(pdd, "project", "main.yml"), "w") as f:
        f.write(MAIN_YML)
    with open(os.path.join(pdd, "inventory", "hosts"), "w") as f:
        f.write("localhost ansible_connection=local\n")


def _text(rng, size):
    """Roughly ``size`` bytes of YAML-ish text (compresses about 3:1, like real sources)."""
    out = []
    n = 0
    while n < size:
        indent = "  " * rng.randint(0, 3)
        line = indent + "- " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 10)))
        line += ": " + str(rng.randint(0, 99999)) + "\n"
        out.append(line)
        n += len(line)
    return "".join(out)[:size]


def tree_bytes(pdd):
    """Total size of the regular files under pdd, and their count."""
    total = count = 0
    for root, _dirs, files in os.walk(pdd):
        for name in files:
            st = os.lstat(os.path.join(root, name))
            total += st.st_size
            count += 1
    return total, count


def make_big(path, big_mb):
    params = {"kind": "big", "mb": big_mb}
    if _stamp_ok(path, params):
        return path
    _fresh(path)
    _skeleton(path)
    chunk = 1 << 20
    with open(os.path.join(path, "project", "blob.bin"), "wb") as f:
        for _ in range(big_mb):
            f.write(os.urandom(chunk))
    _write_stamp(path, params)
    return path


def make_big_text(path, text_mb):
    """One text file of ``text_mb`` MB (a log, a large inventory or vars file, a data set)."""
    params = {"kind": "text", "mb": text_mb}
    if _stamp_ok(path, params):
        return path
    _fresh(path)
    _skeleton(path)
    rng = random.Random(50)
    with open(os.path.join(path, "project", "big.txt"), "w") as f:
        for _ in range(text_mb):
            f.write(_text(rng, 1_000_000))
    _write_stamp(path, params)
    return path


def make_many(path, n_files):
    params = {"kind": "many", "files": n_files}
    if _stamp_ok(path, params):
        return path
    _fresh(path)
    _skeleton(path)
    rng = random.Random(20000)
    pool = [_text(rng, 4096) for _ in range(64)]
    for i in range(n_files):
        d = os.path.join(path, "project", "files", f"d{i // 200:03d}")
        if i % 200 == 0:
            os.makedirs(d, exist_ok=True)
        size = rng.randint(1024, 4096)
        src = pool[rng.randrange(len(pool))]
        start = rng.randrange(0, 4096 - size + 1)
        with open(os.path.join(d, f"f{i:05d}.txt"), "w") as f:
            f.write(f"# file {i}\n" + src[start:start + size - 12])
    _write_stamp(path, params)
    return path


def make_project(path, project_mb):
    """A realistic Ansible project: mostly small text files plus a few binary assets."""
    params = {"kind": "project", "mb": project_mb}
    if _stamp_ok(path, params):
        return path
    _fresh(path)
    _skeleton(path)
    rng = random.Random(2)
    target = int(project_mb * 1_000_000)
    proj = os.path.join(path, "project")
    written = 0

    def put(rel, data, mode=0o644):
        nonlocal written
        full = os.path.join(proj, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        os.chmod(full, mode)
        written += len(data)

    # Binary assets: 25% of the size (images, archives: incompressible).
    for i in range(4):
        put(f"files/assets/asset{i}.bin", os.urandom(target // 16))
    # Roles: the rest, in files of 1-20 KB.
    r = 0
    while written < target:
        role = f"roles/role{r:02d}"
        for part in ("tasks/main.yml", "handlers/main.yml", "defaults/main.yml",
                     "vars/main.yml", "meta/main.yml", "templates/app.conf.j2",
                     "templates/service.j2", "files/script.sh", "README.md"):
            size = rng.randint(1000, 20000)
            put(f"{role}/{part}", _text(rng, size), 0o755 if part.endswith(".sh") else 0o644)
            if written >= target:
                break
        r += 1
    for i in range(5):
        put(f"site{i}.yml", _text(rng, 2000))
        put(f"group_vars/group{i}.yml", _text(rng, 3000))
    os.makedirs(os.path.join(proj, "library"), exist_ok=True)  # an empty directory
    _write_stamp(path, params)
    return path


def make_empty(path):
    params = {"kind": "empty"}
    if _stamp_ok(path, params):
        return path
    _fresh(path)
    _skeleton(path)
    _write_stamp(path, params)
    return path


def make_e2e(path, loop_items, n_hosts):
    params = {"kind": "e2e", "loop_items": loop_items, "hosts": n_hosts}
    if _stamp_ok(path, params):
        return path
    _fresh(path)
    os.makedirs(os.path.join(path, "project"))
    os.makedirs(os.path.join(path, "inventory"))
    with open(os.path.join(path, "project", "loop.yml"), "w") as f:
        f.write("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                "    - debug:\n        msg: \"item {{ item }}\"\n"
                f"      loop: \"{{{{ range({loop_items}) | list }}}}\"\n")
    with open(os.path.join(path, "project", "hosts.yml"), "w") as f:
        f.write("- hosts: bench\n  gather_facts: false\n  tasks:\n"
                "    - debug:\n        msg: \"host {{ inventory_hostname }}\"\n")
    with open(os.path.join(path, "inventory", "hosts"), "w") as f:
        f.write("localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
                "[bench]\n")
        for i in range(n_hosts):
            f.write(f"h{i:04d} ansible_connection=local "
                    "ansible_python_interpreter=/usr/bin/python3\n")
    _write_stamp(path, params)
    return path

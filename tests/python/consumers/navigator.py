"""ansible-navigator's use of the API (src/ansible_navigator/runner/*.py), run under
`python -W error` as navigator's own test suite does: every warning is an exception.

Navigator's runner args (runner/base.py, command_base.py): private_data_dir (a temp dir),
json_mode=True, quiet=True, cancel_callback, finished_callback, timeout=None, envvars (the
ANSIBLE_* of the environment), host_cwd (with a trailing slash), executable_cmd, cmdline_args.
  Command.run:       out, err, rc = run_command(**runner_args)
  CommandAsync.run:  thread, runner = run_command_async(**runner_args, event_handler=h), where h
                     returns write_job_events (False, then True in a second run)
  AnsibleDoc:        get_plugin_docs(names, plugin_type=, response_format='json', snippet=,
                     playbook_dir=, module_path=, **runner_args)
  AnsibleConfig:     get_ansible_config(action, config_file=, only_changed=, **runner_args)
  AnsibleInventory:  get_inventory(action, inventories=, response_format='json', host=,
                     playbook_dir=, vault_ids=, vault_password_file=, **runner_args)
Document: for each call the shape of what came back (types, keys, rc) and normalised text."""
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import Driver, event_summary, exc_info, read_event_files

import ansible_runner

PLAYBOOK = """- hosts: all
  gather_facts: false
  tasks:
    - name: greet
      debug:
        msg: hello from navigator
    - name: a command
      command: echo navigator
"""
INVENTORY = "[web]\nlocalhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3 colour=blue\n"


class Nav:
    """navigator's runner/base.py state: callbacks and the args dict."""

    def __init__(self, pdd, host_cwd):
        self.cancelled = False
        self.finished = False
        self.status = None
        self.finished_calls = 0
        self.args = {
            "private_data_dir": str(pdd),
            "json_mode": True,
            "quiet": True,
            "cancel_callback": self.runner_cancelled_callback,
            "finished_callback": self.runner_finished_callback,
            "timeout": None,
            "envvars": {k: v for k, v in os.environ.items() if k.startswith("ANSIBLE_")},
            "host_cwd": f"{Path(host_cwd) / ''}",
        }

    def runner_cancelled_callback(self):
        return self.cancelled

    def runner_finished_callback(self, runner):
        self.status = runner.status
        self.finished = True
        self.finished_calls += 1


def shape(v, depth=2):
    """Type and keys of a value, `depth` levels of dicts deep."""
    if isinstance(v, dict):
        if depth == 0:
            return {"type": "dict", "len": len(v)}
        return {"type": "dict", "keys": {str(k): shape(x, depth - 1) for k, x in sorted(v.items(), key=lambda i: str(i[0]))}}
    if isinstance(v, list):
        return {"type": "list", "len": len(v)}
    return {"type": type(v).__name__}


def tmp_pdd(d):
    """navigator's _generate_tmp_directory, masked in the document."""
    path = tempfile.mkdtemp(prefix="ansible-navigator_", dir=d.work)
    d.norm.add_path(path, "navigator_pdd")
    return path


def json_line(norm, line):
    """A line of json_mode output: an event (summarised) or text."""
    try:
        event = json.loads(line)
    except ValueError:
        return norm.text(line)
    return event_summary(norm, event) if isinstance(event, dict) else norm.value(event)


def dump_line(norm, line):
    """A line of `ansible-config dump`; the callback plugin dir (where each package keeps its
    stdout callback) is reduced to whether it holds the awx_display plugin."""
    if line.startswith("DEFAULT_CALLBACK_PLUGIN_PATH("):
        head, _, value = line.partition(" = ")
        try:
            import ast
            dirs = ast.literal_eval(value)
            value = [("<dir with awx_display.py>" if os.path.isfile(os.path.join(p, "awx_display.py")) else norm.text(p))
                     for p in dirs]
        except (ValueError, SyntaxError):
            value = norm.text(value)
        return f"{head} = {value}"
    return norm.text(line)


def call(doc, name, fn):
    try:
        return fn()
    except BaseException as e:  # noqa: B902 - warnings turned into errors land here
        doc[name] = {"exception": exc_info(e)}
        return None


def main():
    d = Driver()
    d.norm.add_path(Path(ansible_runner.__file__).resolve().parent, "pkg")
    d.norm.add_path(sys.prefix, "venv")
    host_cwd = d.work / "cwd"
    host_cwd.mkdir()
    (host_cwd / "site.yml").write_text(PLAYBOOK)
    (host_cwd / "inventory.ini").write_text(INVENTORY)
    os.chdir(host_cwd)
    doc = {"warnoptions": sys.warnoptions}

    # Command: a playbook run, synchronously.
    nav = Nav(tmp_pdd(d), host_cwd)
    r = call(doc, "run_command", lambda: ansible_runner.run_command(
        executable_cmd="ansible-playbook", cmdline_args=["site.yml", "-i", "inventory.ini"], **nav.args))
    if r is not None:
        out, err, rc = r
        doc["run_command"] = {
            "return_types": [type(x).__name__ for x in r],
            "rc": rc,
            "out": [json_line(d.norm, line) for line in out.splitlines()],
            "err": d.norm.text(err),
            "finished": nav.finished, "finished_status": nav.status, "finished_calls": nav.finished_calls,
        }

    # CommandAsync, first without then with job_events written.
    for write in (False, True):
        key = f"run_command_async_write_{str(write).lower()}"
        nav = Nav(tmp_pdd(d), host_cwd)
        events = []

        def handler(event, write=write, events=events):
            events.append(event)
            return write

        start = time.monotonic()
        r = call(doc, key, lambda: ansible_runner.run_command_async(
            executable_cmd="ansible-playbook", cmdline_args=["site.yml", "-i", "inventory.ini"],
            event_handler=handler, **nav.args))
        if r is None:
            continue
        thread, runner = r
        thread.join(120)
        entry = {
            "return_types": [isinstance(thread, threading.Thread), type(runner).__name__],
            "joined": not thread.is_alive(),
            "returned_before_job_end": nav.finished is False or time.monotonic() - start < 0,
            "status": runner.status, "rc": runner.rc,
            "finished": nav.finished, "finished_status": nav.status,
            "events": [event_summary(d.norm, e) for e in events],
        }
        arts = list(Path(nav.args["private_data_dir"], "artifacts").glob("*/job_events"))
        entry["job_events_dirs"] = len(arts)
        files = read_event_files(arts[0]) if arts else None
        entry["job_events_files"] = None if files is None else len(files)
        entry["job_events_counters"] = None if files is None else sorted(
            e.get("counter") for e in files.values() if isinstance(e, dict))
        doc[key] = entry

    # AnsibleDoc.
    nav = Nav(tmp_pdd(d), host_cwd)
    r = call(doc, "get_plugin_docs", lambda: ansible_runner.get_plugin_docs(
        ["ansible.builtin.ping"], plugin_type=None, response_format="json", snippet=None,
        playbook_dir=None, module_path=None, **nav.args))
    if r is not None:
        resp, err = r
        ping = resp.get("ansible.builtin.ping") if isinstance(resp, dict) else None
        doc["get_plugin_docs"] = {
            "return_types": [type(x).__name__ for x in r],
            "shape": shape(resp, 2),
            "doc_keys": sorted(ping["doc"]) if isinstance(ping, dict) and isinstance(ping.get("doc"), dict) else None,
            "module": ping["doc"].get("module") if isinstance(ping, dict) and isinstance(ping.get("doc"), dict) else None,
            "err": d.norm.text(err) if isinstance(err, str) else repr(err),
        }

    # AnsibleConfig: list and dump.
    for action in ("list", "dump"):
        nav = Nav(tmp_pdd(d), host_cwd)
        r = call(doc, f"get_ansible_config_{action}", lambda: ansible_runner.get_ansible_config(
            action, config_file=None, only_changed=None, **nav.args))
        if r is not None:
            out, err = r
            entry = {"return_types": [type(x).__name__ for x in r],
                     "err": d.norm.text(err) if isinstance(err, str) else repr(err)}
            if isinstance(out, str):
                lines = out.splitlines()
                entry["lines"] = len(lines)
                if action == "dump":
                    entry["text"] = [dump_line(d.norm, line) for line in lines]
                else:
                    entry["top_level_keys"] = sorted(line.split(":")[0] for line in lines
                                                     if line and not line[0].isspace() and ":" in line)
            doc[f"get_ansible_config_{action}"] = entry

    # AnsibleInventory.
    nav = Nav(tmp_pdd(d), host_cwd)
    r = call(doc, "get_inventory", lambda: ansible_runner.get_inventory(
        "list", inventories=[str(host_cwd / "inventory.ini")], response_format="json", host=None,
        playbook_dir=None, vault_ids=None, vault_password_file=None, **nav.args))
    if r is not None:
        resp, err = r
        doc["get_inventory"] = {"return_types": [type(x).__name__ for x in r],
                                "value": d.norm.value(resp),
                                "err": d.norm.text(err) if isinstance(err, str) else repr(err)}
    d.emit(doc)


if __name__ == "__main__":
    main()

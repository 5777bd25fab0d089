"""ansible-rulebook's run_playbook action and eda-server's job runs, reduced to their use of the
API: `r = ansible_runner.run(private_data_dir=..., playbook=..., extravars=..., ...)` and then
`r.status`, `r.rc`, `list(r.events)`, `r.stats`, `r.stdout.read()` (plus `r.host_events(host)`).
Two runs: a successful one without quiet (so the console output goes to the consumer's stdout,
reported as stray_stdout) and a failing one with quiet=True and an ident; then a run whose
extravars (330 KB) are larger than one command-line argument may be, which works because run()
writes them to env/extravars and Ansible reads `-e @env/extravars`."""
import json
import os

from _common import Driver, event_summary, exc_info, write_pdd

import ansible_runner

OK = """- hosts: all
  gather_facts: false
  tasks:
    - name: greet the rule
      debug:
        msg: "rule {{ rule_name }} fired for {{ event.payload.id }}"
    - name: count
      command: echo "{{ event.payload.id * 2 }}"
      register: out
    - name: show
      debug:
        var: out.stdout
"""
FAILING = """- hosts: all
  gather_facts: false
  tasks:
    - name: works
      debug:
        msg: before
    - name: breaks
      fail:
        msg: "rulebook action failed: {{ rule_name }}"
    - name: never
      debug:
        msg: after
"""


def outcome(d, r):
    out = {"status": r.status, "rc": r.rc}
    events = list(r.events)
    out["events"] = [event_summary(d.norm, e) for e in events]
    out["counters"] = [e.get("counter") for e in events]
    out["stats"] = d.norm.value(r.stats)
    out["stdout"] = [d.norm.text(line) for line in r.stdout.read().splitlines()]
    out["host_events_localhost"] = [e.get("event") for e in r.host_events("localhost")]
    return out


def main():
    d = Driver()
    extravars = {"rule_name": "r1", "event": {"payload": {"id": 21}}}
    doc = {}
    pdd = write_pdd(d.work / "ok", OK)
    try:
        r = ansible_runner.run(private_data_dir=str(pdd), playbook="test.yml", extravars=extravars)
        doc["successful"] = outcome(d, r)
    except Exception as e:
        doc["successful"] = {"exception": exc_info(e)}
    doc["env_files"] = sorted(os.listdir(pdd / "env"))
    with open(pdd / "env" / "extravars") as f:
        doc["env_extravars"] = json.load(f)
    import sys
    sys.stdout.flush()
    pdd = write_pdd(d.work / "failing", FAILING)
    try:
        r = ansible_runner.run(private_data_dir=str(pdd), playbook="test.yml", extravars=extravars,
                               ident="rulebook-job-1", quiet=True)
        doc["failing"] = outcome(d, r)
    except Exception as e:
        doc["failing"] = {"exception": exc_info(e)}
    large = dict(extravars, **{f"fact_{i}": "x" * 30 for i in range(8000)})
    pdd = write_pdd(d.work / "large", OK)
    try:
        r = ansible_runner.run(private_data_dir=str(pdd), playbook="test.yml", extravars=large, quiet=True)
        doc["large_extravars"] = {"status": r.status, "rc": r.rc,
                                  "command": [d.norm.text(a) for a in r.config.command]}
    except Exception as e:
        doc["large_extravars"] = {"exception": exc_info(e)}
    d.emit(doc)


if __name__ == "__main__":
    main()

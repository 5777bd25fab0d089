"""CPU of our callback plugin's own per-event work: build one loop-item event's header from the
context and frame it (json.dumps, base64, chunk markers). Ansible's machinery and the pty write
are left out on purpose: they cost the same whatever the plugin does (bench/FINDINGS.md, 7).

    /usr/bin/python3 bench/plugin_event_cost.py [PLUGIN_FILE]   # default: ours in share/

Needs Ansible importable (Debian's ansible-core under /usr/bin/python3). Prints the best of 7
runs of 5,000 events, in µs per event; compare two versions of the file in one sitting."""
import importlib.util
import json
import os
import sys
import timeit

DEFAULT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "share", "ansible-runner", "callback",
                       "awx_display.py")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    spec = importlib.util.spec_from_file_location("awx_display_under_test", path)
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    context = plugin.event_context
    res = {"msg": "item 12", "changed": False, "_ansible_verbose_always": True, "_ansible_no_log": False,
           "item": 12, "ansible_loop_var": "item", "_ansible_item_label": 12}
    context.put(event="runner_item_on_ok", uuid="u1", host="localhost", res=res, task="debug",
                task_uuid="abc", playbook="loop.yml", play="localhost")

    def one_event():
        plugin.encode_frame(json.dumps(context.build_event(), cls=plugin.EventEncoder))

    best = min(timeit.repeat(one_event, number=5000, repeat=7)) / 5000
    print(f"{path}: {best * 1e6:.1f} µs per event (build and frame)")


if __name__ == "__main__":
    main()

"""CPU of our callback plugin's own per-event work, in three figures (best of 7 timeit runs):

* build and frame: one loop-item event built from the context, as JSON, and framed;
* a whole loop-item callback: `v2_runner_item_on_ok` of the plugin, through Ansible's callback
  loader, against the same call of Ansible's `default` callback (the text both write goes to
  /dev/null, line buffered as on a terminal): what the plugin adds in Ansible's main process;
* one `Display.debug` call under the plugin's display hooks (Ansible's forked workers make about
  ten per task result; with debug off each does nothing but pass through the hook).

Ansible's machinery outside the callback, the pty write and the runner are left out on purpose
(bench/FINDINGS.md, 7): run two versions of the plugin in one sitting to compare them.

    /usr/bin/python3 bench/plugin_event_cost.py [PLUGIN_FILE]   # default: ours in share/

Needs Ansible importable (Debian's ansible-core under /usr/bin/python3). Each figure is measured
in a fresh interpreter, because the plugin hooks Display once per process."""
import json
import os
import subprocess
import sys
import timeit

DEFAULT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "share", "ansible-runner", "callback",
                       "awx_display.py")
RES = {"msg": "item 12", "changed": False, "_ansible_verbose_always": True, "_ansible_no_log": False,
       "item": 12, "ansible_loop_var": "item", "_ansible_item_label": 12}


def best(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=7)) / number


def load_plugin(path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("awx_display_under_test", path)
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    return plugin


def build_and_frame(path):
    plugin = load_plugin(path)
    context = plugin.event_context
    # the playbook, play and task of the moment, then the event's own values, as in a job
    context.put(process_wide=True, playbook="loop.yml", playbook_uuid="pb", play="localhost", play_uuid="p",
                play_pattern="localhost", task="debug", task_uuid="abc", task_action="debug",
                resolved_action="ansible.builtin.debug", task_args="", task_path="/p/loop.yml:4")
    context.put(event="runner_item_on_ok", uuid="u1", host="localhost", res=dict(RES))
    if hasattr(context, "event_text"):  # ours since 2026-12-07: the context's JSON reused
        return best(lambda: plugin.encode_frame(context.event_text()), 5000)
    return best(lambda: plugin.encode_frame(json.dumps(context.build_event(), cls=plugin.EventEncoder)), 5000)


def whole_callback(path):
    """path "default": Ansible's default callback."""
    from ansible import context
    from ansible.executor.task_result import TaskResult
    from ansible.inventory.host import Host
    from ansible.module_utils.common.collections import ImmutableDict
    from ansible.playbook import Playbook
    from ansible.playbook.play import Play
    from ansible.playbook.task import Task
    from ansible.plugins.loader import callback_loader

    context.CLIARGS = ImmutableDict({"verbosity": 0, "check": False, "diff": False})
    if path == "default":
        callback = callback_loader.get("default")
    else:
        callback_loader.add_directory(os.path.dirname(os.path.abspath(path)))
        callback = callback_loader.get(os.path.splitext(os.path.basename(path))[0])
    callback.set_options()
    host = Host("localhost")
    task = Task.load({"name": "debug", "debug": {"msg": "item {{ item }}"}, "loop": "{{ range(10) }}"})
    # the results of a job come inside its playbook, play and task, as here
    callback.v2_playbook_on_start(Playbook(loader=None))
    callback.v2_playbook_on_play_start(Play.load({"hosts": "localhost", "gather_facts": False}))
    callback.v2_playbook_on_task_start(task, False)

    def one():
        callback.v2_runner_item_on_ok(TaskResult(host, task, dict(RES)))

    return best(one, 2000)


def debug_call(path):
    from ansible.utils.display import Display
    load_plugin(path)
    display = Display()
    return best(lambda: display.debug("in run() - task 1234"), 20000)


FIGURES = {"build": build_and_frame, "callback": whole_callback, "debug": debug_call}


def measure(figure, path):
    """Runs one figure in a fresh interpreter; returns seconds."""
    out = subprocess.run([sys.executable, __file__, "--figure", figure, path], stdout=subprocess.PIPE,
                         check=True).stdout
    return float(out)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--figure":
        sys.stdout.flush()
        real = os.dup(1)
        sys.stdout = open(os.devnull, "w", buffering=1)  # the callbacks' text
        os.write(real, b"%.9f\n" % FIGURES[sys.argv[2]](sys.argv[3]))
        return
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    build = measure("build", path)
    ours, default = measure("callback", path), measure("callback", "default")
    debug = measure("debug", path)
    print(f"{path}:")
    print(f"  build and frame one event: {build * 1e6:.1f} µs")
    print(f"  v2_runner_item_on_ok: {ours * 1e6:.1f} µs against the default callback's {default * 1e6:.1f} µs "
          f"(adds {(ours - default) * 1e6:.1f} µs)")
    print(f"  Display.debug under the hooks: {debug * 1e6:.2f} µs")


if __name__ == "__main__":
    main()

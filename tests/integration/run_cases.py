"""The differential cases for `run`: each runs through the reference and through ours."""
from diff_util import LOCAL_INVENTORY

MANY_HOSTS = "[many]\nh[01:12] ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
UNREACHABLE = ("localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
               "deadhost ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh\n")

# name: (playbook, extra args, inventory, env files, events in a fixed order)
CASES = {
    "ok_changed": ("ok_changed.yml", [], LOCAL_INVENTORY, None, True),
    "failed": ("failed.yml", [], LOCAL_INVENTORY, None, True),
    "ignore_errors": ("ignore_errors.yml", [], LOCAL_INVENTORY, None, True),
    "skipped": ("skipped.yml", [], LOCAL_INVENTORY, None, True),
    "unreachable": ("unreachable.yml", [], UNREACHABLE, None, False),
    "loops": ("loops.yml", [], LOCAL_INVENTORY, None, True),
    "handlers": ("handlers.yml", [], LOCAL_INVENTORY, None, True),
    "block_rescue": ("block_rescue.yml", [], LOCAL_INVENTORY, None, True),
    # nested rescue, assert, failed_when/changed_when, until/retries, a final failure
    "blocks_nested": ("blocks_nested.yml", [], LOCAL_INVENTORY, None, True),
    # listen topics, meta: flush_handlers, a handler notified twice and one never notified
    "handlers_listen_flush": ("handlers_listen.yml", [], LOCAL_INVENTORY, None, True),
    "include_tasks": ("include_tasks.yml", [], LOCAL_INVENTORY, None, True),
    "no_log": ("no_log.yml", [], LOCAL_INVENTORY, None, True),
    "warnings": ("warnings.yml", [], LOCAL_INVENTORY, None, True),
    # Forked workers' -v frames interleave with the main process differently from run to run.
    "verbose_vvv": ("ok_changed.yml", ["-vvv"], LOCAL_INVENTORY, None, False),
    "non_utf8": ("non_utf8.yml", [], LOCAL_INVENTORY, None, True),
    # A line without a line break cut short by a frame shows as its own line. The worker's text
    # may come before or after the runner_on_start frame: compared as sets.
    "raw_output": ("raw_output.yml", [], LOCAL_INVENTORY, None, False),
    "syntax_error": ("syntax_error.yml", [], LOCAL_INVENTORY, None, True),
    "many_hosts_forks": ("many_hosts.yml", ["--forks", "4"], MANY_HOSTS, None, False),
    "facts_and_stats": ("facts.yml", [], LOCAL_INVENTORY, None, True),
    "env_files": ("ok_changed.yml", ["--limit", "localhost"], LOCAL_INVENTORY,
                  {"extravars": "---\nanswer: 1\n", "envvars": "FOO: bar\n", "settings": "job_timeout: 120\n",
                   "cmdline": "--diff"}, True),
    "json_mode": ("loops.yml", ["-j"], LOCAL_INVENTORY, None, True),
    "quiet": ("failed.yml", ["-q"], LOCAL_INVENTORY, None, True),
}

# An aggregate callback for bench/plugin_case.py: the CPU of the thread that makes each callback
# call (time.thread_time around TaskQueueManager.send_callback, so all plugins' work for it and
# Ansible's own: the result's clean copies), summed by callback name and written as JSON to
# $CB_TIMER_OUT when Ansible exits, with the CPU of the main process and of its reaped workers.
import atexit
import json
import os
import resource
import time

from ansible.executor.task_queue_manager import TaskQueueManager
from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
    name: cb_timer
    type: aggregate
    short_description: CPU of the thread making each callback, by callback name (benchmark)
    requirements:
      - enabled in ANSIBLE_CALLBACKS_ENABLED, CB_TIMER_OUT set
'''

_totals = {}
_send_callback = TaskQueueManager.send_callback


def _timed_send_callback(self, method_name, *args, **kwargs):
    start = time.thread_time()
    try:
        return _send_callback(self, method_name, *args, **kwargs)
    finally:
        total = _totals.setdefault(method_name, {"calls": 0, "cpu": 0.0})
        total["calls"] += 1
        total["cpu"] += time.thread_time() - start


def _write():
    main = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    _totals["_process"] = {"main_cpu": main.ru_utime + main.ru_stime,
                           "workers_cpu": workers.ru_utime + workers.ru_stime}
    with open(os.environ["CB_TIMER_OUT"], "w") as f:
        json.dump(_totals, f)


if getattr(TaskQueueManager.send_callback, "__name__", "") != "_timed_send_callback":
    TaskQueueManager.send_callback = _timed_send_callback
    atexit.register(_write)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'cb_timer'
    CALLBACK_NEEDS_ENABLED = True

"""One in-process measurement of the ansible_runner Python API (run by python_cases.py).

    <python> bench/py_driver.py SPEC_JSON RESULT_JSON

Runs under the Python of one side (the reference's venv or ours), as its own process, so the
two packages never share an interpreter. ``import ansible_runner`` happens first, untimed; then
exactly one API call is timed and its wall time (``time.perf_counter``), CPU time (user + sys
of the whole process, all threads, from ``getrusage(RUSAGE_SELF)``) and ``ru_maxrss`` before
and after are written to RESULT_JSON with what the call returned.

SPEC_JSON: {"mode": "process" | "transmit", ...}
* process:  {"input": result stream file, "pdd": dir (created empty), "handler": null |
             "true" | "false"}: ``run(streamer='process', _input=<the file, binary>,
             private_data_dir=pdd, quiet=True[, event_handler=lambda e: True|False])``.
* transmit: {"pdd": dir, "output": file}: ``run(streamer='transmit', _output=<the file,
             binary>, private_data_dir=pdd, playbook='main.yml')``.
"""

import json
import os
import resource
import sys
import time


def _cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    import ansible_runner

    result = {"package": os.path.dirname(os.path.abspath(ansible_runner.__file__)),
              "native": "ansible_runner._native" in sys.modules}
    mode = spec["mode"]
    if mode == "process":
        os.makedirs(spec["pdd"])
        kwargs = dict(streamer="process", private_data_dir=spec["pdd"], quiet=True)
        if spec.get("handler") == "true":
            kwargs["event_handler"] = lambda e: True
        elif spec.get("handler") == "false":
            kwargs["event_handler"] = lambda e: False
        stream = open(spec["input"], "rb")
        kwargs["_input"] = stream
    elif mode == "transmit":
        stream = open(spec["output"], "wb")
        kwargs = dict(streamer="transmit", _output=stream, private_data_dir=spec["pdd"],
                      playbook="main.yml")
    else:
        raise SystemExit(f"unknown mode {mode!r}")

    cpu0, rss0 = _cpu()
    t0 = time.perf_counter()
    r = ansible_runner.run(**kwargs)
    wall = time.perf_counter() - t0
    cpu1, rss1 = _cpu()
    stream.close()

    result.update(wall=wall, cpu=cpu1 - cpu0, maxrss_before_kb=rss0, maxrss_after_kb=rss1,
                  status=getattr(r, "status", None), rc=getattr(r, "rc", None))
    with open(sys.argv[2], "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()

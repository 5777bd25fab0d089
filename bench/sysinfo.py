"""Describe the machine and the two implementations being compared."""

import os
import platform
import subprocess


def _first(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
        return out.strip().splitlines()[0] if out.strip() else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _mem_total():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _os_release():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return "?"


def _cmake_cache(binary):
    """Source dir and build type of a CMake-built binary, from CMakeCache.txt next to it."""
    info = {}
    cache = os.path.join(os.path.dirname(os.path.abspath(binary)), "CMakeCache.txt")
    try:
        with open(cache) as f:
            for line in f:
                if line.startswith("CMAKE_HOME_DIRECTORY:"):
                    info["source"] = line.split("=", 1)[1].strip()
                elif line.startswith("CMAKE_BUILD_TYPE:"):
                    info["build_type"] = line.split("=", 1)[1].strip()
    except OSError:
        pass
    return info


def _git_commit(path):
    return _first(["git", "-C", path, "log", "-1", "--format=%h %s"])


def describe(ours, ref):
    """The machine, and the two binaries when given (None: a run of the Python cases alone)."""
    load = os.getloadavg()
    mem = _mem_total()
    info = {
        "CPU": f"{_cpu_model()}, {os.cpu_count()} online CPUs "
               f"({len(os.sched_getaffinity(0))} usable)",
        "Memory": f"{mem / 2**30:.1f} GiB" if mem else "?",
        "Kernel": f"{platform.system()} {platform.release()} {platform.machine()}",
        "OS": _os_release(),
        "Python (harness, reference)": platform.python_version(),
        "ansible-core": _first(["ansible-playbook", "--version"]),
    }
    if ours and ref:
        cache = _cmake_cache(ours)
        ours_desc = os.path.abspath(ours)
        if cache.get("source"):
            ours_desc += f" (build type {cache.get('build_type') or '?'}, " \
                         f"source {cache['source']} at `{_git_commit(cache['source'])}`)"
        info["Reference"] = f"{ref} {_first([ref, '--version'])}"
        info["Ours"] = ours_desc
    else:
        info["Source"] = f"`{_git_commit(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))}`"
    info["Load average at start"] = " ".join(f"{x:.2f}" for x in load)
    return info

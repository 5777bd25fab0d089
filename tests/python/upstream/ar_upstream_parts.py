"""A pytest plugin loaded (-p) into runs of upstream's test suite by run.sh: splits the suite in two.

A container case is one of upstream's ``test_all_runtimes`` tests (its conftest parametrises them
with ``runtime``, one case per container engine) that really runs a container: every case but
the ``containerized=False`` ones of test_events.py, which run on the host whatever the runtime.
AR_UPSTREAM_PART=main (the default) deselects the container cases; AR_UPSTREAM_PART=containers
keeps only them, and only for the engines named in AR_UPSTREAM_RUNTIMES (space separated: the
ones whose `info` works; an engine's client without its daemon would fail every case alike).
"""
import os


def _part():
    return os.environ.get("AR_UPSTREAM_PART", "main")


def is_container_case(item):
    if item.get_closest_marker("test_all_runtimes") is None:
        return False
    params = getattr(getattr(item, "callspec", None), "params", {})
    return params.get("containerized", True) is not False


def _runtime(item):
    return getattr(getattr(item, "callspec", None), "params", {}).get("runtime")


def pytest_report_header(config):
    if _part() == "containers":
        return f"upstream part: container cases, engines: {os.environ.get('AR_UPSTREAM_RUNTIMES', '')}"
    return "upstream part: main (container cases deselected)"


def pytest_collection_modifyitems(config, items):
    part = _part()
    runtimes = os.environ.get("AR_UPSTREAM_RUNTIMES", "").split()
    if part == "containers":
        keep = lambda item: is_container_case(item) and _runtime(item) in runtimes  # noqa: E731
    elif part == "main":
        keep = lambda item: not is_container_case(item)  # noqa: E731
    else:
        raise ValueError(f"AR_UPSTREAM_PART={part!r}: main or containers")
    selected = [item for item in items if keep(item)]
    deselected = [item for item in items if not keep(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected

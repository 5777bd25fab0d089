"""A pytest plugin loaded (-p) into runs of upstream's test suite by run.sh.

Upstream's tests must exercise the ansible_runner installed in the venv under test, never a
source tree that happens to be on sys.path (pytest puts the tests' rootdir there): this stops the
run when the imported package lives outside the venv, and shows its path in the header.
"""
import sys

import pytest


def _where():
    module = sys.modules.get("ansible_runner")
    return getattr(module, "__file__", None) if module else None


def pytest_report_header(config):
    import ansible_runner
    return f"ansible_runner under test: {ansible_runner.__file__}"


def pytest_collection_finish(session):
    # After collection every test module (and so the rootdir on sys.path) has been imported.
    where = _where()
    if where is None or not where.startswith(sys.prefix + "/"):
        pytest.exit(f"ansible_runner imported from {where}, not from the venv {sys.prefix}", returncode=4)

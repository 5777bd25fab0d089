#!/bin/sh
# Benchmark ours against the reference: bench/run.sh [--quick] [--cases a,b] [OURS_BINARY]
# (make bench runs it with build/ansible-runner). Full run: ~20 min, writes bench/RESULTS.md.
# Cases: startup, stream, process, e2e (the CLI) and python (the Python API in process, ours in
# build/py/venv-ours against build/py/venv-ref: scripts/python-venvs.sh; see --py-ref/--py-ours).
# Case container (bench/container_case.py): the fixed cost of a job in a podman container, in a
# RESULTS.md section of its own (`--cases container` replaces only it); skipped without podman.
# Case many_jobs (bench/many_jobs_case.py): 100 short jobs through `worker`, 4 at a time, as an
# execution node runs them, locally and through a Receptor mesh (bench/many_jobs_receptor.py);
# its own section too (`--cases many_jobs`).
# Case plugin (bench/plugin_case.py): what the callback plugin costs ansible-playbook, bare against
# the reference's plugin and ours (`--cases plugin`, its own section).
# `bench/run.sh --cases python` replaces only the Python API section of bench/RESULTS.md.
# It never fails on a timing; it fails only if a command errs or produces a wrong result.
exec /usr/bin/python3 "$(dirname "$0")/bench.py" "$@"

#!/bin/sh
# Benchmark ours against the reference: bench/run.sh [--quick] [--cases a,b] [OURS_BINARY]
# (make bench runs it with build/ansible-runner). Full run: ~15 min, writes bench/RESULTS.md.
# It never fails on a timing; it fails only if a command errs or produces a wrong result.
exec /usr/bin/python3 "$(dirname "$0")/bench.py" "$@"

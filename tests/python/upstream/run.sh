#!/usr/bin/env bash
# Runs upstream's own test suite (ansible-runner 2.3.1's test/ tree, unmodified) against the
# reference package and against ours, and compares the results per test function.
#   tests/python/upstream/run.sh BUILD_DIR              venvs, both suites, compare.py
#   tests/python/upstream/run.sh BUILD_DIR ref|ours [-- PYTEST-ARGS]   one venv and suite only
# Results: BUILD_DIR/py/upstream-{ref,ours}.xml (junit) and .log. UPSTREAM_JOBS (default 2)
# is xdist's worker count per suite; UPSTREAM_SERIAL=1 runs the two suites one after the other.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [ref|ours [-- PYTEST-ARGS]]" >&2; exit 2; }
build_dir=$(realpath -m "$1"); shift
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
py_dir=$build_dir/py
version=2.3.1
sdist=$py_dir/sdist/ansible-runner-$version.tar.gz

# The sdist is downloaded once; nothing of it is committed.
fetch_sdist() {
  [ -s "$sdist" ] && return 0
  mkdir -p "$py_dir/sdist"
  /usr/bin/python3 -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
    -d "$py_dir/sdist" "ansible-runner==$version"
}

# One suite: only test/ and pytest.ini are extracted, into a directory of its own with no
# ansible_runner/ beside them (pytest puts that directory on sys.path; the guard plugin checks
# the package really comes from the venv). Fresh each time so no state leaks between runs.
run_suite() {  # ref|ours PYTEST-ARGS...
  local which=$1; shift
  local venv=$py_dir/venv-$which tree=$py_dir/upstream-$which
  rm -rf "$tree"; mkdir -p "$tree"
  tar xzf "$sdist" -C "$tree" --strip-components=1 "ansible-runner-$version/test" "ansible-runner-$version/pytest.ini"
  # Test dirs on tmpfs: the suite writes ~45,000 files (one test alone 14,000 events), and on this
  # machine's ext4 (mounted with discard) deleting them took five minutes, longer than the tests.
  local shm=/dev/shm; [ -d $shm ] && [ -w $shm ] || shm=${TMPDIR:-/tmp}
  local tmp; tmp=$(mktemp -d "$shm/ar-upstream-$which.XXXXXX")
  # venv's bin first: the tests run `ansible-runner` and `python` (upstream's conftest imports
  # ansible through it). -o addopts= drops the sdist's --cov and --numprocesses auto.
  # A container runtime whose client is installed without a daemon (docker here) makes its
  # container cases fail instead of skip. Those of test_events.py, parametrised [RUNTIME-True]
  # beside non-container [RUNTIME-False] cases, are deselected so that the event tests' plain
  # cases still count per function; the other container tests fail alike for both packages.
  local deselect=() ids=() rt
  for rt in docker podman; do
    if command -v $rt >/dev/null && ! timeout 20 $rt info >/dev/null 2>&1; then
      ids+=("$rt-True"); echo "$rt: no daemon, its [$rt-True] cases deselected" >&2
    fi
  done
  [ ${#ids[@]} -eq 0 ] || deselect=(-k "not ($(IFS='|'; echo "${ids[*]}" | sed 's/|/ or /g'))")
  local rc=0
  (cd "$tree" && PATH="$venv/bin:$PATH" PYTHONPATH="$here" timeout 3000 "$venv/bin/python" -m pytest \
      -o addopts= -p no:cacheprovider -p ar_upstream_guard --color=no -r fEs \
      -n "${UPSTREAM_JOBS:-2}" --timeout=120 --basetemp="$tmp/t" "${deselect[@]}" \
      --junitxml="$py_dir/upstream-$which.xml" -o junit_family=xunit1 "$@") >"$py_dir/upstream-$which.log" 2>&1 || rc=$?
  rm -rf "$tmp"
  echo "upstream suite with $which: exit $rc, $(tail -1 "$py_dir/upstream-$which.log")" >&2
  # pytest's 1 means "some tests failed", which compare.py judges; anything else is broken.
  [ $rc -le 1 ] || { tail -30 "$py_dir/upstream-$which.log" >&2; return 1; }
}

# The tests' `cli` fixture runs ansible-runner with LANG=en_US.UTF-8, which Ansible refuses when
# that locale is not generated: compile it into a private LOCPATH instead of changing the system.
make_locale() {
  mkdir -p "$py_dir/locale"
  [ -d "$py_dir/locale/en_US.UTF-8" ] || localedef -i en_US -c -f UTF-8 "$py_dir/locale/en_US.UTF-8" || true
  export LOCPATH=$py_dir/locale
}

fetch_sdist
make_locale
if [ $# -ge 1 ]; then
  which=$1; shift
  [ "${1:-}" != "--" ] || shift
  "$repo/scripts/python-venvs.sh" "$build_dir" "$which"
  run_suite "$which" "$@"
  exit
fi

"$repo/scripts/python-venvs.sh" "$build_dir" ref ours
start=$SECONDS
if [ "${UPSTREAM_SERIAL:-0}" = 1 ]; then
  run_suite ref; run_suite ours
else
  # In parallel: the suites mostly wait on ansible-playbook subprocesses (measured in the report).
  run_suite ref & ref_pid=$!
  ours_rc=0; run_suite ours || ours_rc=$?
  wait $ref_pid; [ $ours_rc -eq 0 ]
fi
echo "suites took $((SECONDS - start)) s" >&2
"$here/compare.py" --excluded "$repo/tests/python/upstream-excluded.txt" \
  "$py_dir/upstream-ref.xml" "$py_dir/upstream-ours.xml"

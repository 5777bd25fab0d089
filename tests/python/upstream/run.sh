#!/usr/bin/env bash
# Runs upstream's own test suite (ansible-runner 2.3.1's test/ tree, unmodified) against the
# reference package and against ours, and compares the results per test function.
#   tests/python/upstream/run.sh BUILD_DIR [--containers]             venvs, both suites, compare.py
#   tests/python/upstream/run.sh BUILD_DIR [--containers] ref|ours [-- PYTEST-ARGS]   one suite only
# Without --containers: every test but the container cases (ar_upstream_parts.py). With it: the
# container cases alone, run with podman in a storage of their own where our base image is tagged
# with the name upstream's tests use; exit 125 (skipped) when podman cannot be had or run here.
# Results: BUILD_DIR/py/upstream[-containers]-{ref,ours}.xml (junit) and .log. UPSTREAM_JOBS
# (default 2) is xdist's worker count per suite; UPSTREAM_SERIAL=1 runs the two suites one after
# the other.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [ref|ours [-- PYTEST-ARGS]]" >&2; exit 2; }
build_dir=$(realpath -m "$1"); shift
part=main
if [ "${1:-}" = --containers ]; then part=containers; shift; fi
name=upstream; [ $part = main ] || name=upstream-$part
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
  local venv=$py_dir/venv-$which tree=$py_dir/$name-$which
  rm -rf "$tree"; mkdir -p "$tree"
  tar xzf "$sdist" -C "$tree" --strip-components=1 "ansible-runner-$version/test" "ansible-runner-$version/pytest.ini"
  # Test dirs on tmpfs: the suite writes ~45,000 files (one test alone 14,000 events), and on this
  # machine's ext4 (mounted with discard) deleting them took five minutes, longer than the tests.
  local shm=/dev/shm; [ -d $shm ] && [ -w $shm ] || shm=${TMPDIR:-/tmp}
  local tmp; tmp=$(mktemp -d "$shm/ar-$name-$which.XXXXXX")
  # venv's bin first: the tests run `ansible-runner` and `python` (upstream's conftest imports
  # ansible through it). -o addopts= drops the sdist's --cov and --numprocesses auto.
  # ar_upstream_parts selects the part's cases (AR_UPSTREAM_PART, AR_UPSTREAM_RUNTIMES).
  local rc=0 storage=()
  [ $part = main ] || storage=(CONTAINERS_STORAGE_CONF="$build_dir/containers/upstream-storage-$which/storage.conf")
  (cd "$tree" && env "${storage[@]}" PATH="$venv/bin:$PATH" PYTHONPATH="$here" AR_UPSTREAM_PART=$part timeout 3000 "$venv/bin/python" -m pytest \
      -o addopts= -p no:cacheprovider -p ar_upstream_guard -p ar_upstream_parts --color=no -r fEs \
      -n "${UPSTREAM_JOBS:-2}" --timeout=120 --basetemp="$tmp/t" \
      --junitxml="$py_dir/$name-$which.xml" -o junit_family=xunit1 "$@") >"$py_dir/$name-$which.log" 2>&1 || rc=$?
  rm -rf "$tmp"
  echo "$name suite with $which: exit $rc, $(tail -1 "$py_dir/$name-$which.log")" >&2
  # pytest's 1 means "some tests failed", which compare.py judges; anything else is broken
  # (5, no test collected, too: a part that selects nothing must not pass).
  [ $rc -le 1 ] || { tail -30 "$py_dir/$name-$which.log" >&2; return 1; }
}

# The tests' `cli` fixture runs ansible-runner with LANG=en_US.UTF-8, which Ansible refuses when
# that locale is not generated: compile it into a private LOCPATH instead of changing the system.
make_locale() {
  mkdir -p "$py_dir/locale"
  [ -d "$py_dir/locale/en_US.UTF-8" ] || localedef -i en_US -c -f UTF-8 "$py_dir/locale/en_US.UTF-8" || true
  export LOCPATH=$py_dir/locale
}

# The container part's engine: podman with our settings (scripts/containers-env.sh) and, for each
# suite, a storage of its own under BUILD_DIR/containers/, so that the image name upstream uses,
# the images its tests build and its `podman image prune` touch nothing of the machine's storage,
# and the two suites running side by side never meet (upstream's tests use fixed idents, and a
# container's name comes from its job's ident). The image is
# our base image (scripts/ee-image.sh base: Debian's python3 and ansible-core, no runner), for the
# reference and ours alike: 2.3.1 runs ansible-playbook, ansible-doc, ansible-inventory or the
# given command in it, the callback plugin coming from the artifact dir; no test runs a runner
# inside the image. Exits 125 (ctest: skipped) when podman cannot be had or not as root.
containers_setup() {  # ref|ours...: the suites to make a storage for
  if [ "$(id -u)" -ne 0 ]; then echo "skipped: the container tests run podman as root (runc, cgroupfs)" >&2; exit 125; fi
  "$repo/scripts/install-deps.sh" podman runc mmdebstrap python3-installer >&2 || true
  command -v podman >/dev/null || { echo "skipped: podman is not installed and could not be installed" >&2; exit 125; }
  export BUILD=$build_dir
  # shellcheck source=scripts/containers-env.sh
  . "$repo/scripts/containers-env.sh"
  timeout 60 podman info >/dev/null || { echo "podman is installed but does not work with CONTAINERS_CONF=$CONTAINERS_CONF" >&2; exit 1; }
  local base storage which image runroot
  base=$("$repo/scripts/ee-image.sh" base | tail -1)
  for which in "$@"; do
    storage=$build_dir/containers/upstream-storage-$which
    # podman refuses a runroot longer than 50 characters, in the `container cleanup` that
    # conmon runs when a container ends (so `run --rm` would leave every container behind).
    runroot=/run/ar-upstream-$(printf %s "$build_dir" | sha256sum | cut -c1-8)-$which
    mkdir -p "$storage"
    printf '[storage]\ndriver = "overlay"\nrunroot = "%s"\ngraphroot = "%s/graph"\n' "$runroot" "$storage" >"$storage/storage.conf"
    if ! CONTAINERS_STORAGE_CONF=$storage/storage.conf podman image exists "$base"; then
      echo "copying $base into $storage" >&2
      podman save "$base" | CONTAINERS_STORAGE_CONF=$storage/storage.conf podman load -q >/dev/null
    fi
    image=$("$py_dir/venv-$which/bin/python" -c 'from ansible_runner.defaults import default_container_image as i; print(i)')
    CONTAINERS_STORAGE_CONF=$storage/storage.conf podman tag "$base" "$image"
    echo "$which: $image is $base (in $storage)" >&2
  done
  # An engine whose client is installed without a daemon (docker here) would fail all its cases.
  local rt runtimes=()
  for rt in podman docker; do
    if command -v $rt >/dev/null && timeout 20 $rt info >/dev/null 2>&1; then runtimes+=("$rt")
    elif command -v $rt >/dev/null; then echo "$rt: installed, but \`$rt info\` fails: its container cases are deselected" >&2
    fi
  done
  export AR_UPSTREAM_RUNTIMES="${runtimes[*]}"
}

# podman's overlay driver bind-mounts a storage's overlay dir onto itself, and a podman command
# that ends while a container is mounted leaves it so: unmounted once no container is left, so
# that the build dir can be removed.
containers_unmount() {  # ref|ours...
  local which storage
  for which in "$@"; do
    storage=$build_dir/containers/upstream-storage-$which
    [ -z "$(CONTAINERS_STORAGE_CONF=$storage/storage.conf podman ps -aq 2>/dev/null)" ] || continue
    ! mountpoint -q "$storage/graph/overlay" || umount "$storage/graph/overlay" || true
  done
}

fetch_sdist
make_locale
if [ $# -ge 1 ]; then
  which=$1; shift
  [ "${1:-}" != "--" ] || shift
  "$repo/scripts/python-venvs.sh" "$build_dir" "$which"
  [ $part = main ] || containers_setup "$which"
  rc=0; run_suite "$which" "$@" || rc=$?
  [ $part = main ] || containers_unmount "$which"
  exit $rc
fi

"$repo/scripts/python-venvs.sh" "$build_dir" ref ours
[ $part = main ] || containers_setup ref ours
start=$SECONDS
ref_rc=0 ours_rc=0
if [ "${UPSTREAM_SERIAL:-0}" = 1 ]; then
  run_suite ref || ref_rc=$?; run_suite ours || ours_rc=$?
else
  # In parallel: the suites mostly wait on ansible-playbook subprocesses (measured in the report).
  run_suite ref & ref_pid=$!
  run_suite ours || ours_rc=$?
  wait $ref_pid || ref_rc=$?
fi
[ $part = main ] || containers_unmount ref ours
[ $ref_rc -eq 0 ] && [ $ours_rc -eq 0 ]
echo "suites took $((SECONDS - start)) s" >&2
"$here/compare.py" --excluded "$repo/tests/python/upstream-excluded.txt" \
  "$py_dir/$name-ref.xml" "$py_dir/$name-ours.xml"

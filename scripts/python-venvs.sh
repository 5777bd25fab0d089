#!/usr/bin/env bash
# Creates or refreshes the Python venvs under BUILD_DIR/py/ that tests/python/upstream/run.sh
# runs upstream's own test suite in.   Usage: scripts/python-venvs.sh BUILD_DIR WHICH...
#   ref         venv-ref: the reference, PyPI's ansible-runner==2.3.1, on the test base
#   ours        venv-ours: our package (pip install <repo root>) on the same base; reinstalled
#               on every call, incrementally (the CMake build dir is kept in BUILD_DIR/py/build)
#   ours-wheel  our package as a wheel in BUILD_DIR/py/wheel/ (only that one file), built with
#               venv-ours's tools and CMake dir (scripts/ee-image.sh installs it into the EE image)
#   ours-pyenv  venv-pyenv: a fresh plain venv of the python3 on PATH with only our package,
#               then an import and `ansible-runner --version` as a smoke check
# The test base is Debian's python3 with its site packages (upstream's conftest needs the
# ansible-core distribution and `import ansible`, which only Debian's interpreter has) plus the
# pytest plugins of upstream's test/requirements.txt, pinned to versions of the tests' era.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR ref|ours|ours-pyenv..." >&2; exit 2; }
build_dir=$(realpath -m "$1"); shift
repo=$(cd "$(dirname "$0")/.." && pwd)
py_dir=$build_dir/py
mkdir -p "$py_dir"
TEST_TOOLS=(pytest==7.4.4 pytest-mock==3.12.0 pytest-timeout==2.2.0 pytest-xdist==3.5.0)
REFERENCE=ansible-runner==2.3.1
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# A venv of Debian's python3 seeing the system site packages, with the test tools; skipped when
# its stamp records the same tools (and extra packages) as asked now.
base_venv() {  # DIR EXTRA-PIP-ARGS...
  local dir=$1; shift
  local want
  want="$(/usr/bin/python3 --version) ${TEST_TOOLS[*]} $*"
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  rm -rf "$dir"
  /usr/bin/python3 -m venv --system-site-packages "$dir"
  "$dir/bin/pip" install -q "${TEST_TOOLS[@]}"
  # --ignore-installed: Debian's python3-ansible-runner (the same version) would otherwise
  # satisfy the requirement; --no-deps keeps its dependencies Debian's, as in venv-ours.
  [ $# -eq 0 ] || "$dir/bin/pip" install -q --ignore-installed --no-deps "$@"
  echo "$want" >"$dir/.stamp"
}

# The build requirements of our pyproject.toml, so our package builds without build isolation:
# an isolated build env gets a new path every time, which makes CMake reconfigure and rebuild.
build_requires() {  # PYTHON
  "$1" -c 'import sys, tomllib; print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["build-system"]["requires"]))' \
    "$repo/pyproject.toml"
}

install_ours() {  # VENV BUILD-DIR
  local dir=$1 cmake_dir=$2
  [ -f "$repo/pyproject.toml" ] || { echo "no $repo/pyproject.toml yet: our package cannot be installed" >&2; return 1; }
  mapfile -t reqs < <(build_requires "$dir/bin/python")
  [ ${#reqs[@]} -eq 0 ] || "$dir/bin/pip" install -q "${reqs[@]}"
  # build-dir: scikit-build-core keeps the CMake tree there, so a reinstall only rebuilds what
  # changed. A local directory is always rebuilt and reinstalled by pip, whatever its version.
  "$dir/bin/pip" install -q --no-build-isolation --config-settings=build-dir="$cmake_dir" "$repo"
}

for which in "$@"; do
  case $which in
    ref)
      base_venv "$py_dir/venv-ref" "$REFERENCE" ;;
    ours)
      base_venv "$py_dir/venv-ours"
      install_ours "$py_dir/venv-ours" "$py_dir/build" ;;
    ours-wheel)
      base_venv "$py_dir/venv-ours"
      mapfile -t reqs < <(build_requires "$py_dir/venv-ours/bin/python")
      [ ${#reqs[@]} -eq 0 ] || "$py_dir/venv-ours/bin/pip" install -q "${reqs[@]}"
      rm -rf "$py_dir/wheel"
      "$py_dir/venv-ours/bin/pip" wheel -q --no-deps --no-build-isolation \
        --config-settings=build-dir="$py_dir/build" -w "$py_dir/wheel" "$repo" ;;
    ours-pyenv)
      dir=$py_dir/venv-pyenv
      rm -rf "$dir"
      python3 -m venv "$dir"
      install_ours "$dir" "$py_dir/build-pyenv"
      # Run from / so that no ansible_runner/ in the cwd can be imported instead.
      (cd / && "$dir/bin/python" -c 'import ansible_runner, sys; assert ansible_runner.__file__.startswith(sys.prefix), ansible_runner.__file__; print("import ok:", ansible_runner.__file__)')
      "$dir/bin/ansible-runner" --version ;;
    *) echo "unknown venv: $which (ref, ours, ours-pyenv)" >&2; exit 2 ;;
  esac
done

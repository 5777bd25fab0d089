#!/usr/bin/env bash
# Installs a pinned Receptor for the mesh test (tests/integration/test_receptor_mesh.py):
#   receptor     `go install` from the Go module proxy -> <tools>/bin/receptor
#   receptorctl  from PyPI, same version, into the venv <tools>/venv, created with Debian's
#                /usr/bin/python3 -m venv (python3-venv): run it as <tools>/venv/bin/receptorctl
# <tools> is $AR_TOOLS_DIR or build/tools in the source tree. Nothing of Receptor is committed.
# Idempotent: does nothing when the pinned versions are already there.
# Exit codes: 0 installed (or already there), 75 a registry could not be reached (the test then
# skips), anything else a real failure.
set -euo pipefail

RECEPTOR_VERSION=1.4.11
# The public checksum database does not answer for this module through our proxy, so
# go's own check is turned off for it (GONOSUMDB) and the module zip is checked against
# this pin instead. Its dependencies are verified by receptor's go.sum as usual.
RECEPTOR_SUM="h1:MVDXWnmHSB4NlVayoG1ajfBa77bmhMN/qDKSMI3xxHo="
# In 1.4.x the daemon's main package is cmd/receptor-cl; it is installed as <tools>/bin/receptor.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${AR_TOOLS_DIR:-$root/build/tools}
go=${GO:-/usr/local/go/bin/go}
python=/usr/bin/python3
bin=$tools/bin
venv=$tools/venv
log=$tools/install-receptor.log

mkdir -p "$bin"
: >"$log"

unreachable() {  # network-type failures in the log -> 75, else 1
  if grep -Eqi 'dial tcp|no such host|i/o timeout|connection refused|connection reset|TLS handshake|network is unreachable|temporary failure in name resolution|Max retries exceeded|NewConnectionError|ReadTimeoutError|No matching distribution found' "$log"; then
    echo "install-receptor: registry unreachable (see $log)" >&2
    exit 75
  fi
  echo "install-receptor: $1 failed (see $log)" >&2
  tail -n 20 "$log" >&2
  exit 1
}

# --- receptor -----------------------------------------------------------------------------
have_receptor() {
  [ -x "$bin/receptor" ] && [ "$("$bin/receptor" --version 2>/dev/null)" = "$RECEPTOR_VERSION" ]
}
if ! have_receptor; then
  [ -x "$go" ] || { echo "install-receptor: no Go toolchain at $go" >&2; exit 1; }
  echo "install-receptor: building receptor $RECEPTOR_VERSION (takes a few minutes)" >&2
  export GONOSUMDB=github.com/ansible/receptor GOFLAGS=-buildvcs=false
  json=$("$go" mod download -json "github.com/ansible/receptor@v$RECEPTOR_VERSION" 2>>"$log") ||
    { echo "$json" >>"$log"; unreachable "go mod download"; }
  sum=$(echo "$json" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",\{0,1\}$/\1/p')
  dir=$(echo "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  if [ "$sum" != "$RECEPTOR_SUM" ] || [ ! -d "$dir" ]; then
    echo "install-receptor: receptor v$RECEPTOR_VERSION has checksum '$sum', pinned $RECEPTOR_SUM" >&2
    exit 1
  fi
  # `go install <pkg>@<version>` would also ask the proxy for the module's version list (to
  # look for a deprecation notice) and our proxy refuses that list, so the pinned module is
  # installed from its verified copy in the module cache, as the main module with its own
  # go.sum (dependencies come from the proxy, checked against that go.sum). The version is
  # stamped the way receptor's Makefile does it.
  (cd "$dir" && GOBIN=$bin "$go" install -trimpath \
     -ldflags "-X 'github.com/ansible/receptor/internal/version.Version=$RECEPTOR_VERSION'" \
     ./cmd/receptor-cl) >>"$log" 2>&1 || unreachable "go install"
  mv -f "$bin/receptor-cl" "$bin/receptor"
  have_receptor || { echo "install-receptor: $bin/receptor is not $RECEPTOR_VERSION" >&2; exit 1; }
fi

# --- receptorctl --------------------------------------------------------------------------
have_receptorctl() {
  [ -x "$venv/bin/receptorctl" ] &&
    [ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("receptorctl"))' 2>/dev/null)" = "$RECEPTOR_VERSION" ]
}
if ! have_receptorctl; then
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv" >>"$log" 2>&1 ||
    { echo "install-receptor: '$python -m venv' failed: is python3-venv installed? (see $log)" >&2; exit 1; }
  "$venv/bin/python" -m pip install -q "receptorctl==$RECEPTOR_VERSION" >>"$log" 2>&1 ||
    unreachable "pip install receptorctl"
  have_receptorctl || { echo "install-receptor: receptorctl $RECEPTOR_VERSION missing after install" >&2; exit 1; }
fi
exit 0

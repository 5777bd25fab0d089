#!/usr/bin/env bash
# Runs the bundled demo job twice: once with `run`, once split as transmit | worker | process.
# The demo's private data dir is copied to a temp dir so the source tree stays clean.
set -euo pipefail
runner=${1:-build/ansible-runner}
runner=$(cd "$(dirname "$runner")" && pwd)/$(basename "$runner")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/demo" "$work/run"
cp -r "$here/demo" "$work/remote"

echo "== ansible-runner run demo -p test.yml"
"$runner" run "$work/run" -p test.yml --ident demo
echo "   status: $(cat "$work/run/artifacts/demo/status"), rc: $(cat "$work/run/artifacts/demo/rc")"

echo
echo "== ansible-runner transmit demo -p test.yml | ansible-runner worker | ansible-runner process demo"
"$runner" transmit "$work/remote" -p test.yml --ident demo \
  | "$runner" worker \
  | "$runner" process "$work/remote" --ident demo
echo "   status: $(cat "$work/remote/artifacts/demo/status"), rc: $(cat "$work/remote/artifacts/demo/rc")"

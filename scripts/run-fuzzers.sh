#!/usr/bin/env bash
# Runs each libFuzzer target of a build-fuzz tree for a bounded time, one after the other.
# Usage: scripts/run-fuzzers.sh <build dir> <seconds per target> <target>...
# Seeds come from tests/fuzz/corpus/<target>/ (read only); what the fuzzer adds goes to
# <build dir>/fuzz-corpus/<target>/, findings (crash-*, leak-*, timeout-*, oom-*) to
# <build dir>/fuzz-findings/<target>/. Exits 1 when any target found something.
set -uo pipefail
# Absolute paths: the targets change the cwd while an input runs, and a hang is written out then.
build=$(cd "$1" && pwd) seconds=$2
shift 2
source_dir=$(cd "$(dirname "$0")/.." && pwd)
max_len_job_stream=65536 max_len_result_stream=65536 max_len_zip_extract=65536 max_len_env_files=16384
# Temp files and scratch dirs of the targets stay in the build tree, even after a crash.
export TMPDIR=$build/fuzz-tmp
mkdir -p "$TMPDIR"
failed=()
for target in "$@"; do
  corpus=$build/fuzz-corpus/$target findings=$build/fuzz-findings/$target
  mkdir -p "$corpus" "$findings"
  max_len_var=max_len_$target
  echo "== fuzz_$target for ${seconds}s" >&2
  # One process per target, one target at a time (shared machines). -timeout flags an input that takes
  # more than 10 s as a hang.
  if ! "$build/fuzz_$target" -max_total_time="$seconds" -max_len="${!max_len_var:-65536}" \
      -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -dict="$source_dir/tests/fuzz/dict/$target.dict" -artifact_prefix="$findings/" \
      "$corpus" "$source_dir/tests/fuzz/corpus/$target"; then
    failed+=("$target")
  fi
  # A crash or hang ends the process before it can remove its scratch root.
  rm -rf "$TMPDIR"/ar-fuzz-*
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (reproducers in $build/fuzz-findings/)" >&2
  exit 1
fi

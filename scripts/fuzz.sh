#!/usr/bin/env bash
# Fuzzes every target of Tests/Fuzz with libFuzzer and AddressSanitizer for SECONDS each
# (default 60), starting from its committed corpus (Tests/Fuzz/Corpus/<target>/). New inputs
# go to .build-fuzz/corpus/<target>/; a crash leaves its input in .build-fuzz/crashes/<target>/
# and fails the run: fix it and add the input to the target's corpus as a regression.
#   scripts/fuzz.sh [seconds] [target ...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-packages.sh
SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || mapfile -t TARGETS < <(ls Tests/Fuzz/Corpus)
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}"

echo "==> building luagate-fuzz (libFuzzer + AddressSanitizer)" >&2
LUAGATE_FUZZ=1 swift build --scratch-path .build-fuzz -c debug --product luagate-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address >&2
BIN=.build-fuzz/debug/luagate-fuzz

# Leaks are not what this looks for (the Lua state and caches live for the whole run).
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1
for target in "${TARGETS[@]}"; do
  work=.build-fuzz/corpus/$target crashes=.build-fuzz/crashes/$target
  mkdir -p "$work" "$crashes"
  echo "==> $target for ${SECONDS_EACH}s" >&2
  status=0
  LUAGATE_FUZZ_TARGET=$target "$BIN" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -print_final_stats=1 -artifact_prefix="$crashes/" "$work" "Tests/Fuzz/Corpus/$target" \
    > "$work.log" 2>&1 || status=$?
  grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$work.log" >&2 || true
  if [ "$status" -ne 0 ] || [ -n "$(ls -A "$crashes")" ]; then
    tail -40 "$work.log" >&2
    echo "fuzz: $target failed (exit $status); inputs in $crashes" >&2
    exit 1
  fi
done
echo "fuzz: ${#TARGETS[@]} targets, ${SECONDS_EACH}s each, no crash" >&2

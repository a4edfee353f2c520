#!/usr/bin/env bash
# The LuaKit and LuaGate tests (the C shim, the bindings, and the luagate binary they drive)
# under AddressSanitizer + UndefinedBehaviorSanitizer, then the task scheduler's tests under
# ThreadSanitizer. Each sanitizer writes its reports to a folder; any report fails the run,
# as does any failing test. UndefinedBehaviorSanitizer is for the C code (Swift checks its own
# arithmetic): it runs in trap mode, so undefined behaviour stops the process and its test fails.
#   scripts/sanitize.sh            # env: SANITIZE_SKIP_THREAD=1 to run only the first part
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-packages.sh
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
REPORTS=$(mktemp -d)
trap 'rm -rf "$REPORTS"' EXIT

# A report is an ASan error or a TSan warning; ASan's "failed to allocate" warnings (a test's
# deliberate huge allocation, answered with NULL) are not.
check_reports() {
  local found
  found=$(grep -l -E "ERROR: AddressSanitizer|WARNING: ThreadSanitizer|ERROR: ThreadSanitizer" "$REPORTS"/* 2>/dev/null || true)
  if [ -n "$found" ]; then
    for report in $found; do echo "--- $report" >&2; head -60 "$report" >&2; done
    echo "sanitize: $1 reported problems" >&2
    exit 1
  fi
}

echo "==> AddressSanitizer + UndefinedBehaviorSanitizer: LuaKitTests, LuaGateTests" >&2
# Leaks are left to other tools: luagate exits without freeing what lives for the whole run.
# Huge allocations return NULL (Lua then raises "not enough memory", which tests check).
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:log_path=$REPORTS/asan"
UBSAN=(-Xcc -fsanitize=undefined -Xcc -fsanitize-trap=undefined)
# millionCallsDoNotGrowMemory measures RSS, which ASan's shadow memory and quarantine inflate;
# ManPageTests check the packaging script's output (generate-manual is built by test.sh).
swift build --build-tests --scratch-path .build-asan --sanitize=address "${UBSAN[@]}" >&2
swift test --skip-build --scratch-path .build-asan --sanitize=address "${UBSAN[@]}" \
  --filter 'LuaKitTests|LuaGateTests' --skip 'millionCallsDoNotGrowMemory|ManPageTests' >&2
check_reports "AddressSanitizer"

[ -n "${SANITIZE_SKIP_THREAD:-}" ] && exit 0
echo "==> ThreadSanitizer: the scheduler's tests" >&2
export TSAN_OPTIONS="log_path=$REPORTS/tsan"
swift build --build-tests --scratch-path .build-tsan --sanitize=thread >&2
swift test --skip-build --scratch-path .build-tsan --sanitize=thread --filter 'TaskTests|CoroutineTests' >&2
check_reports "ThreadSanitizer"
echo "sanitize: no reports" >&2

#!/usr/bin/env bash
# The in-process benchmarks (scripts/bench/micro, on ordo-one/benchmark): time, CPU and
# allocations of the steps of one API call (Lua table → request body, response → Lua table,
# one providerKeys.update end to end) and of the same PATCH sent by AsyncHTTPClient alone.
# The request benchmarks talk to a fake-ngrok-ai of their own, in another process, so that
# the server's allocations are not counted. By hand, not part of the tests.
#   scripts/bench/micro.sh [benchmark options, e.g. --filter 'update.*']
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-packages.sh
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}"
swift build -c release --product fake-ngrok-ai >&2
WORK=$(mktemp -d)
coproc FAKE { exec "$(swift build -c release --show-bin-path)/fake-ngrok-ai" --token bench --keys 100 2> "$WORK/fake.err"; }
trap 'kill "$FAKE_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
read -r _ _ URL <&"${FAKE[0]}"
cd scripts/bench/micro
LUAGATE_BENCH_URL=$URL swift package --allow-writing-to-package-directory benchmark "$@"

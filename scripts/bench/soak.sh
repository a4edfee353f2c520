#!/usr/bin/env bash
# Soak: the mixed job of scripts/bench/soak.lua (lists, task.map updates at concurrency 32,
# creates, rename plans, deletes, access keys) against fake-ngrok-ai answering 5% of requests
# 503, resetting 2% mid-response and answering everything 429 for 3 s of every 60, for MINUTES
# (default 10), sampling the luagate process's RSS and open file descriptors (sockets apart:
# their number follows the connections the pool holds, which the resets keep changing).
# Pass: after the first minute (warm-up), RSS less the Lua heap (where the job's own ledger of
# every name it made grows by design) grows less than 5%, the other descriptors do not
# grow at all, sockets stay within --max-in-flight (64), and the job's ledger matches the
# account at the end (no change lost, none doubled).
#   scripts/bench/soak.sh [minutes]     # env: SOAK_SAMPLE_SECONDS=60 SOAK_SKIP_BUILD=1
#                                       #      SOAK_BIN=.build/release (where the binaries are)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-packages.sh
MINUTES=${1:-10}
SAMPLE=${SOAK_SAMPLE_SECONDS:-60}
BIN=${SOAK_BIN:-.build/release}
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}"
if [ -z "${SOAK_SKIP_BUILD:-}" ]; then
  swift build -c release --product luagate >&2
  swift build -c release --product fake-ngrok-ai >&2
fi

WORK=$(mktemp -d)
coproc FAKE { exec "$BIN/fake-ngrok-ai" --token soak --keys 500 --rate-503 0.05 --rate-reset 0.02 \
  --burst-429 60:3 --retry-after 1 2> "$WORK/fake.err"; }
trap 'kill "$FAKE_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
read -r _ _ URL <&"${FAKE[0]}"

AI_GATEWAY_API_KEY=soak "$BIN/luagate" --base-url "$URL" scripts/bench/soak.lua $((MINUTES * 60)) "$WORK/heap" \
  > "$WORK/result.json" 2> "$WORK/job.err" &
JOB=$!
echo "second  rss_kb  lua_heap_kb  sockets  other_fds" | tee "$WORK/samples"
elapsed=0
while kill -0 "$JOB" 2>/dev/null; do
  if [ "$elapsed" -gt 0 ] && [ -r /proc/$JOB/status ]; then
    rss=$(awk '/^VmRSS/ {print $2}' /proc/$JOB/status 2>/dev/null || true)
    # A descriptor closing while find or ls reads the folder makes them fail: not an error here.
    sockets=$( (find /proc/$JOB/fd -lname 'socket:*' 2>/dev/null || true) | wc -l)
    others=$(( $( (ls /proc/$JOB/fd 2>/dev/null || true) | wc -l) - sockets ))
    heap=$(cat "$WORK/heap" 2>/dev/null || echo 0)
    [ -n "$rss" ] && printf "%6s  %6s  %11s  %7s  %9s\n" "$elapsed" "$rss" "$heap" "$sockets" "$others" | tee -a "$WORK/samples"
  fi
  sleep "$SAMPLE" & wait $! || true
  elapsed=$((elapsed + SAMPLE))
done
status=0
wait "$JOB" || status=$?
cat "$WORK/result.json"
[ "$status" -eq 0 ] || { echo "soak: the job failed (exit $status):" >&2; tail -20 "$WORK/job.err" >&2; }
python3 - "$WORK/samples" "$WORK/result.json" "$status" <<'PY'
import json, sys
rows = [line.split() for line in open(sys.argv[1]).read().splitlines()[1:] if line.strip()]
result = json.loads(open(sys.argv[2]).read() or "{}")
ok = int(sys.argv[3]) == 0 and not result.get("violations")
# Warm-up: the first minute (connections open, caches fill); growth is measured after it.
warm = [row for row in rows if int(row[0]) >= 60]
if len(warm) >= 2:
    first, last = warm[0], warm[-1]
    native = [int(row[1]) - int(row[2]) for row in (first, last)]
    rss = (native[1] - native[0]) / native[0] * 100
    sockets = max(int(row[3]) for row in warm)
    others = (int(first[4]), int(last[4]))
    print(f"RSS {first[1]} → {last[1]} kB, of which the Lua heap {first[2]} → {last[2]} kB; the rest "
          f"{native[0]} → {native[1]} kB ({rss:+.1f}%); sockets at most {sockets}; other descriptors {others[0]} → {others[1]}")
    ok = ok and rss < 5 and sockets <= 64 and others[1] <= others[0]
else:
    print("too few samples after the first minute to judge growth (run longer)")
print(f"changes: {result.get('updates', 0)} updates, {result.get('creates', 0)} creates, "
      f"{result.get('renames', 0)} renames, {result.get('deletes', 0)} deletes in {result.get('iterations', 0)} iterations; "
      f"failed {result.get('failed', {})}; outcome unknown {result.get('unknown', 0)}")
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY

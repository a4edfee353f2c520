#!/usr/bin/env bash
# The benchmarks of issue 4, run by hand (not part of the test suite):
# 2,000 PATCH updates per client against one fake-ngrok-ai on 127.0.0.1, at 0 ms and
# 20 ms added server latency; then 20,000 task.spawn (RSS growth) and start-up time.
# Prints a markdown table with the targets, PASS or MISS.
#   scripts/bench/run.sh      # env: BENCH_COUNT=2000 BENCH_LATENCIES="0 20" BENCH_OUT=FILE
#                             #      BENCH_SKIP_BUILD=1 (use the release binaries as they are)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-packages.sh

COUNT=${BENCH_COUNT:-2000}
LATENCIES=${BENCH_LATENCIES:-"0 20"}
TOKEN=bench-token
BENCH=scripts/bench
LUAGATE=.build/release/luagate
FAKE=.build/release/fake-ngrok-ai
AHC_LOAD=scripts/bench/micro/.build/release/ahc-load
OUT=${BENCH_OUT:-/tmp/luagate-bench-results.txt}

ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" lua5.4 python3 curl wrk hyperfine time
if ! python3 -c 'import requests' 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    python3 -m pip install --quiet requests >&2 || ensure_packages python3-requests
  else
    echo "Python requests is missing: python3 -m pip install requests" >&2; exit 1
  fi
fi

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  echo "==> building release binaries" >&2
  swift build -c release --static-swift-stdlib --product luagate >&2
  swift build -c release --static-swift-stdlib --product fake-ngrok-ai >&2
fi
# AsyncHTTPClient alone, as luagate uses it: the CPU target is a ratio to it, measured in the same
# run (docs/design.md), so its row is always there. Its package is apart from the main build
# (scripts/bench/micro); the first build takes some minutes, later runs reuse it.
if [ ! -x "$AHC_LOAD" ]; then
  echo "==> building ahc-load (scripts/bench/micro)" >&2
  (cd scripts/bench/micro && swift build -c release --product ahc-load) >&2
fi

WORK=$(mktemp -d)
FAKE_PID=
stop_fake() {
  if [ -n "$FAKE_PID" ]; then kill "$FAKE_PID" 2>/dev/null || true; wait "$FAKE_PID" 2>/dev/null || true; fi
  FAKE_PID=
}
trap 'stop_fake; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
# Private copies: a build running meanwhile cannot swap the binaries under the benchmark.
cp "$LUAGATE" "$WORK/luagate"; cp "$FAKE" "$WORK/fake-ngrok-ai"; cp "$AHC_LOAD" "$WORK/ahc-load"
LUAGATE=$WORK/luagate FAKE=$WORK/fake-ngrok-ai AHC_LOAD=$WORK/ahc-load
: > "$WORK/results.txt"

# start_fake MS: one server with COUNT keys and MS ms added latency; sets URL.
start_fake() {
  timeout 1800 "$FAKE" --host 127.0.0.1 --port 0 --token "$TOKEN" --keys "$COUNT" --latency-ms "$1" \
    > "$WORK/fake.out" 2> "$WORK/fake.err" &
  FAKE_PID=$!
  URL=
  for _ in $(seq 100); do
    URL=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$WORK/fake.out")
    [ -n "$URL" ] && return 0
    sleep 0.1
  done
  echo "fake-ngrok-ai did not start:" >&2; cat "$WORK/fake.err" >&2; exit 1
}

# measure LATENCY CLIENT COMMAND...: runs the client under /usr/bin/time (peak RSS, and the
# user + system CPU of the client and the children it waited for) and records its RESULT line.
measure() {
  local latency=$1 client=$2; shift 2
  echo "==> ${latency} ms: $client" >&2
  if ! /usr/bin/time -f "%M %U %S" -o "$WORK/rss" timeout 300 "$@" > "$WORK/out" 2> "$WORK/err"; then
    echo "$client failed:" >&2; tail -5 "$WORK/err" >&2; tail -5 "$WORK/out" >&2; return 0
  fi
  local result
  result=$(grep '^RESULT ' "$WORK/out" | tail -1)
  local rss cpu
  read -r rss user system < <(tail -1 "$WORK/rss")
  cpu=$(python3 -c "print(round($user + $system, 2))")
  echo "${result/RESULT /RESULT latency=$latency client=$client } rss_kb=$rss cpu_s=$cpu" | tee -a "$WORK/results.txt" >&2
}

# curl_run: COUNT PATCHes, 16 curl processes at a time; the RESULT line from curl's timings.
curl_run() {
  local start end
  start=$(date +%s.%N)
  head -n "$COUNT" "$WORK/ids.txt" | xargs -P 16 -I '{}' curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
    -X PATCH -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"name":"curl"}' \
    "$URL/provider-keys/{}" > "$WORK/curl.txt"
  end=$(date +%s.%N)
  python3 "$BENCH/summary.py" "$start" "$end" < "$WORK/curl.txt"
}
export -f curl_run
export WORK COUNT TOKEN BENCH

for latency in $LATENCIES; do
  start_fake "$latency"
  export URL
  python3 "$BENCH/python_bench.py" "$URL" "$TOKEN" ids > "$WORK/ids.txt"
  export AI_GATEWAY_API_KEY=$TOKEN
  measure "$latency" luagate-seq "$LUAGATE" --base-url "$URL" "$BENCH/luagate_bench.lua" sequential "$COUNT"
  measure "$latency" luagate-map16 "$LUAGATE" --base-url "$URL" "$BENCH/luagate_bench.lua" map "$COUNT" 16
  # The same with no PATCH (start-up and listing every key): the CPU per PATCH is the difference.
  measure "$latency" luagate-setup "$LUAGATE" --base-url "$URL" "$BENCH/luagate_bench.lua" map 0 16
  measure "$latency" python-seq python3 "$BENCH/python_bench.py" "$URL" "$TOKEN" sequential "$COUNT"
  measure "$latency" python-threads16 python3 "$BENCH/python_bench.py" "$URL" "$TOKEN" threads "$COUNT" 16
  measure "$latency" curl-xargs16 bash -c curl_run
  # AsyncHTTPClient alone, as luagate uses it: the floor under luagate's CPU per request.
  measure "$latency" ahc-c16 "$AHC_LOAD" "$URL" "$TOKEN" "$COUNT" 16
  export BENCH_TOKEN=$TOKEN BENCH_IDS=$WORK/ids.txt
  measure "$latency" wrk-c16 wrk -t2 -c16 -d5s --latency -s "$BENCH/patch.lua" "$URL"
  stop_fake
done

echo "==> 20,000 task.spawn" >&2
"$LUAGATE" "$BENCH/spawn_rss.lua" 20000 "$(getconf PAGESIZE)" | grep '^SPAWN ' | tee -a "$WORK/results.txt" >&2

echo "==> start-up (hyperfine)" >&2
hyperfine -N --warmup 20 --min-runs 300 --export-json "$WORK/hyperfine.json" \
  "lua5.4 $BENCH/hello.lua" "$LUAGATE $BENCH/hello.lua" "lua5.4 -v" "$LUAGATE -v" >&2
# Medians: on a shared machine the means carry the outliers of other load.
python3 - "$WORK/hyperfine.json" >> "$WORK/results.txt" <<'PY'
import json, sys
lua, luagate, lua_v, luagate_v = json.load(open(sys.argv[1]))["results"]
print("STARTUP lua_ms=%.2f luagate_ms=%.2f lua_v_ms=%.2f luagate_v_ms=%.2f" % (
    lua["median"] * 1000, luagate["median"] * 1000, lua_v["median"] * 1000, luagate_v["median"] * 1000))
PY

cp "$WORK/results.txt" "$OUT"
echo
echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
  "$(awk '/MemTotal/ {printf "%.0f GB RAM", $2 / 1048576}' /proc/meminfo), $(uname -sr); $(date -u +%Y-%m-%d)"
echo "Tools: $(swift --version 2>/dev/null | sed -n 's/^.*\(Swift version [^ ]*\).*$/\1/p' | head -1)," \
  "$(python3 --version) with requests $(python3 -c 'import requests; print(requests.__version__)')," \
  "curl $(curl --version | head -1 | cut -d' ' -f2), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)," \
  "$(hyperfine --version), $(lua5.4 -v | cut -d' ' -f1-2)"
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 "$BENCH/table.py" "$OUT"
echo
echo "(raw results: $OUT)"

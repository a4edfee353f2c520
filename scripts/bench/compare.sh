#!/usr/bin/env bash
# Side by side: this tree's release luagate against another luagate binary (say one built
# from an earlier commit in a `git worktree`), on the same fake-ngrok-ai, the same machine,
# in the same minute: bulk PATCH at concurrency 16 and sequentially (req/s and CPU µs per
# PATCH, less start-up and listing), and start-up (hyperfine medians). Prints a markdown table with the ratios.
#   scripts/bench/compare.sh OTHER_LUAGATE     # env: BENCH_COUNT=4000 BENCH_SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-packages.sh
OTHER=${1:?usage: scripts/bench/compare.sh OTHER_LUAGATE}
COUNT=${BENCH_COUNT:-4000}
TOKEN=bench-token
BENCH=scripts/bench
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" lua5.4 hyperfine time
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  swift build -c release --static-swift-stdlib --product luagate >&2
  swift build -c release --static-swift-stdlib --product fake-ngrok-ai >&2
fi
WORK=$(mktemp -d)
FAKE_PID=
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
cp .build/release/luagate "$WORK/this"; cp "$OTHER" "$WORK/other"; cp .build/release/fake-ngrok-ai "$WORK/fake"

timeout 1800 "$WORK/fake" --port 0 --token "$TOKEN" --keys 2000 > "$WORK/fake.out" 2> "$WORK/fake.err" &
FAKE_PID=$!
URL=
for _ in $(seq 100); do
  URL=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$WORK/fake.out")
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { echo "fake-ngrok-ai did not start" >&2; cat "$WORK/fake.err" >&2; exit 1; }
export AI_GATEWAY_API_KEY=$TOKEN

# run NAME BINARY MODE [COUNT]: one bulk run; prints "NAME MODE req_per_s cpu_seconds".
run() {
  local count=${4:-$COUNT}
  /usr/bin/time -f "%U %S" -o "$WORK/time" "$2" --base-url "$URL" "$BENCH/luagate_bench.lua" "$3" "$count" 16 > "$WORK/out"
  python3 - "$1" "$3" "$count" "$WORK/out" "$WORK/time" <<'PY'
import re, sys
name, mode, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
result = open(sys.argv[4]).read()
seconds = float(re.search(r"seconds=([0-9.]+)", result).group(1))
user, system = map(float, open(sys.argv[5]).read().split()[-2:])
print(name, mode if count else "setup", "%.0f" % (count / seconds if count else 0), "%.3f" % (user + system))
PY
}
: > "$WORK/rows"
for round in 1 2 3; do   # alternate, so drift on a shared machine hits both alike
  for who in this other; do
    run "$who" "$WORK/$who" map >> "$WORK/rows"
    run "$who" "$WORK/$who" sequential >> "$WORK/rows"
    run "$who" "$WORK/$who" map 0 >> "$WORK/rows"   # start-up and listing only, subtracted below
  done
done
hyperfine -N --warmup 20 --min-runs 200 --export-json "$WORK/start.json" \
  "lua5.4 $BENCH/hello.lua" "$WORK/this $BENCH/hello.lua" "$WORK/other $BENCH/hello.lua" \
  "lua5.4 -v" "$WORK/this -v" "$WORK/other -v" > /dev/null
python3 - "$WORK/rows" "$WORK/start.json" "$COUNT" <<'PY'
import json, statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
count = int(sys.argv[3])
def median(who, mode, column):
    return statistics.median(float(r[column]) for r in rows if r[0] == who and r[1] == mode)
print(f"| {count} PATCHes, median of 3 | this tree | other | this / other |")
print("| --- | --- | --- | --- |")
for mode, label in (("map", "task.map c=16"), ("sequential", "sequential")):
    a, b = median("this", mode, 2), median("other", mode, 2)
    print(f"| {label}: req/s | {a:.0f} | {b:.0f} | {a / b:.2f} |")
    # CPU of the PATCHes alone: the run less the same start-up and listing with no PATCH.
    a, b = ((median(who, mode, 3) - median(who, "setup", 3)) / count * 1e6 for who in ("this", "other"))
    print(f"| {label}: CPU µs per PATCH (user+sys) | {a:.0f} | {b:.0f} | {a / b:.2f} |")
a, b = (median(who, "setup", 3) * 1000 for who in ("this", "other"))
print(f"| start-up and listing 2,000 keys, no PATCH: CPU ms | {a:.0f} | {b:.0f} | {a / b:.2f} |")
lua, this, other, lua_v, this_v, other_v = (r["median"] * 1000 for r in json.load(open(sys.argv[2]))["results"])
print(f"| start-up `hello.lua`, median ms (lua5.4: {lua:.2f}) | {this:.2f} | {other:.2f} | {this / other:.2f} |")
print(f"| start-up `-v`, median ms (lua5.4: {lua_v:.2f}) | {this_v:.2f} | {other_v:.2f} | {this_v / other_v:.2f} |")
PY

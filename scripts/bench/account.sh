#!/usr/bin/env bash
# The benchmark of issue 20 (declarative accounts), run by hand (not part of the test suite):
# an account of 10,000 provider keys, 500 access key configurations and 2,000 access keys
# (scripts/bench/account_gen.py) served by fake-ngrok-ai with 50 ms added latency, then
#   (a) `luagate --plan` of the account as exported (an empty plan): wall time against the lower
#       bound, the longest collection's pages one after another (100 pages × 50 ms = 5 s);
#   (b) `luagate --apply` of the same file with 1,000 provider-key descriptions changed, at
#       --concurrency 16: changes per second of the apply phase against 16 × 20 = 320;
#   (c) the plan's peak RSS (/usr/bin/time).
# Also times luagate listing the three collections at once (account_list.lua): the reads the plan
# cannot beat. Before `--plan` exists, only that and the set-up run. Prints markdown tables.
#   scripts/bench/account.sh   # env: BENCH_PROVIDER_KEYS=10000 BENCH_CONFIGURATIONS=500 BENCH_ACCESS_KEYS=2000
#                              #      BENCH_LATENCY_MS=50 BENCH_CHANGES=1000 BENCH_CONCURRENCY=16 BENCH_RUNS=3
#                              #      BENCH_OUT=FILE BENCH_SKIP_BUILD=1 (use the release binaries as they are)
#                              #      BENCH_SLOW_FACTOR=10 (a plan slower than this × the bound is not repeated)
#                              #      BENCH_PLAN_TIMEOUT=900 (seconds, per luagate run)
#                              #      BENCH_KEEP=DIR (keep the generated files, logs, journals, plans there)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/ensure-packages.sh

PROVIDER_KEYS=${BENCH_PROVIDER_KEYS:-10000}
CONFIGURATIONS=${BENCH_CONFIGURATIONS:-500}
ACCESS_KEYS=${BENCH_ACCESS_KEYS:-2000}
LATENCY_MS=${BENCH_LATENCY_MS:-50}
CHANGES=${BENCH_CHANGES:-1000}
CONCURRENCY=${BENCH_CONCURRENCY:-16}
RUNS=${BENCH_RUNS:-3}
SLOW_FACTOR=${BENCH_SLOW_FACTOR:-10}
PLAN_TIMEOUT=${BENCH_PLAN_TIMEOUT:-900}
PAGE=100 # the largest list page (Catalogue.pageSize), the one the plan asks for
STACK=bench
TOKEN=bench-token
BENCH=scripts/bench
LUAGATE=.build/release/luagate
FAKE=.build/release/fake-ngrok-ai
OUT=${BENCH_OUT:-/tmp/luagate-account-bench.txt}

ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" python3 time

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  echo "==> building release binaries" >&2
  swift build -c release --static-swift-stdlib --product luagate >&2
  swift build -c release --static-swift-stdlib --product fake-ngrok-ai >&2
fi

WORK=$(mktemp -d)
FAKE_PID=
stop_fake() {
  if [ -n "$FAKE_PID" ]; then kill "$FAKE_PID" 2>/dev/null || true; wait "$FAKE_PID" 2>/dev/null || true; fi
  FAKE_PID=
}
finish() {
  stop_fake
  if [ -n "${BENCH_KEEP:-}" ]; then mkdir -p "$BENCH_KEEP" && cp -r "$WORK"/. "$BENCH_KEEP"/; fi
  rm -rf "$WORK"
}
trap finish EXIT
trap 'exit 130' INT TERM
# Private copies: a build running meanwhile cannot swap the binaries under the benchmark.
cp "$LUAGATE" "$WORK/luagate"; cp "$FAKE" "$WORK/fake-ngrok-ai"
# The tree the binaries were taken from (built from it unless BENCH_SKIP_BUILD named older ones).
TREE="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' with uncommitted changes')"
[ -z "${BENCH_SKIP_BUILD:-}" ] || TREE="$TREE (BENCH_SKIP_BUILD: binaries as found, built $(date -u -r "$LUAGATE" +%H:%M) UTC)"
LUAGATE=$WORK/luagate FAKE=$WORK/fake-ngrok-ai
: > "$WORK/results.txt"
record() { echo "$*" | tee -a "$WORK/results.txt" >&2; }

# The account: the sandbox's model catalogue (so the fake serves the built-in providers), then
# the generated records.
echo "==> generating the account" >&2
"$LUAGATE" --sandbox --snapshot "$WORK/sample.json" > /dev/null 2>&1
python3 "$BENCH/account_gen.py" "$WORK" --provider-keys "$PROVIDER_KEYS" --configurations "$CONFIGURATIONS" \
  --access-keys "$ACCESS_KEYS" --stack "$STACK" --models-from "$WORK/sample.json"
record "$(cat "$WORK/counts.txt")"
LONGEST=$(( (PROVIDER_KEYS > ACCESS_KEYS ? (PROVIDER_KEYS > CONFIGURATIONS ? PROVIDER_KEYS : CONFIGURATIONS) \
  : (ACCESS_KEYS > CONFIGURATIONS ? ACCESS_KEYS : CONFIGURATIONS)) ))
PAGES=$(( (LONGEST + PAGE - 1) / PAGE ))
BOUND=$(python3 -c "print($PAGES * $LATENCY_MS / 1000)")
record "SETUP latency_ms=$LATENCY_MS page=$PAGE pages=$PAGES bound_s=$BOUND changes=$CHANGES concurrency=$CONCURRENCY"

# start_fake: a fresh server with the generated account; sets URL.
start_fake() {
  timeout 3600 "$FAKE" --host 127.0.0.1 --port 0 --token "$TOKEN" --data "$WORK/snapshot.json" \
    --latency-ms "$LATENCY_MS" > "$WORK/fake.out" 2> "$WORK/fake.err" &
  FAKE_PID=$!
  URL=
  for _ in $(seq 600); do
    URL=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$WORK/fake.out")
    [ -n "$URL" ] && return 0
    kill -0 "$FAKE_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "fake-ngrok-ai did not start:" >&2; cat "$WORK/fake.err" >&2; exit 1
}
export AI_GATEWAY_API_KEY=$TOKEN

# timed NAME COMMAND...: runs a luagate command under /usr/bin/time; leaves its wall seconds,
# peak RSS (kB) and exit status in SECONDS_, RSS_ and STATUS_, its output in $WORK/NAME.{out,err}.
timed() {
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  set +e
  /usr/bin/time -f "%M" -o "$WORK/$name.rss" timeout "$PLAN_TIMEOUT" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
  STATUS_=$?
  set -e
  end=$(date +%s.%N)
  SECONDS_=$(python3 -c "print('%.4f' % ($end - $start))")
  RSS_=$(tail -1 "$WORK/$name.rss")
  [[ "$RSS_" =~ ^[0-9]+$ ]] || RSS_=0
}

# plan_changes NAME: the number of changes the text plan in $WORK/NAME.out announces.
plan_changes() {
  python3 - "$WORK/$1.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
if text.startswith("No changes"):
    print(0)
else:
    first = text.splitlines()[0] if text else ""
    counts = re.findall(r"(\d+) to (?:create|update|delete)", first)
    print(sum(map(int, counts)) if counts else -1)
PY
}

start_fake
echo "==> fake-ngrok-ai on $URL, ${LATENCY_MS} ms added latency" >&2

# The reads the plan cannot beat: luagate listing the three collections at once.
for run in $(seq "$RUNS"); do
  echo "==> list, run $run" >&2
  timed list "$LUAGATE" --base-url "$URL" "$BENCH/account_list.lua"
  if [ "$STATUS_" -ne 0 ]; then echo "the listing failed:" >&2; tail -5 "$WORK/list.err" >&2; exit 1; fi
  lists=$(grep '^LIST collection=all ' "$WORK/list.out" | sed 's/^LIST collection=all //')
  record "LIST run=$run seconds=$SECONDS_ rss_kb=$RSS_ $lists"
  grep '^LIST collection=' "$WORK/list.out" | grep -v 'collection=all' >&2
done

HELP=$("$LUAGATE" --help 2>&1 || true)
if [[ "$HELP" != *"--plan"* ]]; then
  echo "==> this luagate has no --plan yet: only the listing was measured" >&2
else
  # The account file: luagate's own export (the round trip promises an empty plan), or the
  # generated file when the export fails.
  echo "==> export" >&2
  timed export "$LUAGATE" --base-url "$URL" --export "$WORK/export.lua" \
    --collections providerKeys,accessKeyConfigurations,accessKeys --stack "$STACK"
  record "EXPORT seconds=$SECONDS_ rss_kb=$RSS_ status=$STATUS_"
  BASE=$WORK/export.lua BASE_KIND=export
  if [ "$STATUS_" -ne 0 ] || [ ! -s "$WORK/export.lua" ]; then
    echo "the export failed (the generated account file is planned instead):" >&2; tail -5 "$WORK/export.err" >&2
    BASE=$WORK/account.lua BASE_KIND=generated
  fi

  # (a), (c): the plan of the unchanged account. A run slower than BENCH_SLOW_FACTOR × the lower
  # bound ends the repeats of that file (one such run is the finding; repeating it takes long).
  slow() { python3 -c "import sys; sys.exit(0 if $1 > $SLOW_FACTOR * $BOUND else 1)"; }
  SLOWED=
  for run in $(seq "$RUNS"); do
    echo "==> plan ($BASE_KIND file), run $run" >&2
    timed plan "$LUAGATE" --base-url "$URL" --plan "$BASE" --detailed-exitcode
    record "PLAN run=$run file=$BASE_KIND seconds=$SECONDS_ rss_kb=$RSS_ status=$STATUS_ changes=$(plan_changes plan)"
    [ "$STATUS_" -le 2 ] || { tail -5 "$WORK/plan.err" >&2; }
    if slow "$SECONDS_"; then SLOWED=1; echo "==> over ${SLOW_FACTOR}× the lower bound: no more runs of it" >&2; break; fi
  done
  if [ "$BASE_KIND" = export ] && [ -z "$SLOWED" ]; then
    echo "==> plan (generated file)" >&2
    timed plan-generated "$LUAGATE" --base-url "$URL" --plan "$WORK/account.lua" --detailed-exitcode
    record "PLAN run=1 file=generated seconds=$SECONDS_ rss_kb=$RSS_ status=$STATUS_ changes=$(plan_changes plan-generated)"
  fi
  # The same file loaded by a wrapper (account_variant.lua, nothing changed): the plan sees the
  # same records but not the file's text, which isolates what the plan does with the text.
  export BENCH_ACCOUNT_BASE=$BASE
  VARIANT=$BENCH/account_variant.lua
  for run in $(seq "$RUNS"); do
    echo "==> plan ($BASE_KIND file through a wrapper), run $run" >&2
    BENCH_ACCOUNT_CHANGES=0 timed plan-wrapped "$LUAGATE" --base-url "$URL" --plan "$VARIANT" --detailed-exitcode
    record "PLAN run=$run file=wrapped seconds=$SECONDS_ rss_kb=$RSS_ status=$STATUS_ changes=$(plan_changes plan-wrapped)"
  done
  # Where the plan's time goes: the requests of one run with --verbose, by collection.
  BENCH_ACCOUNT_CHANGES=0 timed plan-verbose "$LUAGATE" --base-url "$URL" --verbose --plan "$VARIANT" --detailed-exitcode
  python3 - "$WORK/plan-verbose.err" "$SECONDS_" <<'PY' | while read -r line; do record "$line"; done
import re, sys
by = {}
for line in open(sys.argv[1]):
    m = re.search(r"duration_ms=([\d.]+) method=GET path=/([^?\s]+)", line)
    if m:
        by.setdefault(m.group(2), []).append(float(m.group(1)))
for path, ms in sorted(by.items(), key=lambda kv: -sum(kv[1])):
    print("PAGES path=%s requests=%d sum_s=%.4f mean_ms=%.2f max_ms=%.2f run_s=%s" % (
        path, len(ms), sum(ms) / 1000, sum(ms) / len(ms), max(ms), sys.argv[2]))
PY

  # (b): 1,000 updates, each apply on a fresh account.
  export BENCH_ACCOUNT_CHANGES=$CHANGES
  timed plan-variant "$LUAGATE" --base-url "$URL" --plan "$VARIANT" --detailed-exitcode
  record "PLAN run=1 file=changed seconds=$SECONDS_ rss_kb=$RSS_ status=$STATUS_ changes=$(plan_changes plan-variant)"
  for run in $(seq "$RUNS"); do
    stop_fake; start_fake
    echo "==> apply $CHANGES updates at --concurrency $CONCURRENCY, run $run" >&2
    rm -f "$WORK/journal.jsonl" "$WORK/report.json"
    timed apply "$LUAGATE" --base-url "$URL" --apply "$VARIANT" --concurrency "$CONCURRENCY" \
      --max-in-flight "$CONCURRENCY" --journal "$WORK/journal.jsonl" --report "$WORK/report.json"
    apply_status=$STATUS_ apply_seconds=$SECONDS_ apply_rss=$RSS_
    cp "$WORK/journal.jsonl" "$WORK/journal-$run.jsonl" 2>/dev/null || true
    # The apply phase, from the journal: the first change started to the last one's outcome.
    phase=$(python3 - "$WORK/journal.jsonl" "$WORK/report.json" <<'PY'
import json, sys
from datetime import datetime
def when(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
starts, ends, done, failed = [], [], 0, 0
try:
    for line in open(sys.argv[1]):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if "time" not in entry:
            continue
        status = entry.get("status")
        if status == "started":
            starts.append(when(entry["time"]))
        elif status:
            ends.append(when(entry["time"]))
            done += status == "ok"
            failed += status != "ok"
except OSError:
    pass
reads = mutations = "?"
try:
    report = json.load(open(sys.argv[2]))
    reads = report.get("reads", "?")
    m = report.get("mutations", {})
    mutations = sum(m.values()) if isinstance(m, dict) else m
except (OSError, ValueError):
    pass
phase = max(ends) - min(starts) if starts and ends else float("nan")
print("phase_s=%.4f done=%d failed=%d reads=%s mutations=%s" % (phase, done, failed, reads, mutations))
PY
)
    converged=-
    if [ "$run" -eq 1 ]; then
      timed plan-after "$LUAGATE" --base-url "$URL" --plan "$VARIANT" --detailed-exitcode
      converged=$(plan_changes plan-after)
    fi
    record "APPLY run=$run seconds=$apply_seconds rss_kb=$apply_rss status=$apply_status $phase changes_after=$converged"
    [ "$apply_status" -eq 0 ] || { tail -5 "$WORK/apply.err" >&2; }
  done
fi
stop_fake

cp "$WORK/results.txt" "$OUT"
echo
echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
  "$(awk '/MemTotal/ {printf "%.0f GB RAM", $2 / 1048576}' /proc/meminfo), $(uname -sr); $(date -u +%Y-%m-%d)"
echo "luagate from git $TREE;" \
  "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 "$BENCH/account_table.py" "$OUT"
echo
echo "(raw results: $OUT)"

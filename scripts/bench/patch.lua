-- wrk script for scripts/bench/run.sh: PATCH /provider-keys/{id} with the bearer
-- token, cycling over the ids in the file $BENCH_IDS (or a fixed small set).
--   BENCH_TOKEN=T BENCH_IDS=ids.txt wrk -t2 -c16 -d5s --latency -s patch.lua URL
-- Prints the same RESULT line as the other clients (latencies as wrk measured them).
local token = os.getenv("BENCH_TOKEN") or "fake-token"
local ids, next_id = {}, 0

local file = io.open(os.getenv("BENCH_IDS") or "", "r")
if file then
  for line in file:lines() do
    if line ~= "" then ids[#ids + 1] = line end
  end
  file:close()
end
if #ids == 0 then ids = { "aigpk_1", "aigpk_2", "aigpk_3" } end

wrk.method = "PATCH"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"wrk"}'

function init(args)
  next_id = math.random(#ids) - 1 -- the two wrk threads start at different ids
end

function request()
  next_id = next_id % #ids + 1
  return wrk.format(nil, "/provider-keys/" .. ids[next_id])
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(("RESULT count=%d seconds=%.4f p50_ms=%.3f p99_ms=%.3f errors=%d\n"):format(
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, errors))
end

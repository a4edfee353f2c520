-- luagate client for scripts/bench/run.sh: lists the key ids once, then sends
-- `count` PATCH updates, timing each with task.now().
--   luagate --base-url URL luagate_bench.lua sequential|map [count] [concurrency]
-- Prints one line: RESULT count=N seconds=S p50_ms=X p99_ms=Y errors=0
local mode = arg[1] or "sequential"
local count = math.tointeger(tonumber(arg[2] or "2000"))
local concurrency = math.tointeger(tonumber(arg[3] or "16"))
assert(mode == "sequential" or mode == "map", "mode must be sequential or map")

local ids = {}
for _, key in ipairs(providerKeys.list { limit = 100 }) do ids[#ids + 1] = key.id end
assert(#ids > 0, "the server has no keys")

local latencies = {}
local function update(i)
  local id = ids[(i - 1) % #ids + 1]
  local t0 = task.now()
  providerKeys.update(id, { name = "luagate-" .. i })
  latencies[i] = task.now() - t0
end

local start = task.now()
if mode == "sequential" then
  for i = 1, count do update(i) end
else
  local items = {}
  for i = 1, count do items[i] = i end
  task.map(items, update, { concurrency = concurrency })
end
local seconds = task.now() - start

table.sort(latencies)
local function percentile(p)
  if #latencies == 0 then return 0 end -- count 0: start-up and the listing only (run.sh subtracts it)
  return latencies[math.max(1, math.ceil(p * #latencies))] * 1000
end
print(("RESULT count=%d seconds=%.4f p50_ms=%.3f p99_ms=%.3f errors=0"):format(
  #latencies, seconds, percentile(0.50), percentile(0.99)))

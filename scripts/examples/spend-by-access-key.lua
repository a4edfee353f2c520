-- Spend per access key over the last N days (default 30), from the usage overview: cost in
-- US dollars, requests and errors, most expensive first.
--   luagate --sandbox scripts/examples/spend-by-access-key.lua [days]
local time = require "luagate.time"

local days = tonumber(arg and arg[1]) or 30
local overview = usage.overview{startTime = time.days_ago(days), groupBy = "accessKey"}

local names = {}
for key in accessKeys.iter() do names[key.id] = key.name or "(no name)" end

local totals, rows = {}, {}
for _, bucket in ipairs(overview.buckets) do
  local row = totals[bucket.groupKey]
  if not row then
    row = {id = bucket.groupKey, cost = 0, requests = 0, errors = 0}
    totals[bucket.groupKey] = row
    rows[#rows + 1] = row
  end
  row.cost = row.cost + tonumber(bucket.cost)
  row.requests = row.requests + bucket.requests
  row.errors = row.errors + bucket.errors
end
table.sort(rows, function(a, b) return a.cost > b.cost end)

print(("Spend by access key, last %d days (since %s):"):format(days, time.format(time.days_ago(days))))
print(("  %-22s %-34s %10s %9s %7s"):format("NAME", "ACCESS KEY", "COST $", "REQUESTS", "ERRORS"))
for _, row in ipairs(rows) do
  print(("  %-22s %-34s %10.2f %9d %7d")
    :format(names[row.id] or "(deleted)", row.id, row.cost, row.requests, row.errors))
end
print(("  %-22s %-34s %10.2f %9d %7d"):format("total", "", tonumber(overview.totals.cost), overview.totals.requests,
  overview.totals.errors))

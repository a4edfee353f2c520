-- The reference reads of scripts/bench/account.sh: lists the collections an account plan reads,
-- all at once (a task each, pages in order within each), as the plan should, and times them.
--   luagate --base-url URL account_list.lua [collection ...]   (default: the benchmark's three)
-- Prints one LIST line per collection and one for the whole:
--   LIST collection=providerKeys count=N pages=P seconds=S
--   LIST collection=all count=N pages=P seconds=S
local names = #arg > 0 and arg or { "providerKeys", "accessKeyConfigurations", "accessKeys" }
local PAGE = 100 -- the largest page the API serves (Catalogue.pageSize)

local results = {}
local start = task.now()
task.map(names, function(name, i)
  local t0 = task.now()
  local records = _G[name].list { limit = PAGE }
  results[i] = { name = name, count = #records, seconds = task.now() - t0 }
end, { concurrency = #names })
local seconds = task.now() - start

local total, longest = 0, 0
for _, r in ipairs(results) do
  local pages = math.max(1, (r.count + PAGE - 1) // PAGE)
  total, longest = total + r.count, math.max(longest, pages)
  print(("LIST collection=%s count=%d pages=%d seconds=%.4f"):format(r.name, r.count, pages, r.seconds))
end
print(("LIST collection=all count=%d pages=%d seconds=%.4f"):format(total, longest, seconds))

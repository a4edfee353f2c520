-- Bulk rename as a reviewable plan: "<provider>-prod-NN" keys become "prod-<provider>-NN".
-- The plan is shown (old → new, with no-ops and conflicts marked), checked as a whole,
-- then applied; a plan with any problem is refused before a single request is sent.
--   luagate --sandbox scripts/examples/rename-example.lua            # shows and applies
--   luagate --sandbox scripts/examples/rename-example.lua conflict   # one clashing rename: refused
local rename = require "luagate.rename"

local keys = providerKeys.list()
local plan = rename.plan(keys, { pattern = "^(%a+)%-prod%-(%d+)$", replace = "prod-%1-%2" })

if arg and arg[1] == "conflict" then
  -- A plan is a list of changes: add one giving a key the name another key keeps.
  local planned, unchanged = {}, {}
  for _, change in ipairs(plan) do planned[change.id] = true end
  for _, key in ipairs(keys) do
    if not planned[key.id] then unchanged[#unchanged + 1] = key end
  end
  local key, other = unchanged[1], unchanged[2]
  plan[#plan + 1] = { id = key.id, before = { name = key.name }, after = { name = other.name } }
end

plan:show()
local report = plan:apply { on_error = "abort" }
if report.dry_run then -- luagate --dry-run: nothing was sent
  print(("would rename %d keys, %d unchanged, %d failed"):format(report.would_update, report.unchanged, #report.failed))
else
  print(("renamed %d keys, %d unchanged, %d failed"):format(report.updated, report.unchanged, #report.failed))
end

-- Access keys and API keys nobody has used for N days (default 90): never used, or last
-- used before the cut-off. Candidates for deletion; nothing is changed.
--   luagate --sandbox scripts/examples/unused-access-keys.lua [days]
local time = require "luagate.time"

local days = tonumber(arg and arg[1]) or 90
local cutoff = time.days_ago(days)

local found = {}
for _, resource in ipairs{"accessKeys", "apiKeys"} do
  for key in _G[resource].iter() do
    local used = key.lastUsed and time.parse(key.lastUsed)
    if not used or used < cutoff then
      found[#found + 1] = {resource = resource, key = key}
    end
  end
end
table.sort(found, function(a, b) return (a.key.lastUsed or "") < (b.key.lastUsed or "") end)

print(("%d keys unused for %d days:"):format(#found, days))
for _, item in ipairs(found) do
  local name = item.key.name or "(no name)"
  print(("  %-10s %-34s %-22s last used %s"):format(item.resource, item.key.id, name, item.key.lastUsed or "never"))
end

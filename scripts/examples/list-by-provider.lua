-- Lists every provider key, grouped by provider, with a count per provider.
--   luagate --sandbox scripts/examples/list-by-provider.lua
local groups, providers = {}, {}
for key in providerKeys.iter() do
  local group = groups[key.providerId]
  if not group then
    group = {}
    groups[key.providerId] = group
    providers[#providers + 1] = key.providerId
  end
  group[#group + 1] = key
end
table.sort(providers)
for _, provider in ipairs(providers) do
  local keys = groups[provider]
  table.sort(keys, function(a, b) return a.name < b.name end)
  print(string.format("%s (%d)", provider, #keys))
  for _, key in ipairs(keys) do
    print(string.format("  %-28s %-34s %s", key.name, key.id, key.keyRedacted))
  end
end

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

-- Pads to a width in characters (string.format counts bytes, so "É" would count twice).
local function pad(text, width)
  return text .. string.rep(" ", width - (utf8.len(text) or #text))
end

for _, provider in ipairs(providers) do
  local keys = groups[provider]
  table.sort(keys, function(a, b) return a.name < b.name end)
  print(string.format("%s (%d)", provider, #keys))
  for _, key in ipairs(keys) do
    print(string.format("  %s %-34s %s", pad(key.name, 28), key.id, key.keyRedacted))
  end
end

-- Finds keys not used for N days (default 90): never used, or last used before the cut-off.
--   luagate --sandbox scripts/examples/unused-keys.lua [days]

-- Pads to a width in characters (string.format counts bytes, so "É" would count twice).
local function pad(text, width)
  return text .. string.rep(" ", width - (utf8.len(text) or #text))
end

local days = tonumber(arg and arg[1]) or 90

local time = require "luagate.time"

local cutoff = os.time() - days * 86400
local unused = {}
for key in providerKeys.iter() do
  local used = key.lastUsed and time.parse(key.lastUsed)
  if not used or used < cutoff then unused[#unused + 1] = key end
end
table.sort(unused, function(a, b) return (a.lastUsed or "") < (b.lastUsed or "") end)
print(string.format("%d keys unused for %d days:", #unused, days))
for _, key in ipairs(unused) do
  print(string.format("  %s %-10s last used %s", pad(key.name, 28), key.providerId, key.lastUsed or "never"))
end

-- Finds keys not used for N days (default 90): never used, or last used before the cut-off.
--   luagate --sandbox scripts/examples/unused-keys.lua [days]

-- Pads to a width in characters (string.format counts bytes, so "É" would count twice).
local function pad(text, width)
  return text .. string.rep(" ", width - (utf8.len(text) or #text))
end

local days = tonumber(arg and arg[1]) or 90

-- RFC 3339 timestamp ("2026-08-01T12:00:00Z", fractions allowed) to seconds since the epoch, UTC.
local function epoch(timestamp)
  local y, m, d, H, M, S = timestamp:match("^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)")
  if not y then return nil end
  -- Days from civil date (Howard Hinnant's algorithm), so no time-zone library is needed.
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return (era * 146097 + doe - 719468) * 86400 + tonumber(H) * 3600 + tonumber(M) * 60 + tonumber(S)
end

local cutoff = os.time() - days * 86400
local unused = {}
for key in providerKeys.iter() do
  local used = key.lastUsed and epoch(key.lastUsed)
  if not used or used < cutoff then unused[#unused + 1] = key end
end
table.sort(unused, function(a, b) return (a.lastUsed or "") < (b.lastUsed or "") end)
print(string.format("%d keys unused for %d days:", #unused, days))
for _, key in ipairs(unused) do
  print(string.format("  %s %-10s last used %s", pad(key.name, 28), key.providerId, key.lastUsed or "never"))
end

-- luagate.time: RFC 3339 timestamps (as the API writes them) and Unix times (as os.time()
-- gives them), both ways, in UTC, without a time-zone library.
local M = {}

-- Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

--- seconds = time.parse(text): the Unix time of an RFC 3339 timestamp
--- ("2026-08-01T12:00:00Z", "…00.250Z", "…00+02:00"), or nil and why not.
function M.parse(text)
  if type(text) ~= "string" then return nil, "not a string" end
  local y, mo, d, h, mi, s, rest = text:match("^(%d%d%d%d)-(%d%d)-(%d%d)[Tt ](%d%d):(%d%d):(%d%d)(.*)$")
  if not y then return nil, "not an RFC 3339 timestamp" end
  local fraction, zone = rest:match("^(%.?%d*)(.*)$")
  local offset = 0
  if zone ~= "Z" and zone ~= "z" then
    local sign, zh, zm = zone:match("^([+-])(%d%d):(%d%d)$")
    if not sign then return nil, "not an RFC 3339 timestamp" end
    offset = (tonumber(zh) * 3600 + tonumber(zm) * 60) * (sign == "+" and 1 or -1)
  end
  local seconds = days_from_civil(tonumber(y), tonumber(mo), tonumber(d)) * 86400
    + tonumber(h) * 3600 + tonumber(mi) * 60 + tonumber(s) - offset
  if fraction ~= "" and fraction ~= "." then seconds = seconds + tonumber("0" .. fraction) end
  return seconds
end

--- text = time.format(seconds): a Unix time as the API writes it ("2026-08-01T12:00:00Z").
function M.format(seconds)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(seconds))
end

--- seconds = time.days_ago(n): the Unix time n days before now.
function M.days_ago(n) return os.time() - n * 86400 end

return M

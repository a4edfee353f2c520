---@meta luagate.time
-- Written by `luagate --types DIR` from the module's doc comments.

---@class luagate.time
local time = {}

--- seconds = time.days_ago(n): the Unix time n days before now.
function time.days_ago(n) end

--- text = time.format(seconds): a Unix time as the API writes it ("2026-08-01T12:00:00Z").
function time.format(seconds) end

--- seconds = time.parse(text): the Unix time of an RFC 3339 timestamp
--- ("2026-08-01T12:00:00Z", "…00.250Z", "…00+02:00"), or nil and why not.
function time.parse(text) end

return time

---@meta luagate.job
-- Written by `luagate --types DIR` from the module's doc comments.

---@class luagate.job
local job = {}

---@type any
job.dry_run = nil

function job.reserve(...) end

return job

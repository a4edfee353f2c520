---@meta luagate.template
-- Written by `luagate --types DIR` from the module's doc comments.

---@class luagate.template
local template = {}

function template.render(...) end

return template

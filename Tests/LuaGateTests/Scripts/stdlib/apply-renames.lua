-- Renames every key to "<name>-renamed" (or arg[1] characters of "é" when given a
-- number) with plan:apply{concurrency = arg[2], on_error = arg[3]}, printing the report.
local rename = require "luagate.rename"
local keys = providerKeys.list()
table.sort(keys, function(a, b) return a.name < b.name end)
local long = tonumber(arg[1] or "")
local plan = rename.plan(keys, function(key) return long and ("é"):rep(long) .. key.name or key.name .. "-renamed" end,
  { allow_duplicates = long ~= nil })
local report = plan:apply { concurrency = tonumber(arg[2] or "1"), on_error = arg[3] or "continue" }
print(("updated=%d unchanged=%d failed=%d skipped=%d"):format(report.updated, report.unchanged, #report.failed, report.skipped))
for _, failure in ipairs(report.failed) do print("failed", failure.id, failure.error.status) end

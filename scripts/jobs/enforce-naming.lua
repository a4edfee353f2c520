-- Nightly job: every key's name starts with its provider ("openai-…").
-- Keys that don't get the provider prefixed; nothing else changes.
--   luagate --lock /run/lock/luagate-naming.lock --journal naming.jsonl --max-changes 50 \
--     scripts/jobs/enforce-naming.lua
local keys = providerKeys.list()
local changes = {}
for _, key in ipairs(keys) do
  local prefix = key.providerId .. "-"
  if key.name:sub(1, #prefix) ~= prefix then
    changes[#changes + 1] = { id = key.id, name = prefix .. key.name:lower():gsub("[^%w]+", "-") }
  end
end
print(("%d of %d keys need the provider prefix"):format(#changes, #keys))

-- All or nothing against the change budget: refuse before the first update.
local job = require "luagate.job"
job.reserve(#changes)

local _, errors = task.map(changes, function(change)
  return providerKeys.update(change.id, { name = change.name }).name
end, { errors = "collect" })
local failed = 0
for i in pairs(errors) do
  failed = failed + 1
  io.stderr:write(("failed: %s: %s\n"):format(changes[i].id, tostring(errors[i])))
end
print(("%d renamed, %d failed"):format(#changes - failed, failed))

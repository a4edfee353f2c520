-- Nightly job: stamps `reviewed` (today's date) and a default `owner` into every
-- key's JSON metadata; keys whose metadata is not a JSON object are reported and skipped.
--   luagate --lock /run/lock/luagate-metadata.lock --journal metadata.jsonl scripts/jobs/refresh-metadata.lua [owner]
local owner = arg and arg[1] or "platform-team@example.com"
local today = os.date("!%Y-%m-%d")

local changes, skipped = {}, 0
for key in providerKeys.iter() do
  local ok, meta = pcall(json.decode, key.metadata or "{}")
  if not ok or type(meta) ~= "table" then
    skipped = skipped + 1
    io.stderr:write(("skipped %s: metadata is not a JSON object\n"):format(key.id))
  elseif meta.reviewed ~= today or meta.owner == nil then
    meta.reviewed = today
    meta.owner = meta.owner or owner
    changes[#changes + 1] = { id = key.id, metadata = json.encode(meta) }
  end
end

local job = require "luagate.job"
job.reserve(#changes)
local _, errors = task.map(changes, function(change)
  return providerKeys.update(change.id, { metadata = change.metadata })
end, { errors = "collect" })
local failed = 0
for i in pairs(errors) do
  failed = failed + 1
  io.stderr:write(("failed: %s: %s\n"):format(changes[i].id, tostring(errors[i])))
end
-- Under --dry-run nothing was sent: say what would have been.
print(("%s%d %s, %d skipped, %d failed"):format(job.dry_run and "dry run, nothing sent: " or "",
  #changes - failed, job.dry_run and "would be refreshed" or "refreshed", skipped, failed))

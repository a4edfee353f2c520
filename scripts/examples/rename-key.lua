-- Renames one key, found by its current name, and shows the record before and after.
--   luagate --sandbox scripts/examples/rename-key.lua [old-name] [new-name]
local old = arg and arg[1] or "legacy-openai-batch"
local new = arg and arg[2] or "openai-batch"

local found
for key in providerKeys.iter() do
  if key.name == old then found = key break end
end
if not found then
  io.stderr:write("no key named ", old, "\n")
  os.exit(1)
end
print("before:", found)
local ok, err = pcall(providerKeys.update, found.id, { name = new })
if not ok then
  io.stderr:write("rename failed: ", tostring(err), "\n")
  os.exit(err.status == 404 and 2 or 1)
end
local after = providerKeys.get(found.id)
print("after: ", after)
print("updated", after.updatedAt, "by", after.lastUpdatedBy.id)

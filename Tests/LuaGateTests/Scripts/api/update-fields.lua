local id = arg[1]
local key = providerKeys.update(id, { name = "openai-prod", description = json.null, metadata = '{"team":"ml"}' })
for _, field in ipairs { "name", "providerId", "keyRedacted", "updatedAt", "description", "metadata" } do
  print(field, key[field])
end
print("createdBy.id", key.createdBy.id)
print("lastUpdatedBy.id", key.lastUpdatedBy.id)
print("tostring", tostring(key))

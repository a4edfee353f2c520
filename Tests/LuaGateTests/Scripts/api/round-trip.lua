-- create → get → update → rotate → delete; the secret values come in as arguments.
local secret, rotated = arg[1], arg[2]
local k = providerKeys.create { providerId = "openai", name = "new-key", value = secret,
                                description = "desc", metadata = '{"a":1}' }
print("created", k.providerId, k.name, k.keyRedacted, k.description, k.metadata, k.value)
local g = providerKeys.get(k.id)
print("got", g.id == k.id and g.name == "new-key")
local u = providerKeys.update(k.id, { name = "renamed", description = json.null })
print("updated", u.name, u.description, u.updatedAt >= k.updatedAt)
local r = providerKeys.rotate(k.id, { value = rotated, name = "rotated-name" })
print("rotated", r.name, r.keyRedacted)
print("deleted", providerKeys.delete(k.id))
local ok, e = pcall(providerKeys.get, k.id)
print("get after delete", e.status, e.operation)
ok, e = pcall(providerKeys.delete, k.id)
print("delete after delete", e.status, e.operation)

-- Which access key configurations route to a provider key: before rotating or deleting a
-- key, see whose traffic it serves. Without an id, the first key any configuration uses.
--   luagate --sandbox scripts/examples/who-routes-to.lua [provider-key-id]
local configurations = accessKeyConfigurations.list()

local wanted = arg and arg[1]
if not wanted then
  for _, c in ipairs(configurations) do
    for _, rule in ipairs(c.router and c.router.rules or {}) do
      for _, step in ipairs(rule.steps) do
        for _, key in ipairs(step.keys or {}) do wanted = wanted or key.id end
      end
    end
  end
end
if not wanted then
  print("no configuration routes to a provider key")
  return
end

local key = providerKeys.get(wanted)
print(("%s routes:"):format(tostring(key)))
local count = 0
for _, c in ipairs(configurations) do
  for r, rule in ipairs(c.router and c.router.rules or {}) do
    for s, step in ipairs(rule.steps) do
      for position, k in ipairs(step.keys or {}) do
        if k.id == wanted then
          count = count + 1
          local scope = rule.model and ("model " .. rule.model) or ("provider " .. tostring(rule.provider))
          print(("  %-16s rule %d (%s), step %d, key %d of %d"):format(c.name, r, scope, s, position, #step.keys))
        end
      end
    end
  end
end
print(count == 0 and "  (no configuration)" or ("%d route%s"):format(count, count == 1 and "" or "s"))

-- Tags every key's metadata from Mustache templates, as reviewable plans.
-- Keys with JSON metadata (or none) get the rendered tags merged in, every other field
-- kept. A merge never overwrites free-text metadata (it would be refused), so those keys
-- get a second plan: JSON that keeps their text under "note" (the template escapes it).
--   luagate --sandbox scripts/examples/metadata-template.lua [owner]
local metadata = require "luagate.metadata"

local vars = { owner = arg and arg[1] or "platform-team@example.com", tool = "luagate" }

local keys = providerKeys.list()
table.sort(keys, function(a, b) return a.id < b.id end) -- {{index}} in a stable order
local json_keys, text_keys = {}, {}
for _, key in ipairs(keys) do
  table.insert(metadata.decode(key) and json_keys or text_keys, key)
end

print("== keys with JSON metadata: merge the tags")
metadata.apply(json_keys, {
  merge = '{"managed-by": "{{tool}}", "owner": "{{owner}}", "slot": "{{providerId}}-{{index}}"}',
  vars = vars, pad = 2,
})

print("== keys with free-text metadata: JSON keeping the text")
metadata.apply(text_keys, {
  template = '{"managed-by": "{{tool}}", "owner": "{{owner}}", "note": "{{metadata}}"}',
  vars = vars,
})

local tagged = 0
for key in providerKeys.iter() do
  local meta = metadata.decode(key)
  if meta and meta["managed-by"] == vars.tool and meta.owner == vars.owner then tagged = tagged + 1 end
end
print(("%d of %d keys tagged"):format(tagged, #keys))

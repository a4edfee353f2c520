-- Sets "owner" in the JSON metadata of every key of one provider, keeping the other
-- metadata fields; keys whose metadata is not JSON are reported and left alone.
--   luagate --sandbox scripts/examples/tag-owner.lua [provider] [owner]

-- Pads to a width in characters (string.format counts bytes, so "É" would count twice).
local function pad(text, width)
  return text .. string.rep(" ", width - (utf8.len(text) or #text))
end

local provider = arg and arg[1] or "openai"
local owner = arg and arg[2] or "platform-team@example.com"

local changed, skipped = 0, 0
for key in providerKeys.iter { provider = provider } do
  local ok, meta = pcall(json.decode, key.metadata or "{}")
  if not ok or type(meta) ~= "table" then
    skipped = skipped + 1
    print(string.format("skip %s metadata is not a JSON object: %s", pad(key.name, 28), key.metadata))
  elseif meta.owner ~= owner then
    meta.owner = owner
    local updated = providerKeys.update(key.id, { metadata = json.encode(meta) })
    changed = changed + 1
    print(string.format("tag  %s %s", pad(updated.name, 28), updated.metadata))
  end
end
print(string.format("%d keys tagged, %d skipped", changed, skipped))

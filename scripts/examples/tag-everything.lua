-- One plan that sets an `owner` (and optionally `costCenter`) in the metadata of every
-- record that has metadata: provider keys, access keys, their configurations, API keys,
-- custom providers and the gateway configuration. Records already tagged are no-ops.
-- Try it with --dry-run first:
--   luagate --sandbox --dry-run scripts/examples/tag-everything.lua [owner] [cost-center]
local metadata = require "luagate.metadata"

local owner = arg and arg[1] or "platform@example.com"
local cost_center = arg and arg[2]

local records = {}
for _, resource in ipairs{"providerKeys", "accessKeys", "accessKeyConfigurations", "apiKeys", "providers"} do
  for record in _G[resource].iter() do records[#records + 1] = record end
end
records[#records + 1] = gatewayConfig.get()

-- Metadata that is not a JSON object is refused (shown, not sent) rather than overwritten.
metadata.apply(records, {set = {owner = owner, costCenter = cost_center}})

-- An account file for the sandbox's sample account: the platform team's part of it.
-- Rehearse it (nothing real is touched):
--   OPENAI_PROD_KEY=sk-example luagate --sandbox --plan platform.lua
--   OPENAI_PROD_KEY=sk-example luagate --sandbox --plan platform.lua --plan-format markdown
-- Records this file creates carry its stack's marker; records it names that it did not
-- create ("research", "legacy-openai-batch") are managed but never deleted.
local account = require "luagate.account"

-- Ordinary Lua: one configuration per team, built in a loop.
local teams = { "team-a", "team-b" }
local configurations, accessKeys = {}, {}
for _, team in ipairs(teams) do
  configurations[#configurations + 1] = {
    name = team,
    description = "routes " .. team .. " to OpenAI, production key first",
    access = { providers = { allow = { "openai" } } },
    router = { rules = { {
      provider = "openai",
      steps = { { type = "user", keys = { "openai-prod", "legacy-openai-batch" } }, { type = "ngrok" } },
    } } },
    metadata = { team = team },
  }
  accessKeys[#accessKeys + 1] = {
    name = team .. "-ci",
    accessKeyConfiguration = team,
    tokenFile = (os.getenv("TOKEN_DIR") or "/tmp") .. "/" .. team .. "-ci.token",
  }
end

return account {
  stack = "platform",
  include = { "models.lua" },
  providerKeys = {
    { name = "openai-prod", providerId = "openai", value = account.env "OPENAI_PROD_KEY",
      secretVersion = "1", description = "production OpenAI key", protect = true },
  },
  accessKeyConfigurations = configurations,
  accessKeys = accessKeys,
  gatewayConfig = { perRequestTimeout = "30s", totalTimeout = "2m" },
}

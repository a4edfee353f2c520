-- Onboards a team: a configuration that allows only one provider's models and routes them
-- to that provider's keys, and an access key that uses it. The key's token is returned once,
-- by create: it is written to a file only the owner can read, and never printed.
--   luagate --sandbox scripts/examples/onboard-team.lua [team] [provider] [token-file]
local team = arg and arg[1] or "search"
local provider = arg and arg[2] or "openai"
local token_file = arg and arg[3]

local keys = {}
for key in providerKeys.iter{provider = provider} do keys[#keys + 1] = {id = key.id} end
if #keys == 0 then
  io.stderr:write(("onboard-team: no %s provider keys to route to\n"):format(provider))
  os.exit(1)
end

-- The token file: a new file of mode 0600 (os.tmpname makes one; a given path must not exist).
if token_file then
  local existing = io.open(token_file, "r")
  if existing then
    existing:close()
    io.stderr:write(("onboard-team: %s exists; refusing to overwrite it\n"):format(token_file))
    os.exit(1)
  end
  local quoted = "'" .. token_file:gsub("'", "'\\''") .. "'"
  assert(os.execute("umask 077 && : > " .. quoted), "cannot create " .. token_file)
else
  token_file = os.tmpname()
end

local owner = team .. "@example.com"
local configuration = accessKeyConfigurations.create{
  name = team .. "-" .. provider,
  description = ("%s team: %s models only"):format(team, provider),
  metadata = json.encode{owner = owner, team = team},
  access = {providers = {allow = {provider}}},
  router = {rules = {{provider = provider, steps = {{type = "user", keys = keys, keySelectionStrategy = "ordered"}}}}},
}
local key = accessKeys.create{
  name = team .. "-gateway",
  accessKeyConfigurationId = configuration.id,
  metadata = json.encode{owner = owner, team = team},
}

local file = assert(io.open(token_file, "w"))
file:write(key.token, "\n")
file:close()

print(("configuration %s %q: %s only, %d key%s"):format(configuration.id, configuration.name, provider, #keys,
  #keys == 1 and "" or "s"))
print(("access key    %s %q (%s)"):format(key.id, key.name, key.keyRedacted))
print(("token written to %s (mode 0600): the API will not show it again"):format(token_file))

-- Which provider serves a model cheapest, from the model catalogue's prices: the cost of a
-- request of INPUT prompt and OUTPUT completion tokens (default 1000 and 500) at each
-- provider's per-token rates, cheapest first (active providers before inactive ones), with
-- each provider's status and recent uptime.
-- Without a model, the first model more than one provider serves.
--   luagate --sandbox scripts/examples/cheapest-route.lua [MODEL] [INPUT] [OUTPUT]
local model_id = arg and arg[1]
-- A token count argument: absent gives the default, anything but a whole number >= 0 is refused.
local function tokens(i, default)
  local text = arg and arg[i]
  if text == nil then return default end
  local n = math.tointeger(tonumber(text))
  if not n or n < 0 then
    local name = i == 2 and "INPUT" or "OUTPUT"
    io.stderr:write(("cheapest-route: %s must be a whole number of tokens (got %q)\n"):format(name, text))
    io.stderr:write("usage: cheapest-route.lua [MODEL] [INPUT] [OUTPUT]\n")
    os.exit(2)
  end
  return n
end
local input = tokens(2, 1000)
local output = tokens(3, 500)

local model
if model_id then
  local ok, found = pcall(models.get, model_id)
  if not ok then
    if type(found) ~= "table" or found.status ~= 404 then error(found, 0) end
    local ids = {}
    for _, m in ipairs(models.list()) do ids[#ids + 1] = m.id end
    io.stderr:write(("no model %q in the catalogue (there are: %s)\n"):format(model_id, table.concat(ids, ", ")))
    os.exit(2)
  end
  model = found
else
  for _, m in ipairs(models.list()) do
    if not model and #m.providers > 1 then model = m end
  end
  if not model then
    print("no model has more than one provider")
    return
  end
end

-- The price per token of `kind` (prompt, completion): the rate without conditions (a rate with
-- conditions applies only to some requests, e.g. long prompts or a cache lifetime).
local function per_token(provider, kind)
  for _, rate in ipairs(provider.pricing.rates) do
    if rate.type == kind and rate.unit == "token" and rate.conditions == nil then return tonumber(rate.price) end
  end
end

local rows = {}
for _, p in ipairs(model.providers) do
  local prompt, completion = per_token(p, "prompt"), per_token(p, "completion")
  local cost = prompt and completion and (prompt * input + completion * output) or nil
  local uptime = p.metrics and p.metrics.uptime_last_1d
  rows[#rows + 1] = { provider = p, cost = cost, uptime = uptime }
end
-- Priced and active providers first, then priced inactive ones, then by cost; a provider with
-- no price is listed last (it is not free: its price is unknown).
local function usable(row) return row.cost ~= nil and row.provider.status == "active" end
table.sort(rows, function(a, b)
  if usable(a) ~= usable(b) then return usable(a) end
  if (a.cost == nil) ~= (b.cost == nil) then return a.cost ~= nil end
  if a.cost ~= nil and a.cost ~= b.cost then return a.cost < b.cost end
  return a.provider.id < b.provider.id
end)

print(("%s (%s): %d prompt + %d completion tokens"):format(model.name, model.id, input, output))
for i, row in ipairs(rows) do
  local p = row.provider
  print(("  %d. %-16s %-12s %-9s %s"):format(i, p.id,
    row.cost and ("$%.6f"):format(row.cost) or "no price (listed last)",
    p.status,
    row.uptime and ("%.2f%% up (1d)"):format(row.uptime) or "no recent traffic"))
end
local best = rows[1]
if best and usable(best) then
  print(("cheapest: %s (route it with model %q)"):format(best.provider.id, best.provider.model_id))
end

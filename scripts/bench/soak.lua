-- The soak job (scripts/bench/soak.sh): lists, updates under task.map, creates, deletes,
-- rename plans and access keys, over and over for SECONDS, against a fake that fails some
-- requests. Keeps its own ledger of every change it saw succeed, then checks the account
-- against it: nothing lost, nothing doubled. Prints one JSON line; exits 1 on a violation.
--   luagate scripts/bench/soak.lua SECONDS [HEAPFILE]
-- With HEAPFILE, each iteration writes there the Lua heap in KB (the ledger itself grows, so
-- soak.sh subtracts it from the process's RSS).
local rename = require "luagate.rename"

local seconds = assert(tonumber(arg[1]), "usage: soak.lua SECONDS [HEAPFILE]")
local heapfile = arg[2]
local started = task.now()
local ledger = {
  iterations = 0, lists = 0, updates = 0, creates = 0, deletes = 0, renames = 0, access_keys = 0,
  failed = {}, unknown = 0,
}
local expected = {}     -- name → "present" | "gone" | "unknown" (a create whose outcome is unknown)
local description = {}  -- id → the description last set
local mine = {}         -- iteration → the ids created in it

local function fail(kind, err)
  local code = type(err) == "table" and err.code or "lua"
  ledger.failed[kind .. ":" .. tostring(code)] = (ledger.failed[kind .. ":" .. tostring(code)] or 0) + 1
end

local function unknown_outcome(err)
  return type(err) == "table" and tostring(err.message):find("outcome is unknown", 1, true) ~= nil
end

while task.now() - started < seconds do
  local iteration = ledger.iterations + 1
  ledger.iterations = iteration

  -- Every key, page by page.
  local all = {}
  local ok, err = pcall(function() for key in providerKeys.iter { limit = 100 } do all[#all + 1] = key end end)
  if ok then ledger.lists = ledger.lists + 1 else fail("list", err) end

  -- Updates of up to 64 keys, 32 at a time.
  local batch = {}
  for i = 1, math.min(64, #all) do batch[i] = all[(iteration * 7 + i) % #all + 1] end
  local text = "soak " .. iteration
  task.map(batch, function(key)
    local done, problem = pcall(providerKeys.update, key.id, { description = text })
    if done then
      description[key.id] = text
      ledger.updates = ledger.updates + 1
    else
      fail("update", problem)
      if unknown_outcome(problem) then description[key.id] = nil end
    end
  end, { concurrency = 32 })

  -- Four new keys, named for this iteration.
  mine[iteration] = {}
  for i = 1, 4 do
    local name = ("soak-%d-%d"):format(iteration, i)
    local done, key = pcall(providerKeys.create, { providerId = "openai", name = name, value = "sk-soak-" .. name })
    if done then
      expected[name] = "present"
      mine[iteration][#mine[iteration] + 1] = key
      ledger.creates = ledger.creates + 1
    elseif unknown_outcome(key) then
      expected[name] = "unknown"
      ledger.unknown = ledger.unknown + 1
    else
      fail("create", key)
    end
  end

  -- A rename plan over this iteration's keys.
  local p = rename.suffix(mine[iteration], "-r")
  local report = p:apply { concurrency = 4, progress = false }
  for _, key in ipairs(mine[iteration]) do
    local renamed = true
    for _, f in ipairs(report.failed) do if f.id == key.id then renamed = false end end
    if renamed then
      expected[key.name] = "gone"
      expected[key.name .. "-r"] = "present"
      key.name = key.name .. "-r"
      ledger.renames = ledger.renames + 1
    else
      expected[key.name] = "unknown"
      expected[key.name .. "-r"] = "unknown"
      fail("rename", report.failed[1] and report.failed[1].error)
    end
  end

  -- The keys of two iterations ago are deleted.
  for _, key in ipairs(mine[iteration - 2] or {}) do
    local done, problem = pcall(providerKeys.delete, key.id)
    if done or (type(problem) == "table" and problem.status == 404) then
      expected[key.name] = "gone"
      description[key.id] = nil
      ledger.deletes = ledger.deletes + 1
    else
      fail("delete", problem)
      expected[key.name] = "unknown"
    end
  end
  mine[iteration - 2] = nil
  if heapfile then
    local file = io.open(heapfile, "w")
    if file then file:write(math.floor(collectgarbage("count")), "\n"); file:close() end
  end

  -- An access key made and removed.
  local done, access = pcall(accessKeys.create, { name = "soak-access-" .. iteration })
  if done then
    if pcall(accessKeys.delete, access.id) then ledger.access_keys = ledger.access_keys + 1 end
  end
end

-- The account against the ledger.
local violations, seen = {}, {}
local final = {}
for key in providerKeys.iter { limit = 100 } do final[#final + 1] = key end
for _, key in ipairs(final) do
  if key.name:find("^soak%-") then
    if seen[key.name] then violations[#violations + 1] = "two keys named " .. key.name end
    seen[key.name] = true
    if expected[key.name] == "gone" then violations[#violations + 1] = key.name .. " should be gone" end
    if expected[key.name] == nil then violations[#violations + 1] = key.name .. " was never created" end
  end
  if description[key.id] and key.description ~= description[key.id] then
    violations[#violations + 1] =
      ("%s: description %q, set %q"):format(key.id, tostring(key.description), description[key.id])
  end
end
for name, state in pairs(expected) do
  if state == "present" and not seen[name] then violations[#violations + 1] = name .. " is missing" end
end
table.sort(violations)
ledger.seconds = math.floor(task.now() - started)
ledger.violations = violations
ledger.final_keys = #final
print(json.encode(ledger))
os.exit(#violations == 0 and 0 or 1)

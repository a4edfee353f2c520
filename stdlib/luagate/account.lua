-- luagate.account: the whole ngrok.ai account described in one reviewed Lua file, planned
-- and applied (`luagate --plan FILE`, `--apply FILE`, `--export FILE`).
--
--   local account = require "luagate.account"
--   return account {
--     stack = "platform",
--     providerKeys = { { name = "openai-prod", providerId = "openai", value = account.env "OPENAI_KEY" } },
--   }
--
-- A plan is a luagate.plan: show, json and apply work as for any plan; creates run in
-- reference order, then updates, then deletes in reverse order.
local json = require "json"
local task = require "task"
local plan = require "luagate.plan"
local model = require "luagate.account.model"
local source = require "luagate.account.source"
local diff = require "luagate.account.diff"
local render = require "luagate.account.render"
local send = require "luagate.account.send"
local live_form = require "luagate.account.live"

local M = {}

--- ref = account.env(name): a secret read from the environment variable `name` at apply.
function M.env(name) return source.secret("env", name) end

--- ref = account.file(path): a secret read from a file at apply (its trailing newline dropped).
function M.file(path) return source.secret("file", path) end

--- account.null: clears a field (the same value as json.null).
M.null = json.null

--- acct = account.load(path): the account file read and checked (raises one error listing
--- every problem, with file and line).
function M.load(path) return source.load(path) end

-- The phase of a change: creates in reference order, updates, deletes in reverse order.
local function phase(c)
  local order = model.collections[c.resource] or 0
  if c.op == "create" then return order end
  if c.op == "update" then return 100 + order end
  return 300 - order
end

-- A luagate.plan of account changes, shown and sent as such.
local function make_plan(changes, info)
  for _, c in ipairs(changes) do c.phase = c.phase or phase(c) end
  local ctx = { ids = info.ids }
  return plan.new(changes, {
    send = function(c) return send.change(c, ctx) end,
    render = render.for_plan(info),
  })
end

--- p = account.plan(path | acct [, {prune =, adopt =, max_deletes =}]): reads the
--- collections the file needs and returns the plan that makes the account match it. Raises
--- (code "account", nothing sent) when the file or the plan has problems.
function M.plan(file, opts)
  opts = opts or {}
  -- The account is read while the file's records are checked: its pages come in meanwhile.
  local reading
  local function read(acct)
    local needed = live_form.needed(acct, opts.prune or acct.prune == true)
    reading = task.spawn(live_form.read, needed, { providers = true })
  end
  local acct = file
  if type(file) == "string" then acct = source.load(file, { on_read = read }) else read(acct) end
  diff.prepare(acct)
  local live = reading:await()
  local changes, problems, notes, ids = diff.changes(acct, live, opts)
  if #problems > 0 then
    plan._refuse {
      code = "account", operation = "account.plan",
      message = ("%s: plan refused, nothing was sent: %d problem%s\n  %s"):format(acct.file, #problems,
        #problems == 1 and "" or "s", table.concat(problems, "\n  ")),
      problems = problems,
    }
  end
  -- Only the ids a change may need are kept (a saved plan carries them).
  local used = {}
  for _, c in ipairs(changes) do
    for file_name, f in pairs(model.fields(c.resource)) do
      local value = c.set and c.set[file_name]
      local function keep(ref, name)
        if ref.key ~= "id" then return end
        local id = ids[ref.resource] and ids[ref.resource][name]
        if id then
          used[ref.resource] = used[ref.resource] or {}
          used[ref.resource][name] = id
        end
      end
      model.each_reference(value, f.desc, keep, file_name)
    end
  end
  local info = {
    stack = acct.stack, file = acct.file, hash = acct.hash, notes = notes, ids = used,
    created_at = os.date("!%Y-%m-%dT%H:%M:%SZ"),
  }
  return make_plan(changes, info), info
end

-- Refuses a saved plan, nothing sent.
local function refuse_saved(code, path, lines, what)
  plan._refuse {
    code = code, operation = "account.saved",
    message = ("%s %s, nothing was sent: %d problem%s\n  %s"):format(path, what, #lines, #lines == 1 and "" or "s",
      table.concat(lines, "\n  ")),
    problems = lines,
  }
end

-- The changes of a saved plan, each checked as a plan would have made it (the file can be
-- edited by hand: nothing in it is trusted), or the problems.
local function restored(path, doc)
  local changes, problems = {}, {}
  for i, entry in ipairs(doc.changes) do
    local function bad(why) problems[#problems + 1] = ("change #%d: %s"):format(i, why) end
    if type(entry) ~= "table" then
      bad("not an object")
    elseif entry.op ~= "create" and entry.op ~= "update" and entry.op ~= "delete" then
      bad("op must be create, update or delete")
    elseif type(entry.resource) ~= "string" or not model.resource(entry.resource) then
      bad(("%s is not a collection of an account"):format(tostring(entry.resource)))
    elseif entry.op ~= "update" and model.is_singleton(entry.resource) then
      bad(("%s is only ever updated"):format(entry.resource))
    elseif entry.op ~= "create" and not model.is_singleton(entry.resource) and type(entry.id) ~= "string" then
      bad("needs the id of the record it changes")
    elseif entry.op ~= "update" and type(entry.name) ~= "string" then
      bad("needs the name of the record")
    elseif entry.set ~= nil and type(entry.set) ~= "table" or type(entry.basis) ~= "table" then
      bad("set and basis must be objects (basis: what the change was computed from)")
    elseif entry.op ~= "create" and not model.is_singleton(entry.resource)
        and type(entry.basis.updatedAt) ~= "string" then
      bad("basis.updatedAt is missing: the plan cannot be checked against the account")
    else
      local c = render.restore(entry)
      c.phase = phase(c)
      for field in pairs(c.set or {}) do
        if not model.fields(c.resource)[field] then bad(("%s has no field %s"):format(c.resource, tostring(field))) end
      end
      changes[#changes + 1] = c
    end
  end
  if #problems > 0 then refuse_saved("account", path, problems, "is not a plan luagate made") end
  return changes
end

--- p = account.saved(path): a plan saved by `--plan FILE --out PLAN.json`, checked against
--- the account as it is now: refused (code "stale_plan", nothing sent) when any record it
--- touches or points at changed since, naming each; a delete of a record this stack does not
--- own, a body the client would refuse or a secret that cannot be read refuses it too.
function M.saved(path)
  local f, err = io.open(path, "rb")
  if not f then plan._refuse { code = "account", operation = "account.saved", message = ("cannot read %s")
    :format(err) } end
  local text = f:read("a")
  f:close()
  local ok, doc = pcall(json.decode, text or "")
  if not ok or type(doc) ~= "table" or doc.format ~= render.FORMAT or type(doc.changes) ~= "table"
      or getmetatable(doc.changes) ~= getmetatable(json.array()) or type(doc.stack) ~= "string" then
    plan._refuse { code = "account", operation = "account.saved",
      message = ("%s is not a saved plan (luagate --plan FILE --out %s writes one)"):format(path, path) }
  end
  local changes = restored(path, doc)
  local touched = {}
  for _, c in ipairs(changes) do touched[c.resource] = true end
  -- The records the changes point at by id are read too: one renamed or deleted since makes
  -- the plan stale as well.
  local ids = type(doc.ids) == "table" and doc.ids or {}
  for resource, names in pairs(ids) do
    if type(names) ~= "table" or not model.resource(resource) or model.is_singleton(resource) then
      ids[resource] = nil
    else
      touched[resource] = true
    end
  end
  local live = live_form.read(touched)
  local stale, problems, changed_ids = {}, {}, {}
  for _, c in ipairs(changes) do
    if c.id then changed_ids[c.id] = true end
  end
  for resource, names in pairs(ids) do
    for name, id in pairs(names) do
      local record = live[resource].by_id[id]
      if not record then
        stale[#stale + 1] = ("%s %q (%s), which changes point at, is gone"):format(resource, tostring(name),
          tostring(id))
      elseif record.name ~= name and not changed_ids[id] then
        stale[#stale + 1] = ("%s %q (%s), which changes point at, is now named %q"):format(
          resource, tostring(name), tostring(id), tostring(record.name))
      end
    end
  end
  for _, c in ipairs(changes) do
    local index = live[c.resource]
    local who = ("%s %q"):format(c.resource, tostring(c.name or c.resource))
    if c.op == "create" then
      local there = index.by_name[c.name]
      if there then stale[#stale + 1] = ("%s now exists (%s): created since the plan"):format(who, there[1].id) end
    elseif model.is_singleton(c.resource) then
      local current = live_form.file_form(c.resource, index.record, live)
      for field, before in pairs(c.before) do
        if model.fields(c.resource)[field] and not model.same(current[field], before) then
          stale[#stale + 1] = ("%s: %s is now %s, the plan saw %s"):format(c.resource, field,
            model.canonical(current[field]), model.canonical(before))
        end
      end
    else
      local record = index.by_id[c.id]
      if not record then
        stale[#stale + 1] = ("%s (%s) is gone: deleted since the plan"):format(who, c.id)
      elseif record.updatedAt ~= c.basis.updatedAt then
        stale[#stale + 1] = ("%s (%s) changed since the plan (updatedAt %s, the plan saw %s)"):format(
          who, c.id, tostring(record.updatedAt), tostring(c.basis.updatedAt))
      elseif c.op == "delete" then
        local marker = model.split_metadata(record.metadata)
        if not (marker and marker.stack == doc.stack) then
          problems[#problems + 1] = ("%s (%s) is not owned by stack %q: a plan deletes only what its stack created")
            :format(
            who, c.id, doc.stack)
        elseif marker.protect == true then
          problems[#problems + 1] = ("%s (%s) is protected"):format(who, c.id)
        end
      end
    end
    local message = diff.check_body(c, ids)
    if message then problems[#problems + 1] = message end
    local secrets = { c.rotate and c.rotate.secret or false, c.set and c.set[model.secret_field(c.resource) or ""]
      or false }
    for _, secret in ipairs(secrets) do
      if source.is_secret(secret) then
        local _, why = source.resolve(secret)
        if why then problems[#problems + 1] = ("%s: %s"):format(who, why) end
      end
    end
  end
  if #stale > 0 then
    refuse_saved("stale_plan", path, stale, "is stale (plan again)")
  end
  if #problems > 0 then refuse_saved("account", path, problems, "refused") end
  local info = {
    stack = doc.stack, file = tostring(doc.file or path), hash = tostring(doc.fileHash or ""), notes = nil,
    ids = ids, created_at = doc.createdAt,
  }
  return make_plan(changes, info), info
end

--- text = account.export{collections = {…}, stack = "name"}: the live account as an
--- account file (see luagate.account.export).
function M.export(opts) return require("luagate.account.export").text(opts or {}) end

return setmetatable(M, {
  __call = function(_, t) return source.new(t) end,
})

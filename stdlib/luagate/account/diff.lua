-- luagate.account.diff: the account file compared with the live account: the creates,
-- updates and deletes that make the account match, each with what it was computed from, and
-- every problem that would make an apply stop halfway, found before anything is sent.
local json = require "json"
local model = require "luagate.account.model"
local source = require "luagate.account.source"
local live_form = require "luagate.account.live"
local send = require "luagate.account.send"
local check_write = require("luagate.catalogue").check

local null = json.null

local M = {}

-- "id1, id2" of records.
local function ids_of(records)
  local list = {}
  for i, r in ipairs(records) do list[i] = r.id end
  return table.concat(list, ", ")
end

-- The file's value of a field in the form live.file_form gives.
local function desired_value(f, value)
  if value == null then return nil end
  if f.api == "metadata" and type(value) == "string" then
    local _, rest, kind = model.split_metadata(value)
    if kind == "object" then return rest end
    return value
  end
  if f.api == "metadata" and type(value) == "table" then
    return next(value) ~= nil and model.normalise(value, nil) or nil
  end
  return model.normalise(value, f.desc)
end

-- The file's values in the form they are compared in, worked out while the account is read.
local prepared = setmetatable({}, { __mode = "k" })
local NONE = {}

--- diff.prepare(acct): works out every record's values in the form they are compared in, so
--- that the plan does it while the account's pages are still coming in.
function M.prepare(acct)
  local function each(resource, rec)
    local values = {}
    for file_name, f in pairs(model.fields(resource)) do
      local value = rec[file_name]
      if value ~= nil and not f.secret then
        local want = desired_value(f, value)
        if want == nil then want = NONE end
        values[file_name] = want
      end
    end
    prepared[rec] = values
    source.label(resource, rec)
  end
  for resource, list in pairs(acct.collections) do
    for _, rec in ipairs(list) do each(resource, rec) end
  end
  for resource, rec in pairs(acct.singletons) do each(resource, rec) end
end

-- The file's value of a field, as compared.
local function wanted(rec, file_name, f, value)
  local values = prepared[rec]
  local want = values and values[file_name]
  if want == nil then return desired_value(f, value) end
  if want == NONE then return nil end
  return want
end

-- How a value shows in a plan (secrets: "(secret)").
local function shown(value)
  if source.is_secret(value) then return "(secret)" end
  return value
end

--- changes, problems, notes, ids = diff.changes(acct, live, {prune =, adopt =, max_deletes =}):
--- the changes that make the account match the file (change tables, see luagate.account),
--- the problems that refuse the plan (messages), notes for the reader ({unowned = {…},
--- kept = n, unprotected = n}) and ids[resource][name]: the id each name stands for.
function M.changes(acct, live, opts)
  local stack = acct.stack
  local prune = opts.prune or acct.prune == true
  local changes, problems, notes = {}, {}, { unowned = {}, kept = 0 }
  local function problem(where, message) problems[#problems + 1] = (where and where .. ": " or "") .. message end

  -- 1. Match the file's records with the account's (by name, or by `renamedFrom`), so that
  -- every rename is known before any record is compared.
  local matches, skip, ids, renamed_away = {}, {}, {}, {}
  for _, resource in ipairs(model.collections) do
    ids[resource] = {}
    local index = live[resource]
    if index and index.by_name then
      for name, list in pairs(index.by_name) do ids[resource][name] = list[1].id end
    end
    live.renamed[resource] = {}
    for _, rec in ipairs(acct.collections[resource] or {}) do
      local where, what = source.label(resource, rec)
      local by_new = index.by_name[rec.name]
      local by_old = rec.renamedFrom and index.by_name[rec.renamedFrom]
      if by_new and by_old then
        problem(where, ("%s: renamedFrom %q, but the account holds both %q (%s) and %q (%s): delete or rename one"
          .. " by hand, or drop renamedFrom"):format(what, rec.renamedFrom, rec.renamedFrom, ids_of(by_old), rec.name,
          ids_of(by_new)))
        skip[rec] = true
      elseif (by_new or by_old) and #(by_new or by_old) > 1 then
        local found = by_new or by_old
        problem(where, ("%s: the account holds %d %s named %q (%s): rename or delete all but one by hand first"):format(
          what, #found, resource, by_new and rec.name or rec.renamedFrom, ids_of(found)))
        skip[rec] = true
      elseif by_new or by_old then
        local record = (by_new or by_old)[1]
        matches[rec] = record
        ids[resource][rec.name] = record.id
        if by_old then
          live.renamed[resource][record.id] = rec.name
          ids[resource][rec.renamedFrom] = nil
          renamed_away[resource] = renamed_away[resource] or {}
          renamed_away[resource][rec.renamedFrom] = rec.name
        end
      end
    end
  end

  -- 2. Names a reference may use: what the file names, and what the account holds (a name
  -- renamed away by the file is gone). Providers are named by providerId: custom ones, those
  -- of the model catalogue, and any the account already uses.
  local known, provider_ids = {}, {}
  for _, resource in ipairs(model.collections) do
    known[resource] = {}
    for name in pairs(ids[resource]) do known[resource][name] = "account" end
    for _, rec in ipairs(acct.collections[resource] or {}) do known[resource][rec.name] = "file" end
  end
  for id in pairs(live.catalogue_providers or {}) do provider_ids[id] = true end
  for _, rec in ipairs(acct.collections.providers or {}) do
    if type(rec.providerId) == "string" then provider_ids[rec.providerId] = true end
  end
  for _, resource in ipairs(model.collections) do
    local index = live[resource]
    local fields = model.key_reference_fields(resource)
    local function note(ref, value)
      if ref.key ~= "id" and type(value) == "string" then provider_ids[value] = true end
    end
    for _, record in ipairs(#fields > 0 and index and index.records or {}) do
      for _, f in ipairs(fields) do model.each_reference(record[f.api], f.desc, note, f.api) end
    end
  end

  local function references_ok(resource, record, where, what)
    for file_name, f in pairs(model.fields(resource)) do
      model.each_reference(record[file_name], f.desc, function(ref, name, path)
        local kind = model.resource(ref.resource).singular
        if type(name) ~= "string" then
          problem(where, ("%s: %s must name a %s (a string)"):format(what, path, kind))
        elseif ref.key ~= "id" then
          if not provider_ids[name] then
            problem(where, ("%s: %s names the provider %q, which is neither a custom provider (in the file or the"
              .. " account) nor one of the model catalogue's"):format(what, path, name))
          end
        elseif not known[ref.resource][name] and renamed_away[ref.resource] and renamed_away[ref.resource][name] then
          problem(where, ("%s: %s names the %s %q, which this file renames to %q"):format(
            what, path, kind, name, renamed_away[ref.resource][name]))
        elseif not known[ref.resource][name] then
          problem(where, ("%s: %s names the %s %q, which is neither in the file nor in the account"):format(
            what, path, kind, name))
        elseif known[ref.resource][name] == "account" and live[ref.resource].by_name[name]
            and #live[ref.resource].by_name[name] > 1 then
          problem(where, ("%s: %s names the %s %q, but %d records have that name (%s)"):format(
            what, path, kind, name, #live[ref.resource].by_name[name], ids_of(live[ref.resource].by_name[name])))
        end
      end, file_name)
    end
  end

  -- 3. Creates and updates of what the file names, deletes of what this stack owns and the
  -- file no longer names.
  local deleted = {}
  for _, resource in ipairs(model.collections) do
    local desired, singleton, index = acct.collections[resource], acct.singletons[resource], live[resource]
    if desired then
      local matched = {}
      for _, rec in ipairs(desired) do
        local where, what = source.label(resource, rec)
        references_ok(resource, rec, where, what)
        if not skip[rec] then
          local record = matches[rec]
          if record then
            matched[record.id] = true
            M.update(resource, rec, record, live, stack, opts, changes, problem, notes)
          else
            M.create(resource, rec, stack, changes, problem)
          end
        end
      end
      for _, record in ipairs(index.records) do
        local marker = not matched[record.id] and model.split_metadata(record.metadata)
        if marker and marker.stack == stack then
          if not prune then
            notes.kept = notes.kept + 1
          else
            if marker.protect == true then
              problem(nil, ("%s %q (%s) is protected (protect = true when it was applied): it is not in the file, and"
                .. " pruning would delete it; put it back, or apply it with protect = false first"):format(
                resource, tostring(record.name), record.id))
            end
            deleted[resource] = deleted[resource] or {}
            deleted[resource][record.id] = record
            changes[#changes + 1] = {
              op = "delete", resource = resource, id = record.id, name = record.name,
              before = { name = record.name }, after = {}, basis = { updatedAt = record.updatedAt },
            }
          end
        end
      end
    elseif singleton then
      local where, what = source.label(resource, singleton)
      references_ok(resource, singleton, where, what)
      if index.record then
        M.update(resource, singleton, index.record, live, stack, opts, changes, problem, notes)
      else
        problem(where, ("%s: the account has no %s to update"):format(what, model.resource(resource).singular))
      end
    end
  end

  M.check_deletes(acct, live, deleted, problem)
  local deletes = 0
  for _, c in ipairs(changes) do
    if c.op == "delete" then deletes = deletes + 1 end
  end
  if opts.max_deletes and deletes > opts.max_deletes then
    problem(nil, ("the plan deletes %d record%s, more than --max-deletes %d allows"):format(
      deletes, deletes == 1 and "" or "s", opts.max_deletes))
  end
  -- 4. What each change would send, checked as the client checks it, so that an apply never
  -- stops halfway on a body the client refuses.
  for _, c in ipairs(changes) do
    if not c.flagged then
      local message = M.check_body(c, ids)
      if message then problem(c.where, message) end
    end
    c.flagged = nil
  end
  return changes, problems, notes, ids
end

--- message = diff.check_body(change, ids): what the client would refuse in the body of a
--- create or update (nil when nothing), with records to be created standing in as "(new)".
function M.check_body(c, ids)
  if c.op == "delete" then return nil end
  local ok, body = pcall(send.body, c, function(ref, name) return ids[ref.resource] and ids[ref.resource][name]
    or "(new)" end, true)
  if not ok then return ("%s %q: %s"):format(c.resource, tostring(c.name or c.resource), tostring(body)) end
  local encoded, err = pcall(json.encode, body)
  if not encoded then return ("%s %q: %s"):format(c.resource, tostring(c.name or c.resource), tostring(err)) end
  local field, rule = check_write(c.resource, body, c.op == "create" and "create" or "update")
  if field and rule:find(field, 1, true) then field = nil end -- the rule names it already
  if rule then return ("%s %q: %s%s"):format(c.resource, tostring(c.name or c.resource), field and field .. " "
    or "", rule) end
  return nil
end

-- Each reference a record holds: fn(ref, value, path).
local function references_of(resource, fields, fn)
  for file_name, f in pairs(model.fields(resource)) do
    model.each_reference(fields[file_name], f.desc, fn, file_name)
  end
end

--- Refuses deletes that would fail or leave a reference dangling: a record the file names
--- that points at a record this plan deletes, or a record left in the account that does
--- (the API refuses some of these deletes with 409; the others would leave a dangling id).
function M.check_deletes(acct, live, deleted, problem)
  if next(deleted) == nil then return end
  -- by_key[resource][key][value]: a deleted record, by name (key "id") or by its key's value.
  local by_key = {}
  for resource, records in pairs(deleted) do
    by_key[resource] = { id = {} }
    for _, record in pairs(records) do
      if record.name then by_key[resource].id[record.name] = record end
    end
  end
  for resource, records in pairs(deleted) do
    for _, other in ipairs(model.collections) do
      live_form.each_reference_field(other, function(ref)
        if ref.resource == resource and ref.key ~= "id" then
          by_key[resource][ref.key] = by_key[resource][ref.key] or {}
          for _, record in pairs(records) do
            if type(record[ref.key]) == "string" then by_key[resource][ref.key][record[ref.key]] = record end
          end
        end
      end)
    end
  end
  local function target(ref, value)
    local keyed = by_key[ref.resource] and by_key[ref.resource][ref.key]
    return keyed and keyed[value]
  end
  for _, resource in ipairs(model.collections) do
    local named = {}
    for _, rec in ipairs(acct.collections[resource] or {}) do
      named[rec.name] = true
      references_of(resource, rec, function(ref, value, path)
        local gone = target(ref, value)
        if gone then
          problem(rec._where, ("%s %q: %s names the %s %q (%s), which this plan deletes"):format(
            resource, tostring(rec.name), path, model.resource(ref.resource).singular, tostring(gone.name), gone.id))
        end
      end)
    end
    local index = live[resource]
    for _, record in ipairs(index and index.records or { index and index.record }) do
      local removed = deleted[resource] and deleted[resource][record.id]
      if not removed and not (record.name and named[record.name]) then
        references_of(resource, (live_form.file_form(resource, record, live)), function(ref, value, path)
          local gone = target(ref, value)
          if gone then
            problem(nil, ("%s %q (%s) cannot be deleted: %s %q%s still points at it (%s); change that first, or"
              .. " name it in the file"):format(ref.resource, tostring(gone.name), gone.id, resource,
              tostring(record.name or resource), record.id and (" (%s)"):format(record.id) or "", path))
          end
        end)
      end
    end
  end
end

--- A record the file names that the account lacks: a create.
function M.create(resource, rec, stack, changes, problem)
  local where, what = source.label(resource, rec)
  local set, after = {}, {}
  for file_name, f in pairs(model.fields(resource)) do
    local value = rec[file_name]
    if value ~= nil and value ~= null then
      set[file_name] = f.secret and value or desired_value(f, value)
      after[file_name] = shown(set[file_name])
      if f.secret then
        local _, why = source.resolve(value)
        if why then problem(where, ("%s: %s: %s"):format(what, file_name, why)) end
      end
    end
  end
  local c = {
    op = "create", resource = resource, name = rec.name, before = {}, after = after, set = set, where = where,
    basis = { absent = true }, tokenFile = rec.tokenFile,
  }
  if model.has_metadata(resource) then
    local rest = set.metadata
    if type(rest) == "string" then
      problem(where, ("%s: metadata is text, not a JSON object: it cannot carry the ownership marker (write a table)")
        :format(what))
      c.flagged = true
    end
    c.metadata = { rest = rest, marker = { stack = stack, secretVersion = rec.secretVersion, protect = rec.protect
      or nil } }
    after.owner = stack
    if rec.secretVersion then after.secretVersion = rec.secretVersion end
    if rec.protect then after.protect = true end
  end
  if model.returns_token(resource) and rec.tokenFile == nil then
    c.notes = { "its token is returned once and will not be kept: give tokenFile" }
  elseif rec.tokenFile then
    local ok, why = require("luagate.files").writable_folder(rec.tokenFile)
    if not ok then problem(where, ("%s: tokenFile %s: %s (its token would be lost)"):format(what, rec.tokenFile,
      why)) end
  end
  changes[#changes + 1] = c
end

-- The marker a matched record should carry, and what changes: ownership (adopt),
-- protection and the secret's version live there. Adds to before/after; returns the new
-- marker (nil when unchanged), the change's kind and whether the record is owned.
local function next_marker(resource, rec, marker, stack, opts, before, after, problem, notes, where, what)
  local owned = marker and marker.stack == stack
  local adopt = (opts.adopt or rec.adopt) and not owned
  if adopt and marker and marker.stack then
    problem(where, ("%s: owned by stack %q: it is not adopted from another stack (that stack would still prune it)")
      :format(what, marker.stack))
    adopt = false
  end
  local kind
  local new = {}
  for k, v in pairs(marker or {}) do new[k] = v end
  if adopt then
    new.stack = stack
    before.owner, after.owner = null, stack
    kind = "adopt"
  end
  if owned or adopt then
    local protect = rec.protect == true or nil
    if protect ~= (new.protect == true or nil) then
      before.protect, after.protect = new.protect == true, protect == true
      new.protect = protect
    end
  elseif rec.protect then
    notes.unprotected = (notes.unprotected or 0) + 1
  end
  local secret = model.secret_field(resource)
  if secret and rec.secretVersion and rec.secretVersion ~= new.secretVersion then
    before[secret] = ("(secret) rotate, version %s → %q"):format(
      new.secretVersion and ("%q"):format(new.secretVersion) or "(none)", rec.secretVersion)
    after[secret] = "(secret)"
    new.secretVersion = rec.secretVersion
    local _, why = source.resolve(rec[secret])
    if why then problem(where, ("%s: %s: %s"):format(what, secret, why)) end
    kind = kind or "rotate"
  end
  if model.same(new, marker or {}) then new = nil end
  return new, kind, owned or adopt
end

--- A record the file names that the account holds: an update of the fields that differ.
function M.update(resource, rec, record, live, stack, opts, changes, problem, notes)
  local where, what = source.label(resource, rec)
  local current, marker = live_form.file_form(resource, record, live, rec)
  local before, after, set = {}, {}, {}
  local changed, flagged = false, false
  for file_name, f in pairs(model.fields(resource)) do
    local value = rec[file_name]
    if value ~= nil and not f.secret and file_name ~= "name" then
      local want = wanted(rec, file_name, f, value)
      current[file_name] = model.project(current[file_name], want, f.desc)
      if not model.same(want, current[file_name]) then
        if f.desc.update == "no" then
          problem(where, ("%s: %s cannot be changed once the record exists (it holds %s)"):format(
            what, file_name, model.canonical(current[file_name])))
          flagged = true
        elseif value == null and f.desc.update ~= "setOrClear" then
          problem(where, ("%s: %s cannot be cleared"):format(what, file_name))
          flagged = true
        end
        before[file_name] = current[file_name] == nil and null or current[file_name]
        after[file_name] = want == nil and null or want
        set[file_name] = after[file_name]
        changed = true
      end
    end
  end
  if rec.name ~= nil and record.name ~= rec.name then
    before.name, after.name, set.name = record.name, rec.name, rec.name
    changed = true
  end

  local new_marker, kind, owned
  if model.has_metadata(resource) and not model.is_singleton(resource) then
    new_marker, kind, owned = next_marker(resource, rec, marker, stack, opts, before, after, problem, notes, where,
      what)
    if new_marker then
      local rest = set.metadata
      if rest == nil then rest = current.metadata end
      if rest == null then rest = nil end
      if type(rest) == "string" then
        problem(where, ("%s: its metadata is text, not a JSON object: the ownership marker cannot be kept there")
          :format(what))
        flagged = true
      end
      set.metadata = rest or null
      changed = true
    end
    if not owned then
      notes.unowned[#notes.unowned + 1] = { resource = resource, name = record.name, id = record.id,
        stack = marker and marker.stack }
    end
  end
  if not changed then return end
  local c = {
    op = "update", resource = resource, id = record.id, name = rec.name, before = before, after = after,
    set = set, where = where, basis = { updatedAt = record.updatedAt, values = not record.updatedAt and before or nil },
    record = record,
    kind = kind or (rec.renamedFrom and before.name and "rename") or nil, flagged = flagged or nil,
  }
  if model.has_metadata(resource) and set.metadata ~= nil then
    local rest = set.metadata
    if rest == null then rest = nil end
    c.metadata = { rest = rest, marker = new_marker or marker }
  end
  local secret = model.secret_field(resource)
  if secret and before[secret] then
    c.rotate = { field = secret, secret = rec[secret] }
    c.mutations = 2
  end
  changes[#changes + 1] = c
end

return M

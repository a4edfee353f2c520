-- luagate.account.diff: the live account read (only the collections a file needs, in
-- parallel) and compared with the file: the creates, updates and deletes that make the
-- account match, each with what it was computed from.
local json = require "json"
local task = require "task"
local model = require "luagate.account.model"
local source = require "luagate.account.source"
local check_write = require("luagate.catalogue").check

local null = json.null

local M = {}

--- live = diff.read(resources): the records of each resource (collections: every page,
--- `limit` 100, collections read in parallel; singletons: the record), indexed:
--- live[resource] = {records =, by_id =, by_name = {name = {records}}} (singleton: {record =}).
function M.read(resources)
  local names = {}
  for name in pairs(resources) do names[#names + 1] = name end
  table.sort(names, function(a, b) return model.collections[a] < model.collections[b] end)
  local read = task.map(names, function(name)
    local lib = require(name)
    if model.is_singleton(name) then return { lib.get() } end
    return lib.list { limit = 100 }
  end, { concurrency = math.max(1, #names) })
  local live = {}
  for i, name in ipairs(names) do
    if model.is_singleton(name) then
      live[name] = { record = read[i][1] }
    else
      local index = { records = read[i], by_id = {}, by_name = {} }
      for _, record in ipairs(read[i]) do
        index.by_id[record.id] = record
        if type(record.name) == "string" then
          local list = index.by_name[record.name]
          if not list then
            list = {}
            index.by_name[record.name] = list
          end
          list[#list + 1] = record
        end
      end
      live[name] = index
    end
  end
  return live
end

-- Calls fn(ref) for every reference a resource's records may hold, at any depth.
local function each_reference_field(resource, fn)
  local function nested(desc, depth)
    if not desc or depth > model.MAX_DEPTH then return end
    if desc.reference and model.resource(desc.reference.resource) then fn(desc.reference) end
    for _, member in pairs(desc.fields or {}) do nested(member, depth + 1) end
    nested(desc.item, depth + 1)
  end
  for _, f in pairs(model.resource(resource).fields) do nested(f, 1) end
end

--- The resources a plan needs read: the collections the account names, those they point at
--- and, when it prunes, those whose records can block deleting one of its records.
function M.needed(acct, prune)
  local needed = {}
  local function add(resource)
    if needed[resource] then return end
    needed[resource] = true
    each_reference_field(resource, function(ref) add(ref.resource) end)
  end
  for resource in pairs(acct.collections) do add(resource) end
  for resource in pairs(acct.singletons) do add(resource) end
  if prune then
    for _, resource in ipairs(model.collections) do
      each_reference_field(resource, function(ref)
        if ref.blocksDelete and acct.collections[ref.resource] then add(resource) end
      end)
    end
  end
  return needed
end

-- Name of the record `id` of a resource, from the live account.
local function namer(live)
  return function(ref, id)
    local index = live[ref.resource]
    local record = index and index.by_id and index.by_id[id]
    return record and record.name or nil
  end
end

--- file = diff.file_form(resource, record, live): a live record in the file's form (what
--- export writes and what plans compare): writable fields, references by name, metadata
--- without the marker (a table when a JSON object), no secrets. Also returns the marker.
function M.file_form(resource, record, live)
  local out = {}
  local names = namer(live)
  local marker
  for file_name, f in pairs(model.fields(resource)) do
    local value = record[f.api]
    if f.reference and f.reference.shownAs then
      local shown = record[f.reference.shownAs]
      value = type(shown) == "table" and shown.id or nil
    end
    if f.secret then
      value = nil
    elseif f.api == "metadata" then
      local rest
      marker, rest = model.split_metadata(value)
      value = rest
    elseif f.reference and value ~= nil then
      value = names(f.reference, value) or value
    elseif value ~= nil then
      value = model.to_file(value, f.desc, names)
      if f.desc.default ~= nil and model.same(value, f.desc.default) then value = nil end
    end
    out[file_name] = value
  end
  return out, marker
end

-- The file's value of a field in the form file_form gives.
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

-- How a value shows in a plan (secrets: "(secret)").
local function shown(value)
  if source.is_secret(value) then return "(secret)" end
  return value
end

--- p = diff.plan(acct, live, opts): the changes, as a list of change tables (see
--- luagate.account's plan), and the notes {unowned = {…}, kept = n}. opts: prune, adopt,
--- max_deletes.
function M.changes(acct, live, opts)
  local stack = acct.stack
  local prune = opts.prune or acct.prune == true
  local changes, problems, notes = {}, {}, { unowned = {}, kept = 0 }
  local function problem(where, message) problems[#problems + 1] = (where and where .. ": " or "") .. message end

  -- Names a reference may use: what the file names (after its renames) and what the account holds.
  local known, deleted = {}, {}
  for _, resource in ipairs(model.collections) do
    known[resource] = {}
    for _, record in ipairs(acct.collections[resource] or {}) do known[resource][record.name] = "file" end
    if live[resource] and live[resource].by_name then
      for name in pairs(live[resource].by_name) do known[resource][name] = known[resource][name] or "account" end
    end
  end

  local ids = {} -- ids[resource][name] = id of the live record a name stands for after the apply
  local matched = {}
  for _, resource in ipairs(model.collections) do
    ids[resource] = {}
    local index = live[resource]
    if index and index.by_name then
      for name, list in pairs(index.by_name) do ids[resource][name] = list[1].id end
    end
  end

  local function references_ok(resource, record, where, what)
    local function check(ref, name, path)
      if ref.key ~= "id" then return end -- built-in providers are no records: not checked
      if type(name) ~= "string" then
        problem(where, ("%s: %s must name a %s (a string)"):format(what, path, model.resource(ref.resource).singular))
        return
      end
      if not known[ref.resource] or not known[ref.resource][name] then
        problem(where, ("%s: %s names the %s %q, which is neither in the file nor in the account"):format(
          what, path, model.resource(ref.resource).singular, name))
      elseif known[ref.resource][name] == "account" and #live[ref.resource].by_name[name] > 1 then
        local list = {}
        for i, r in ipairs(live[ref.resource].by_name[name]) do list[i] = r.id end
        problem(where, ("%s: %s names the %s %q, but %d records have that name (%s)"):format(
          what, path, model.resource(ref.resource).singular, name, #list, table.concat(list, ", ")))
      end
    end
    for file_name, f in pairs(model.fields(resource)) do
      local value = record[file_name]
      model.each_reference(value, f.desc, check, file_name)
    end
  end

  for _, resource in ipairs(model.collections) do
    local desired = acct.collections[resource]
    local singleton = acct.singletons[resource]
    local index = live[resource]
    if desired then
      local owned_live = {}
      for _, record in ipairs(index.records) do
        local marker = model.split_metadata(record.metadata)
        if marker and marker.stack == stack then owned_live[record.id] = marker end
      end
      for _, rec in ipairs(desired) do
        local where, what = source.label(resource, rec)
        references_ok(resource, rec, where, what)
        local found = index.by_name[rec.name]
        local renamed = false
        if not found and rec.renamedFrom then
          found = index.by_name[rec.renamedFrom]
          renamed = found ~= nil
        end
        if found and #found > 1 then
          local list = {}
          for i, r in ipairs(found) do list[i] = r.id end
          problem(where, ("%s: the account holds %d %s named %q (%s): rename or delete all but one by hand first")
            :format(
            what, #found, model.resource(resource).singular .. "s", renamed and rec.renamedFrom or rec.name,
            table.concat(list, ", ")))
        elseif found then
          local record = found[1]
          matched[record.id] = true
          ids[resource][rec.name] = record.id
          M.update(resource, rec, record, live, stack, opts, changes, problem, notes, renamed)
        else
          M.create(resource, rec, stack, changes, problem)
        end
      end
      -- Records this stack owns that the file no longer names.
      for _, record in ipairs(index.records) do
        local marker = owned_live[record.id]
        if marker and not matched[record.id] then
          if prune then
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
          else
            notes.kept = notes.kept + 1
          end
        end
      end
    elseif singleton then
      local where, what = source.label(resource, singleton)
      references_ok(resource, singleton, where, what)
      M.update(resource, singleton, index.record, live, stack, opts, changes, problem, notes, false)
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
  -- What a change would send, checked as the client checks it, so that an apply never stops halfway.
  for _, c in ipairs(changes) do
    if c.op ~= "delete" then
      local body = M.api_body(c, function(ref, name) return ids[ref.resource] and ids[ref.resource][name]
        or "(new)" end, true)
      local field, rule = check_write(c.resource, body, c.op == "create" and "create" or "update")
      if field then problem(c.where, ("%s %q: %s %s"):format(c.resource, tostring(c.name or c.resource), field,
        rule)) end
    end
  end
  return changes, problems, notes, ids
end

-- Each reference a record holds after the plan: fn(ref, value, path), the file's fields
-- over the record's own.
local function references_after(resource, fields, fn)
  for file_name, f in pairs(model.fields(resource)) do
    model.each_reference(fields[file_name], f.desc, fn, file_name)
  end
end

--- Refuses deletes that would fail or leave a reference dangling: a record the file names
--- that points at a record this plan deletes, or any record left in the account whose
--- reference blocks the delete (the API answers 409 while it holds).
function M.check_deletes(acct, live, deleted, problem)
  if next(deleted) == nil then return end
  -- deleted[resource][key][value]: the deleted record, by name (key "id") or by its key's value.
  local by_key = {}
  for resource, records in pairs(deleted) do
    by_key[resource] = { id = {} }
    for _, record in pairs(records) do
      if record.name then by_key[resource].id[record.name] = record end
      for name, value in pairs(record) do
        if name ~= "id" and type(value) == "string" then
          by_key[resource][name] = by_key[resource][name] or {}
          by_key[resource][name][value] = record
        end
      end
    end
  end
  local function target(ref, value)
    local keyed = by_key[ref.resource] and by_key[ref.resource][ref.key]
    return keyed and keyed[value]
  end
  for _, resource in ipairs(model.collections) do
    for _, rec in ipairs(acct.collections[resource] or {}) do
      references_after(resource, rec, function(ref, value, path)
        local gone = target(ref, value)
        if gone then
          problem(rec._where, ("%s %q: %s names the %s %q (%s), which this plan deletes"):format(
            resource, tostring(rec.name), path, model.resource(ref.resource).singular, tostring(gone.name), gone.id))
        end
      end)
    end
    local index = live[resource]
    local named = {}
    for _, rec in ipairs(acct.collections[resource] or {}) do named[rec.name] = true end
    if index and index.records then
      for _, record in ipairs(index.records) do
        local removed = deleted[resource] and deleted[resource][record.id]
        if not removed and not named[record.name] then
          references_after(resource, (M.file_form(resource, record, live)), function(ref, value, path)
            local gone = ref.blocksDelete and target(ref, value)
            if gone then
              problem(nil, ("%s %q (%s) cannot be deleted: %s %q (%s) still points at it (%s), and the API refuses the"
                .. " delete while it does"):format(ref.resource, tostring(gone.name), gone.id, resource,
                tostring(record.name), record.id, path))
            end
          end)
        end
      end
    end
  end
end

--- body = diff.api_body(change, ids [, placeholder]): what a create or update sends: the
--- file's fields in the API's form, the metadata with its marker; secrets resolved (with
--- `placeholder`, "(secret)").
function M.api_body(c, ids, placeholder)
  local body = {}
  local fields = model.fields(c.resource)
  for file_name, value in pairs(c.set or {}) do
    local f = fields[file_name]
    if f.secret then
      if placeholder then body[f.api] = "(secret)"
      else
        local resolved, why = source.resolve(value)
        if not resolved then error({ code = "secret", message = ("%s %q: %s: %s"):format(c.resource, c.name,
          file_name, why) }, 0) end
        body[f.api] = resolved
      end
    elseif f.api == "metadata" then
      goto continue -- written below, with the marker
    elseif f.reference then
      body[f.api] = value == null and null or ids(f.reference, value)
    else
      body[f.api] = value == null and null or model.to_api(value, f.desc, ids)
    end
    ::continue::
  end
  if c.metadata then
    local text = model.join_metadata(c.metadata.rest, c.metadata.marker)
    body.metadata = text or (c.op == "update" and null or nil)
  end
  return body
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
    set.metadata = nil
    if type(rest) == "string" then
      problem(where,
        ("%s: metadata is text, not a JSON object: it cannot carry the ownership marker (write a table)"):format(what))
    end
    local marker = { stack = stack, secretVersion = rec.secretVersion, protect = rec.protect or nil }
    c.metadata = { rest = rest, marker = marker }
    after.metadata = rest
    set.metadata = rest or null
    c.after.owner = stack
    if rec.secretVersion then c.after.secretVersion = rec.secretVersion end
    if rec.protect then c.after.protect = true end
  end
  if model.returns_token(resource) and rec.tokenFile == nil then
    c.notes = { "its token is returned once and will not be kept: give tokenFile" }
  end
  changes[#changes + 1] = c
end

--- A record the file names that the account holds: an update of the fields that differ.
function M.update(resource, rec, record, live, stack, opts, changes, problem, notes, renamed)
  local where, what = source.label(resource, rec)
  local current, marker = M.file_form(resource, record, live)
  local before, after, set = {}, {}, {}
  local changed = false
  for file_name, f in pairs(model.fields(resource)) do
    local value = rec[file_name]
    if value ~= nil and not f.secret and file_name ~= "name" then
      local want = desired_value(f, value)
      current[file_name] = model.project(current[file_name], want, f.desc)
      if not model.same(want, current[file_name]) then
        if f.desc.update == "no" then
          problem(where, ("%s: %s cannot be changed once the record exists (it holds %s)"):format(
            what, file_name, model.canonical(current[file_name])))
        elseif value == null and f.desc.update ~= "setOrClear" then
          problem(where, ("%s: %s cannot be cleared"):format(what, file_name))
        end
        before[file_name], after[file_name] = current[file_name] == nil and null or current[file_name],
          want == nil and null or want
        set[file_name] = want == nil and null or want
        changed = true
      end
    end
  end
  if rec.name ~= nil and record.name ~= rec.name then
    before.name, after.name, set.name = record.name, rec.name, rec.name
    changed = true
  end

  -- Ownership, protection and the secret's version live in the marker.
  local owned = marker and marker.stack == stack
  local kind, new_marker = nil, nil
  if model.has_metadata(resource) and not model.is_singleton(resource) then
    local adopt = (opts.adopt or rec.adopt) and not owned
    if adopt and marker and marker.stack then
      problem(where,
        ("%s: owned by stack %q: it is not adopted from another stack (remove it from that file first)"):format(
        what, marker.stack))
      adopt = false
    end
    local next_marker = {}
    for k, v in pairs(marker or {}) do next_marker[k] = v end
    if adopt then
      next_marker.stack = stack
      before.owner, after.owner = null, stack
      kind = "adopt"
    end
    if owned or adopt then
      local protect = rec.protect == true or nil
      if protect ~= (next_marker.protect == true or nil) then
        before.protect, after.protect = next_marker.protect == true, protect == true
        next_marker.protect = protect
      end
    elseif rec.protect then
      notes.unprotected = (notes.unprotected or 0) + 1
    end
    local secret = model.secret_field(resource)
    if secret and rec.secretVersion and rec.secretVersion ~= next_marker.secretVersion then
      before[secret] = ("(secret) rotate, version %s → %q"):format(
        next_marker.secretVersion and ("%q"):format(next_marker.secretVersion) or "(none)", rec.secretVersion)
      after[secret] = "(secret)"
      next_marker.secretVersion = rec.secretVersion
      local _, why = source.resolve(rec[secret])
      if why then problem(where, ("%s: %s: %s"):format(what, secret, why)) end
      kind = kind or "rotate"
    end
    if not model.same(next_marker, marker or {}) then
      new_marker = next_marker
      local _, _, metadata_kind = model.split_metadata(record.metadata)
      local rest = set.metadata
      if rest == nil then rest = current.metadata end
      if rest == null then rest = nil end
      if type(rest) == "string" or (set.metadata == nil and metadata_kind == "text") then
        problem(where, ("%s: its metadata is text, not a JSON object: the ownership marker cannot be kept there")
          :format(what))
      end
      set.metadata = rest or null
      changed = true
    end
    if not owned and not adopt then
      notes.unowned[#notes.unowned + 1] = { resource = resource, name = record.name, id = record.id,
        stack = marker and marker.stack }
    end
  end
  if not changed then return end
  local c = {
    op = "update", resource = resource, id = record.id, name = rec.name or nil, before = before, after = after,
    set = set, where = where, basis = { updatedAt = record.updatedAt }, kind = kind or (renamed and "rename") or nil,
  }
  if model.has_metadata(resource) and set.metadata ~= nil then
    local rest = set.metadata
    if rest == null then rest = nil end
    c.metadata = { rest = rest, marker = new_marker or marker }
  end
  if before[model.secret_field(resource) or ""] then
    c.rotate = { field = model.secret_field(resource), secret = rec[model.secret_field(resource)] }
    c.mutations = 2
  end
  changes[#changes + 1] = c
end

return M

-- luagate.account.live: the live account as a plan needs it: only the collections a file
-- needs, read in parallel (pages in order), indexed by id and name, and each record in the
-- file's form (what export writes and what plans compare against).
local task = require "task"
local model = require "luagate.account.model"

local M = {}

local function index_of(records)
  local index = { records = records, by_id = {}, by_name = {} }
  for _, record in ipairs(records) do
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
  return index
end

--- live = live.read(resources [, {providers = bool}]): the records of each resource
--- (collections: every page, `limit` 100, read in parallel; singletons: the record):
--- live[resource] = {records =, by_id =, by_name = {name = {records}}} (singleton:
--- {record =}). With `providers`, also `live.catalogue_providers`: the provider ids the model
--- catalogue names (built-in providers are no records).
function M.read(resources, opts)
  local names = {}
  for name in pairs(resources) do names[#names + 1] = name end
  table.sort(names, function(a, b) return model.collections[a] < model.collections[b] end)
  local jobs = {}
  for i, name in ipairs(names) do jobs[i] = name end
  if opts and opts.providers then jobs[#jobs + 1] = "models" end
  local read, errors = task.map(jobs, function(name)
    local lib = require(name)
    if name == "models" then return lib.list() end
    if model.is_singleton(name) then
      local ok, record = pcall(lib.get)
      if not ok and type(record) == "table" and record.status == 404 then return {} end -- the account has none
      if not ok then error(record, 0) end
      return { record }
    end
    return lib.list { limit = 100 }
  end, { concurrency = math.max(1, #jobs), errors = "collect" })
  for i = 1, #jobs do
    if errors and errors[i] ~= nil then error(errors[i], 0) end -- the first failed read, as it came
  end
  local live = { renamed = {} }
  for i, name in ipairs(names) do
    live[name] = model.is_singleton(name) and { record = read[i][1] } or index_of(read[i])
  end
  if opts and opts.providers then
    live.catalogue_providers = {}
    for _, entry in ipairs(read[#jobs]) do
      for _, provider in ipairs(type(entry.providers) == "table" and entry.providers or {}) do
        if type(provider) == "table" and type(provider.id) == "string" then
          live.catalogue_providers[provider.id] = true
        end
      end
    end
  end
  return live
end

--- live.each_reference_field(resource, fn): fn(ref) for every reference a resource's
--- records may hold, at any depth.
function M.each_reference_field(resource, fn)
  for _, f in pairs(model.resource(resource).fields) do model.references_in(f, fn) end
end

--- needed = live.needed(acct, prune): the resources a plan reads: the collections the account
--- names, those they point at and, when it prunes, those whose records may point at one of
--- its records (a delete must not leave them pointing at nothing).
function M.needed(acct, prune)
  local needed = {}
  local function add(resource)
    if needed[resource] then return end
    needed[resource] = true
    M.each_reference_field(resource, function(ref) add(ref.resource) end)
  end
  for resource in pairs(acct.collections) do add(resource) end
  for resource in pairs(acct.singletons) do add(resource) end
  if prune then
    for _, resource in ipairs(model.collections) do
      M.each_reference_field(resource, function(ref)
        if acct.collections[ref.resource] then add(resource) end
      end)
    end
  end
  return needed
end

-- The name a record will have once the plan is applied (a rename in the file), or its own.
local function namer(live)
  return function(ref, id)
    local renamed = live.renamed[ref.resource]
    if renamed and renamed[id] then return renamed[id] end
    local index = live[ref.resource]
    local record = index and index.by_id and index.by_id[id]
    return record and record.name or nil
  end
end

--- file, marker = live.file_form(resource, record, live [, only]): a live record in the file's form
--- (only the fields named in the set `only`, and the metadata, when given):
--- writable fields, references by the name the record pointed at will have after the
--- plan, metadata without the ownership marker (a table when a JSON object), no secrets,
--- and a field the API leaves out holding its default. Also returns the marker.
function M.file_form(resource, record, live, only)
  local out = {}
  local names = namer(live)
  local marker
  for file_name, f in pairs(model.fields(resource)) do
    if only and not only[file_name] and f.api ~= "metadata" then goto next_field end
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
    elseif f.reference and f.reference.key == "id" and value ~= nil then
      value = names(f.reference, value) or value
    elseif value ~= nil then
      value = model.to_file(value, f.desc, names)
    end
    if value == nil and f.desc.default ~= nil then value = model.normalise(f.desc.default, f.desc) end
    out[file_name] = value
    ::next_field::
  end
  return out, marker
end

return M

-- luagate.account.model: what an account file may hold, derived from the resource catalogue,
-- and the two forms of a record: the file form (references by name, secrets as references,
-- metadata as a table, no server-filled fields) and the API form (ids, JSON text).
-- Nothing here names a resource's fields: a new catalogue entry needs no code.
local json = require "json"
local catalogue = require("luagate.catalogue").resources()

local null = json.null
local array_mt = getmetatable(json.array())

local M = {}

--- The member of a record's metadata JSON object that holds the ownership marker.
M.MARKER = "luagate"

--- Deepest nesting of a value the account walks (a file's table, a record).
M.MAX_DEPTH = 64

-- Fields of the file that are never sent: they steer the plan.
local EXTRAS = { name = true, renamedFrom = true, adopt = true, protect = true }

local function is_array(v) return type(v) == "table" and getmetatable(v) == array_mt end

--- The collections an account file may name, in reference order (a record is created after
--- every record it may point at, and deleted before them), then the singletons.
M.collections = {}
local function references_of(fields, found)
  for _, f in pairs(fields) do
    if f.reference and f.reference.resource then found[f.reference.resource] = true end
    if f.fields then references_of(f.fields, found) end
    if f.item then
      if f.item.fields then references_of(f.item.fields, found) end
      if f.item.item and f.item.item.fields then references_of(f.item.item.fields, found) end
    end
  end
  return found
end

do
  local names = {}
  for name, entry in pairs(catalogue) do
    if entry.kind ~= "readOnly" then names[#names + 1] = name end
  end
  table.sort(names, function(a, b) return catalogue[a].order < catalogue[b].order end)
  -- Depth-first topological order; a cycle between resources cannot be planned.
  local state, order = {}, {}
  local function visit(name, path)
    if state[name] == "done" then return end
    if state[name] == "visiting" then
      error(("luagate.account: the catalogue's references form a cycle: %s"):format(table.concat(path, " → ")))
    end
    state[name] = "visiting"
    local deps = {}
    for dep in pairs(references_of(catalogue[name].fields, {})) do
      if dep ~= name and catalogue[dep] and catalogue[dep].kind ~= "readOnly" then deps[#deps + 1] = dep end
    end
    table.sort(deps, function(a, b) return catalogue[a].order < catalogue[b].order end)
    for _, dep in ipairs(deps) do
      path[#path + 1] = dep
      visit(dep, path)
      path[#path] = nil
    end
    state[name] = "done"
    order[#order + 1] = name
  end
  for _, name in ipairs(names) do visit(name, { name }) end
  for i, name in ipairs(order) do
    M.collections[i] = name
    M.collections[name] = i
  end
end

--- entry = model.resource(name): the catalogue entry of a collection or singleton, or nil.
function M.resource(name)
  local entry = catalogue[name]
  if entry and entry.kind ~= "readOnly" then return entry end
  return nil
end

function M.is_singleton(name) return catalogue[name] and catalogue[name].kind == "singleton" end

-- Whether a catalogue field may be written (top level: create or update; nested: create).
local function writable(f, nested)
  if nested then return f.create ~= "no" end
  return f.create ~= "no" or f.update ~= "no"
end

-- A reference to a record by its id, written in the file as that record's name.
local function id_reference(f) return f.reference and f.reference.key == "id" and f.reference or nil end

--- The file's name for a field that points at a record by id: its read-side name
--- (`accessKeyConfiguration`), else the field's name without its `Id` suffix.
function M.file_name(field_name, f)
  local ref = id_reference(f)
  if not ref then return field_name end
  return ref.shownAs or field_name:gsub("Id$", "")
end

-- An object type that points at a record by id (a router step's key): written as a name.
local function named_object(desc)
  local idf = desc.fields and desc.fields.id
  return idf and id_reference(idf) or nil
end

--- fields = model.fields(resource): the file's fields of a resource by file name:
--- {api = the API field, desc = its catalogue description, secret = bool, reference = ref?}.
local field_cache = {}
function M.fields(resource)
  if field_cache[resource] then return field_cache[resource] end
  local entry = M.resource(resource)
  local fields = {}
  for name, f in pairs(entry.fields) do
    if writable(f) then
      fields[M.file_name(name, f)] = {
        api = name, desc = f, secret = f.secrecy == "writeOnly", reference = id_reference(f),
      }
    end
  end
  field_cache[resource] = fields
  return fields
end

--- model.references_in(desc, fn): fn(ref) for every reference a field's description holds,
--- at any depth (a router step's keys, a configuration's allowed providers, …).
function M.references_in(desc, fn, depth)
  depth = depth or 1
  if not desc or depth > M.MAX_DEPTH then return end
  if desc.reference and M.resource(desc.reference.resource) then fn(desc.reference) end
  for _, member in pairs(desc.fields or {}) do M.references_in(member, fn, depth + 1) end
  M.references_in(desc.item, fn, depth + 1)
end

--- The fields of a resource (as model.fields gives them) that hold, at any depth, a
--- reference by a key other than the id (a provider's `providerId`).
local key_ref_cache = {}
function M.key_reference_fields(resource)
  if key_ref_cache[resource] then return key_ref_cache[resource] end
  local list = {}
  for _, f in pairs(M.fields(resource)) do
    local by_key = false
    M.references_in(f.desc, function(ref) by_key = by_key or ref.key ~= "id" end)
    if by_key then list[#list + 1] = f end
  end
  key_ref_cache[resource] = list
  return list
end

--- The field holding a secret that is sent and never read back (`value`), or nil.
function M.secret_field(resource)
  for name, f in pairs(M.resource(resource).fields) do
    if f.secrecy == "writeOnly" and writable(f) then return name end
  end
end

--- Whether created records return a token once (access keys, API keys): `tokenFile` applies.
function M.returns_token(resource)
  for _, f in pairs(M.resource(resource).fields) do
    if f.secrecy == "returnedOnce" then return true end
  end
  return false
end

--- Whether records have a metadata field (the ownership marker lives there).
function M.has_metadata(resource)
  local f = M.resource(resource).fields.metadata
  return f ~= nil and writable(f)
end

--- Whether the resource can rotate its secret (`secretVersion` applies).
function M.rotates(resource)
  for _, action in ipairs(M.resource(resource).actions or {}) do
    if action == "rotate" then return true end
  end
  return false
end

--- The names a record of `resource` may use in the file, sorted (for messages).
function M.allowed(resource)
  local names = {}
  for name in pairs(EXTRAS) do names[#names + 1] = name end
  for name in pairs(M.fields(resource)) do
    if not EXTRAS[name] then names[#names + 1] = name end
  end
  if M.rotates(resource) then names[#names + 1] = "secretVersion" end
  if M.returns_token(resource) then names[#names + 1] = "tokenFile" end
  if M.is_singleton(resource) then
    local kept = {}
    for _, n in ipairs(names) do
      if not EXTRAS[n] or n == "name" and M.fields(resource).name then kept[#kept + 1] = n end
    end
    names = kept
  end
  table.sort(names)
  return names
end

-- A number as JSON would compare it: integral floats as integers (2000.0 is 2000).
local function number(v)
  if math.type(v) == "float" and v == math.floor(v) and v > -2 ^ 53 and v < 2 ^ 53 then return math.tointeger(v) end
  return v
end

--- v = model.to_file(value, desc, names): a value read from the API in the file's form:
--- members nobody writes dropped (ids of nested items, redacted keys), members holding
--- their default dropped, records pointed at by id written as their name (`names(ref,
--- id)` gives it, or nil when unknown: then the id is kept).
function M.to_file(value, desc, names, depth)
  depth = depth or 1
  if depth > M.MAX_DEPTH then error("nested too deeply", 0) end
  if value == nil or value == null then return nil end
  if desc and named_object(desc) and type(value) == "table" then
    local ref = named_object(desc)
    return value.id and (names(ref, value.id) or value.id) or value.name
  end
  if desc and desc.type == "array" and type(value) == "table" then
    local out = json.array()
    for i, item in ipairs(value) do out[i] = M.to_file(item, desc.item, names, depth + 1) end
    return out
  end
  if desc and desc.fields and type(value) == "table" then
    local out = {}
    for k, v in pairs(value) do
      local f = desc.fields[k]
      if f == nil then
        out[k] = M.to_file(v, nil, names, depth + 1) -- a member the catalogue does not know: kept
      elseif writable(f, true) and f.secrecy == nil then
        local converted = M.to_file(v, f, names, depth + 1)
        if not (f.default ~= nil and M.same(converted, f.default)) then out[k] = converted end
      end
    end
    return out
  end
  if type(value) == "table" then
    local out = is_array(value) and json.array() or {}
    for k, v in pairs(value) do out[k] = M.to_file(v, nil, names, depth + 1) end
    return out
  end
  if type(value) == "number" then return number(value) end
  return value
end

--- v = model.normalise(value, desc): a value from the file in the form to_file gives: lists
--- marked as arrays, members holding their default dropped (so `{}` and an absent list
--- compare equal where the API fills one in).
function M.normalise(value, desc, depth)
  depth = depth or 1
  if depth > M.MAX_DEPTH then error("nested too deeply", 0) end
  if type(value) == "number" then return number(value) end
  if type(value) ~= "table" or value == null then return value end
  if desc and named_object(desc) then return value end
  if desc and desc.type == "array" then
    local out = json.array()
    for i, item in ipairs(value) do out[i] = M.normalise(item, desc.item, depth + 1) end
    return out
  end
  if desc and desc.fields then
    local out = {}
    for k, v in pairs(value) do
      local f = desc.fields[k]
      local converted = M.normalise(v, f, depth + 1)
      if not (f and f.default ~= nil and M.same(converted, f.default)) then out[k] = converted end
    end
    return out
  end
  local out = is_array(value) and json.array() or {}
  for k, v in pairs(value) do out[k] = M.normalise(v, nil, depth + 1) end
  if next(out) ~= nil and #out > 0 then setmetatable(out, array_mt) end
  return out
end

--- v = model.project(live, want, desc): the live value without the members of known shapes
--- that the catalogue does not describe and `want` does not name (a member the API added
--- since is not a difference until the file names it). Items of lists are compared whole:
--- a member removed from one is a difference.
function M.project(live, want, desc, depth)
  depth = depth or 1
  if depth > M.MAX_DEPTH or type(live) ~= "table" or live == null or not desc then return live end
  if desc.type == "array" or not desc.fields or named_object(desc) then return live end
  local out = {}
  for k, v in pairs(live) do
    local f = desc.fields[k]
    if f then
      out[k] = M.project(v, type(want) == "table" and want[k] or nil, f, depth + 1)
    elseif type(want) == "table" and want[k] ~= nil then
      out[k] = v
    end
  end
  return out
end

--- text = model.canonical(v): a value as sorted-key JSON, for comparing (nil and json.null: "null").
function M.canonical(v)
  if v == nil or v == null then return "null" end
  local ok, text = pcall(json.encode, v)
  return ok and text or tostring(v)
end

-- Deep equality of two values as JSON sees them (an empty list equals an empty object:
-- the file cannot tell them apart).
local function equal(a, b, depth)
  if a == nil then a = null end
  if b == nil then b = null end
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  if depth > M.MAX_DEPTH then return M.canonical(a) == M.canonical(b) end
  local n = 0
  for k, v in pairs(a) do
    if b[k] == nil or not equal(v, b[k], depth + 1) then return false end
    n = n + 1
  end
  for _ in pairs(b) do
    n = n - 1
    if n < 0 then return false end
  end
  return n == 0
end

--- Whether two values of the file's form are the same (as JSON: 2000.0 is 2000).
function M.same(a, b) return equal(a, b, 1) end

--- v = model.to_api(value, desc, ids): a value of the file in the API's form: names of
--- records pointed at by id replaced by `ids(ref, name)` (which raises when unknown).
function M.to_api(value, desc, ids, depth)
  depth = depth or 1
  if depth > M.MAX_DEPTH then error("nested too deeply", 0) end
  if value == nil or value == null then return value end
  if desc and named_object(desc) then
    return { id = ids(named_object(desc), value) }
  end
  if desc and desc.reference and desc.reference.key == "id" and type(value) == "string" then
    return ids(desc.reference, value)
  end
  if desc and desc.type == "array" and type(value) == "table" then
    local out = json.array()
    for i, item in ipairs(value) do out[i] = M.to_api(item, desc.item, ids, depth + 1) end
    return out
  end
  if desc and desc.fields and type(value) == "table" then
    local out = {}
    for k, v in pairs(value) do out[k] = M.to_api(v, desc.fields[k], ids, depth + 1) end
    return out
  end
  return value
end

--- model.each_reference(value, desc, fn, path): calls fn(ref, value, path) for every record a
--- file's value points at, nested ones included: by name (`ref.key` "id": `value` is the
--- record's name) or by another key (`ref.key` "providerId": `value` is that key's value).
function M.each_reference(value, desc, fn, path, depth)
  depth = depth or 1
  if depth > M.MAX_DEPTH then error("nested too deeply", 0) end
  if not desc or value == nil or value == null then return end
  local named = named_object(desc)
  if named then
    fn(named, value, path)
  elseif desc.reference and type(value) == "string" then
    fn(desc.reference, value, path)
  elseif desc.reference and type(value) == "table" then -- a list of keys (`allow = {"openai"}`)
    for i, item in ipairs(value) do
      if type(item) == "string" then fn(desc.reference, item, ("%s[%d]"):format(path, i)) end
    end
  elseif desc.type == "array" and type(value) == "table" then
    for i, item in ipairs(value) do M.each_reference(item, desc.item, fn, ("%s[%d]"):format(path, i), depth + 1) end
  elseif desc.fields and type(value) == "table" then
    for k, v in pairs(value) do
      if type(k) == "string" then M.each_reference(v, desc.fields[k], fn, path .. "." .. k, depth + 1) end
    end
  end
end

--- marker, rest, kind = model.split_metadata(text): the ownership marker of a record's
--- metadata (a table, or nil), the rest (a table for a JSON object, the text otherwise, nil
--- when empty) and "object", "text" or "none".
function M.split_metadata(text)
  if text == nil or text == null or text == "" then return nil, nil, "none" end
  local ok, value = pcall(json.decode, text)
  if not ok or type(value) ~= "table" or is_array(value) then return nil, text, "text" end
  local marker = value[M.MARKER]
  value[M.MARKER] = nil
  if type(marker) ~= "table" or is_array(marker) then
    if marker ~= nil then value[M.MARKER] = marker end
    marker = nil
  end
  return marker, next(value) ~= nil and value or nil, "object"
end

--- text = model.join_metadata(rest, marker): metadata text holding `rest` (a table or
--- text) and the marker (a table, or nil); nil for nothing at all.
function M.join_metadata(rest, marker)
  if type(rest) == "string" then return rest end
  local object = {}
  for k, v in pairs(rest or {}) do object[k] = v end
  if marker and next(marker) ~= nil then object[M.MARKER] = marker end
  if next(object) == nil then return nil end
  return json.encode(object)
end

return M

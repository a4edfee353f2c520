-- luagate.metadata: metadata is a free string, but most people keep a JSON object in it.
-- Decoding, canonical encoding, and plans (luagate.plan) that set, merge, remove or
-- template it; the same builders work for `description` (spec.field = "description").
local json = require "json"
local plan = require "luagate.plan"

local null = json.null
local array_mt = getmetatable(json.array())

local M = {}

--- The length limit of metadata, in characters.
M.limit = plan.limits.metadata

--- t | nil, reason = metadata.decode(key_or_string): the JSON object in a key's metadata
--- (or in a string); absent or empty metadata is an empty table; anything else that is
--- not a JSON object gives nil and why.
function M.decode(v)
  local text = v
  if type(v) == "table" then text = v.metadata end
  if text ~= nil and text ~= null and type(text) ~= "string" then
    plan._argerror(("bad argument #1 to 'decode' (key or string expected, got %s)"):format(type(v)))
  end
  return plan.decode_object(text)
end

--- s = metadata.encode(t): compact JSON with sorted keys; raises if it is longer than
--- metadata.limit characters.
function M.encode(t)
  if type(t) ~= "table" then
    plan._argerror(("bad argument #1 to 'encode' (table expected, got %s)"):format(type(t)))
  end
  local text = json.encode(t)
  local length = utf8.len(text)
  if length > M.limit then
    plan._argerror(("metadata.encode: at most %d characters (got %d)"):format(M.limit, length))
  end
  return text
end

local function is_object(v) return type(v) == "table" and getmetatable(v) ~= array_mt end

local function copy(v)
  if type(v) ~= "table" then return v end
  local t = {}
  for k, x in pairs(v) do t[k] = copy(x) end
  return setmetatable(t, getmetatable(v) == array_mt and array_mt or nil)
end

local function equal(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  if is_object(a) ~= is_object(b) then return false end
  for k, x in pairs(a) do
    if not equal(x, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

--- metadata.merge(target, patch): JSON Merge Patch (RFC 7396) of patch into target, in
--- place: objects merge key by key, json.null removes a key, anything else replaces.
function M.merge(target, patch)
  for k, v in pairs(patch) do
    if v == null then
      target[k] = nil
    elseif is_object(v) then
      target[k] = M.merge(is_object(target[k]) and target[k] or {}, v)
    else
      target[k] = copy(v)
    end
  end
  return target
end

local SPEC_KEYS = {
  set = true, merge = true, remove = true, template = true, vars = true, pad = true,
  strict = true, partials = true, escape = true, overwrite_non_json = true, field = true,
}

-- A set/merge value: a table, or a template rendering to a JSON object.
local function object_of(spec, value, key, index, what)
  if type(value) == "table" then return value end
  local ok, text = plan.render(spec, value, key, index, "json")
  if not ok then return nil, text end
  local t, reason = plan.decode_object(text)
  if not t then return nil, ("%s template gave %s: %s"):format(what, reason, text) end
  return t
end

-- The builder a spec describes: (key, index) → new value | nil (leave the key out),
-- refused reason, error; or nil and what is wrong with the spec.
local function builder(spec, field)
  if type(spec) == "function" then
    return function(key)
      local decoded, reason = plan.decode_object(key[field])
      local new = spec(key, decoded, reason)
      if type(new) == "table" then new = json.encode(new) end
      return new
    end
  end

  local problem = plan.check_template_spec(spec)
  if problem then return nil, problem end
  if spec.template ~= nil then
    if spec.escape ~= nil and spec.escape ~= "none" and spec.escape ~= "json" and spec.escape ~= "html" then
      return nil, "escape must be \"none\", \"json\" or \"html\""
    end
    return function(key, index)
      local ok, text = plan.render(spec, spec.template, key, index, spec.escape or "json")
      -- Without an explicit escape: JSON escaping when the result is JSON, none otherwise.
      if ok and not spec.escape and not pcall(json.decode, text) then
        ok, text = plan.render(spec, spec.template, key, index, "none")
      end
      if not ok then return nil, nil, text end
      return text
    end
  end

  if spec.set == nil and spec.merge == nil and spec.remove == nil then
    return nil, "spec needs set, merge, remove or template, or a function"
  end
  for _, op in ipairs { "set", "merge" } do
    local t = type(spec[op])
    if spec[op] ~= nil and t ~= "table" and t ~= "string" then
      return nil, op .. " must be a table or a template string"
    end
  end
  if spec.remove ~= nil and type(spec.remove) ~= "table" then return nil, "remove must be a list of names" end
  return function(key, index)
    local current = key[field]
    local base, reason = plan.decode_object(current)
    local refused
    if not base then
      base = {}
      if not spec.overwrite_non_json then
        refused = ("%s is %s; set overwrite_non_json = true to replace it"):format(field, reason)
      end
    end
    local new = copy(base)
    for _, name in ipairs(spec.remove or {}) do new[name] = nil end
    if spec.set ~= nil then
      local set, err = object_of(spec, spec.set, key, index, "set")
      if not set then return nil, nil, err end
      for k, v in pairs(set) do new[k] = copy(v) end
    end
    if spec.merge ~= nil then
      local patch, err = object_of(spec, spec.merge, key, index, "merge")
      if not patch then return nil, nil, err end
      M.merge(new, patch)
    end
    if not refused and reason == nil and equal(new, base) then
      return current == nil and null or current -- unchanged: the text stays as it is
    end
    return json.encode(new), refused
  end
end

local function build(fname, keys, spec, opts)
  local invalid = plan.check_keys(fname, keys, { "id" })
  if invalid then return nil, invalid end
  local field = "metadata"
  if type(spec) == "table" then
    for k in pairs(spec) do
      if not SPEC_KEYS[k] then
        return nil, ("bad argument #2 to '%s' (unknown spec field '%s')"):format(fname, tostring(k))
      end
    end
    field = spec.field or field
    if field ~= "metadata" and field ~= "description" then
      return nil, ("bad argument #2 to '%s' (field must be \"metadata\" or \"description\")"):format(fname)
    end
  elseif type(spec) ~= "function" then
    return nil, ("bad argument #2 to '%s' (table or function expected, got %s)"):format(fname, type(spec))
  end
  local build_one, problem = builder(spec, field)
  if not build_one then return nil, ("bad argument #2 to '%s' (%s)"):format(fname, problem) end

  local changes = {}
  for i, key in ipairs(keys) do
    local new, refused, err = build_one(key, i)
    if err then return nil, ("metadata.%s: key %s: %s"):format(fname, key.id or plan.resource_of(key), err) end
    if new ~= nil then
      changes[#changes + 1] = {
        resource = plan.resource_of(key), id = key.id, before = { [field] = key[field] }, after = { [field] = new },
        -- What apply checks is still so before sending (json.null: the field was absent).
        expect = { [field] = key[field] == nil and json.null or key[field] },
        refused = refused,
        -- apply{on_drift = "replan"}: the same change of the record as it is now.
        replan = function(current)
          local again, still_refused, why = build_one(current, i)
          if why or still_refused then error(why or still_refused, 0) end
          return again ~= nil and { [field] = again } or nil
        end,
      }
    end
  end
  return plan.new(changes, { keys = (opts or {}).existing or keys })
end

--- p = metadata.plan(keys, spec [, opts]): a plan changing each key's metadata. spec:
--- {set = {...}} sets top-level keys and keeps the others; {merge = {...}} deep-merges
--- (RFC 7396); {remove = {"k", ...}} removes keys (set, merge and remove combine, applied
--- remove → set → merge; set and merge may also be Mustache templates rendering to a
--- JSON object); {template = MUSTACHE, vars = ...} replaces the text (values JSON-escaped
--- when the result is JSON); or a function (key, decoded, reason) → new text | table | nil.
--- Non-JSON metadata is never overwritten by set/merge/remove: the change is refused
--- unless spec.overwrite_non_json = true. spec.field = "description" targets descriptions.
function M.plan(keys, spec, opts)
  local p, err = build("plan", keys, spec, opts)
  if not p then plan._argerror(err) end
  return p
end

--- report = metadata.apply(keys, spec [, opts]): metadata.plan, then plan.run (show,
--- apply, print the report).
function M.apply(keys, spec, opts)
  local p, err = build("apply", keys, spec, opts)
  if not p then plan._argerror(err) end
  return plan.run(p, opts)
end

return M

-- luagate.rename: bulk renames of records (provider keys, access keys, API keys, …) as
-- reviewable plans (luagate.plan).
local plan = require "luagate.plan"

local M = {}

-- The renamer a spec describes: (key, index) → new name | nil, or nil and why not;
-- or nil and what is wrong with the spec.
local function renamer(spec)
  if type(spec) == "function" then return spec end
  if type(spec) ~= "table" then return nil, "function or table expected, got " .. type(spec) end
  if spec.pattern ~= nil then
    if type(spec.pattern) ~= "string" then return nil, "pattern must be a string" end
    local r = type(spec.replace)
    if r ~= "string" and r ~= "table" and r ~= "function" then
      return nil, "replace must be a string, a table or a function (as for string.gsub)"
    end
    return function(key)
      local ok, new, count = pcall(string.gsub, key.name, spec.pattern, spec.replace, spec.n)
      if not ok then return nil, ("pattern %q: %s"):format(spec.pattern, new) end
      if count == 0 then return nil end
      return new
    end
  end
  if spec.template ~= nil then
    local problem = plan.check_template_spec(spec)
    if problem then return nil, problem end
    return function(key, index)
      local ok, new = plan.render(spec, spec.template, key, index)
      if ok then return new end
      return nil, new
    end
  end
  return nil, "spec needs pattern = … (with replace) or template = …"
end

-- The plan for `keys`, or nil and an error message.
local function build(fname, keys, spec, opts)
  local invalid = plan.check_keys(fname, keys, { "id", "name" })
  if invalid then return nil, invalid end
  local rename, problem = renamer(spec)
  if not rename then return nil, ("bad argument #2 to '%s' (%s)"):format(fname, problem) end
  opts = opts or {}
  local changes = {}
  for i, key in ipairs(keys) do
    local new, why = rename(key, i)
    if why then return nil, ("rename.%s: key %s (%q): %s"):format(fname, key.id, key.name, why) end
    if new ~= nil then
      changes[#changes + 1] = {
        resource = plan.resource_of(key), id = key.id, before = { name = key.name }, after = { name = new },
        -- apply{on_drift = "replan"}: the same rename of the record as it is now.
        replan = function(current)
          local again, reason = rename(current, i)
          if reason then error(reason, 0) end
          return again ~= nil and { name = again } or nil
        end,
      }
    end
  end
  return plan.new(changes, { keys = opts.existing or keys, allow_duplicates = opts.allow_duplicates })
end

-- The plan, or raises err at the level of whoever called the public function. Called
-- as `return (checked(…))`: the parentheses keep it from being a tail call.
local function checked(p, err)
  if not p then plan._argerror(err) end
  return p
end

--- p = rename.plan(keys, spec [, {allow_duplicates = false, existing = keys}])
--- spec: a function (key, index) → new name | nil (nil: leave the key out);
--- {pattern = LUAPATTERN, replace = REPL [, n = max]}: string.gsub on the name (keys it
--- does not match are left out); {template = MUSTACHE [, vars =, pad =, strict =, partials =]}:
--- rendered with the key's fields, `meta`, `vars` and `index` (1-based, zero-padded to
--- `pad` digits). New names are checked against `existing` (default: `keys`).
function M.plan(keys, spec, opts) return (checked(build("plan", keys, spec, opts))) end

local function starts(s, p) return s:sub(1, #p) == p end

local function string_arg(fname, value)
  if type(value) ~= "string" then
    plan._argerror(("bad argument #2 to '%s' (string expected, got %s)"):format(fname, type(value)))
  end
end

--- p = rename.prefix(keys, p [, opts]): "p" .. name; names that already start with p stay.
function M.prefix(keys, p, opts)
  string_arg("prefix", p)
  return (checked(build("prefix", keys, function(key)
    return starts(key.name, p) and key.name or p .. key.name
  end, opts)))
end

--- p = rename.strip_prefix(keys, p [, opts]): removes p from names that start with it.
function M.strip_prefix(keys, p, opts)
  string_arg("strip_prefix", p)
  return (checked(build("strip_prefix", keys, function(key)
    if starts(key.name, p) then return key.name:sub(#p + 1) end
  end, opts)))
end

--- p = rename.suffix(keys, s [, opts]): name .. "s"; names that already end with s stay.
function M.suffix(keys, s, opts)
  string_arg("suffix", s)
  return (checked(build("suffix", keys, function(key)
    return (s == "" or key.name:sub(-#s) == s) and key.name or key.name .. s
  end, opts)))
end

--- p = rename.lower(keys [, opts]), rename.upper(keys [, opts]): ASCII letters of the
--- names to lower or upper case (other characters are kept).
function M.lower(keys, opts)
  return (checked(build("lower", keys, function(key) return key.name:lower() end, opts)))
end

function M.upper(keys, opts)
  return (checked(build("upper", keys, function(key) return key.name:upper() end, opts)))
end

--- report = rename.apply(keys, spec [, opts]): rename.plan, then plan.run: shows the
--- plan, applies it (opts: concurrency, on_error, progress, allow_duplicates, existing)
--- and prints the report.
function M.apply(keys, spec, opts)
  return plan.run(checked(build("apply", keys, spec, opts)), opts)
end

return M

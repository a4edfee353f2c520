-- luagate.account.export: the live account written as an account file: references by
-- name, secrets as account.env placeholders named after their records, server-filled
-- fields left out, no ids, a stable order. Planning the file against the same account
-- gives an empty plan.
local json = require "json"
local model = require "luagate.account.model"
local live_form = require "luagate.account.live"

local null = json.null
local array_mt = getmetatable(json.array())

local M = {}

local KEYWORDS = {}
for word in ([[and break do else elseif end false for function goto if in local nil not or repeat return then
  true until while]]):gmatch("%a+") do KEYWORDS[word] = true end

-- A Lua string literal: quotes, backslashes and control characters escaped, UTF-8 kept.
local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    local named = { ["\n"] = "\\n", ["\t"] = "\\t", ["\r"] = "\\r", ['"'] = '\\"', ["\\"] = "\\\\" }
    return named[c] or ("\\%03d"):format(c:byte())
  end) .. '"'
end

local function key_text(k)
  if type(k) == "string" and k:find("^[%a_][%w_]*$") and not KEYWORDS[k] then return k end
  if type(k) == "string" then return "[" .. quote(k) .. "]" end
  return "[" .. tostring(k) .. "]"
end

-- A secret's placeholder in the exported file: account.env "NAME".
local Env = {}

-- Lua source of a value (`indent`: the current line's indentation).
local function value_text(v, indent, depth)
  depth = depth or 1
  if depth > model.MAX_DEPTH then error("export: nested too deeply", 0) end
  if v == null then return "account.null" end
  if getmetatable(v) == Env then return "account.env " .. quote(v.name) end
  if type(v) == "string" then return quote(v) end
  if type(v) == "number" then
    if math.type(v) == "float" and v == math.floor(v) and v > -2^53 and v < 2^53 then return ("%.1f"):format(v) end
    return tostring(v)
  end
  if type(v) ~= "table" then return tostring(v) end
  if getmetatable(v) == array_mt or (#v > 0) then
    if #v == 0 then return "{}" end
    local items, simple = {}, true
    for i, item in ipairs(v) do
      items[i] = value_text(item, indent .. "  ", depth + 1)
      if type(item) == "table" then simple = false end
    end
    local inline = "{ " .. table.concat(items, ", ") .. " }"
    if simple and #inline + #indent < 100 then return inline end
    return "{\n" .. indent .. "  " .. table.concat(items, ",\n" .. indent .. "  ") .. ",\n" .. indent .. "}"
  end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  if #keys == 0 then return "{}" end
  table.sort(keys, function(a, b)
    if a == "name" or b == "name" then return a == "name" and b ~= "name" end
    return tostring(a) < tostring(b)
  end)
  local parts = {}
  for i, k in ipairs(keys) do parts[i] = key_text(k) .. " = " .. value_text(v[k], indent .. "  ", depth + 1) end
  local inline = "{ " .. table.concat(parts, ", ") .. " }"
  if #inline + #indent < 100 and not inline:find("\n") then return inline end
  return "{\n" .. indent .. "  " .. table.concat(parts, ",\n" .. indent .. "  ") .. ",\n" .. indent .. "}"
end

-- The environment variable a record's secret is read from: PROVIDER_KEY_OPENAI_PROD.
local function env_name(resource, name, used)
  local base = (model.resource(resource).singular .. "_" .. name):upper():gsub("[^%w]+", "_"):gsub("^_+",
    ""):gsub("_+$", "")
  if base:find("^%d") then base = "_" .. base end
  local candidate, n = base, 1
  while used[candidate] do
    n = n + 1
    candidate = base .. "_" .. n
  end
  used[candidate] = true
  return candidate
end

-- Leaves out the fields holding the value the API gives when none is written.
local function server_filled_out(resource, file)
  for file_name, f in pairs(model.fields(resource)) do
    if f.desc.default ~= nil and model.same(file[file_name], model.normalise(f.desc.default, f.desc)) then
      file[file_name] = nil
    end
  end
  return file
end

--- text, counts = export.text{collections = {names}, stack = "name"}: the account file.
function M.text(opts)
  local refuse = require("luagate.plan")._refuse
  local wanted = {}
  if opts.stack ~= nil and (type(opts.stack) ~= "string" or not opts.stack:find("^[%w._-]+$") or #opts.stack > 64) then
    refuse { code = "argument", operation = "account.export",
      message = "--stack: letters, digits, '.', '_' or '-', at most 64 characters" }
  end
  if opts.collections and #opts.collections == 0 then
    refuse { code = "argument", operation = "account.export", message = "--collections: no collection named" }
  end
  if opts.collections then
    for _, name in ipairs(opts.collections) do
      if not model.resource(name) then
        local all = {}
        for _, n in ipairs(model.collections) do all[#all + 1] = n end
        refuse { code = "argument", operation = "account.export",
          message = ("--collections: unknown collection '%s' (an account has: %s)"):format(name, table.concat(all,
            ", ")) }
      end
      wanted[name] = true
    end
  else
    for _, name in ipairs(model.collections) do wanted[name] = true end
  end
  local needed = {}
  for name in pairs(wanted) do needed[name] = true end
  local acct = { collections = {}, singletons = {} }
  for name in pairs(wanted) do
    if model.is_singleton(name) then acct.singletons[name] = {} else acct.collections[name] = {} end
  end
  for name in pairs(live_form.needed(acct)) do needed[name] = true end
  local live = live_form.read(needed)

  local out, used_env, counts, left_out = {}, {}, { records = 0, collections = 0 }, {}
  out[#out + 1] = ("-- The ngrok.ai account as exported by luagate on %s.\n"):format(os.date("!%Y-%m-%d %H:%M UTC"))
  out[#out + 1] = "-- Secrets are read at apply from the environment variables named below.\n"
  out[#out + 1] = 'local account = require "luagate.account"\n\nreturn account {\n'
  out[#out + 1] = false -- the stack: known once the records are read
  local stack_line = #out
  local stacks = {}
  local secret_lines = {}
  for _, resource in ipairs(model.collections) do
    if wanted[resource] then
      counts.collections = counts.collections + 1
      if model.is_singleton(resource) and not live[resource].record then
        counts.collections = counts.collections - 1
        left_out[#left_out + 1] = ("%s: the account has none"):format(resource)
      elseif model.is_singleton(resource) then
        local record = server_filled_out(resource, (live_form.file_form(resource, live[resource].record, live)))
        record.name = nil
        out[#out + 1] = ("  %s = %s,\n"):format(resource, value_text(record, "  "))
        counts.records = counts.records + 1
      else
        local records = {}
        for _, record in ipairs(live[resource].records) do
          local name = record.name
          if type(name) ~= "string" or name == "" then
            left_out[#left_out + 1] = ("%s %s has no name"):format(resource, record.id)
          elseif #live[resource].by_name[name] > 1 then
            left_out[#left_out + 1] = ("%s %s: its name %q is not unique"):format(resource, record.id, name)
          else
            records[#records + 1] = record
          end
        end
        table.sort(records, function(a, b) return a.name < b.name end)
        local secret = model.secret_field(resource)
        local items = {}
        for i, record in ipairs(records) do
          local file, marker = live_form.file_form(resource, record, live)
          server_filled_out(resource, file)
          if marker and type(marker.stack) == "string" then stacks[marker.stack] = (stacks[marker.stack] or 0) + 1 end
          if secret then
            local var = env_name(resource, record.name, used_env)
            file[secret] = setmetatable({ name = var }, Env)
            secret_lines[#secret_lines + 1] = var
          end
          if marker and marker.secretVersion then file.secretVersion = tostring(marker.secretVersion) end
          if marker and marker.protect == true then file.protect = true end
          local text = value_text(file, "    ")
          items[i] = "    " .. text .. ",\n"
        end
        counts.records = counts.records + #records
        if #items == 0 then
          out[#out + 1] = ("  %s = {},\n"):format(resource)
        else
          out[#out + 1] = ("  %s = {\n%s  },\n"):format(resource, table.concat(items))
        end
      end
    end
  end
  out[#out + 1] = "}\n"
  -- The stack most records belong to, unless one was asked for.
  local stack = opts.stack
  if not stack then
    local best = 0
    for name, n in pairs(stacks) do
      if n > best or (n == best and name < stack) then stack, best = name, n end
    end
  end
  out[stack_line] = ("  stack = %s,\n"):format(quote(stack or "main"))
  if #left_out > 0 then
    local lines = { "-- Left out (records are matched by a unique name):\n" }
    for _, line in ipairs(left_out) do lines[#lines + 1] = "--   " .. line .. "\n" end
    table.insert(out, 3, table.concat(lines))
  end
  if #secret_lines > 0 then
    local wrapped, line = {}, "-- Needed only to create or rotate keys:"
    for _, name in ipairs(secret_lines) do
      if #line + #name > 98 then
        wrapped[#wrapped + 1] = line .. "\n"
        line = "--  "
      end
      line = line .. " " .. name
    end
    wrapped[#wrapped + 1] = line .. "\n"
    table.insert(out, 3, table.concat(wrapped))
  end
  return table.concat(out), counts
end

return M

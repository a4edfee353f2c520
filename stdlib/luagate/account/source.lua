-- luagate.account.source: reading an account file (and the files it includes) into a
-- checked description: every problem the file alone shows, with file and line, before
-- anything is read from or sent to the API.
local json = require "json"
local model = require "luagate.account.model"
local plan = require "luagate.plan"

local null = json.null

local M = {}

local Account = { __name = "luagate.account" }
local Secret = { __name = "luagate.account.secret" }
M.Account, M.Secret = Account, Secret

local READ_ONLY = { usage = true, credits = true, models = true }

--- path = source.beside(file, name): `name` relative to the folder of `file` (as given when
--- absolute). Includes, secret files and token files are found beside the account file.
function M.beside(file, name)
  if name:sub(1, 1) == "/" then return name end
  local folder = file:match("^(.*)/[^/]*$")
  return folder and folder .. "/" .. name or name
end
local beside = M.beside

--- ref = source.secret(kind, where): a secret read at apply (`kind` "env" or "file").
function M.secret(kind, where)
  if type(where) ~= "string" or where == "" then
    plan._argerror(("bad argument #1 to '%s' (%s expected, got %s)"):format(kind,
      kind == "env" and "an environment variable's name" or "a file's path",
      where == "" and "an empty string" or type(where)))
  end
  if kind == "file" then where = M.beside(M.reading or "", where) end
  return setmetatable({ kind = kind, [kind == "env" and "name" or "path"] = where }, Secret)
end

function M.is_secret(v) return getmetatable(v) == Secret end

--- How a secret reference reads in plans: `env OPENAI_KEY`, `file /run/secrets/x`.
function M.describe_secret(ref)
  return ref.kind == "env" and "env " .. ref.name or "file " .. ref.path
end

--- value | nil, why = source.resolve(ref): the secret's value (a file's content without its
--- trailing newline).
function M.resolve(ref)
  if ref.kind == "env" then
    local value = os.getenv(ref.name)
    if value == nil or value == "" then return nil, ("environment variable %s is not set"):format(ref.name) end
    return value
  end
  local f, err = io.open(ref.path, "rb")
  if not f then return nil, ("cannot read the secret file: %s"):format(err) end
  local value = f:read("a")
  f:close()
  value = value and value:gsub("\r?\n$", "")
  if not value or value == "" then return nil, ("the secret file %s is empty"):format(ref.path) end
  return value
end

--- t = account(t): marks a table as an account description (what an account file returns).
function M.new(t)
  if type(t) ~= "table" then
    plan._argerror(("bad argument #1 to 'account' (table expected, got %s)"):format(type(t)))
  end
  if getmetatable(t) ~= nil and getmetatable(t) ~= Account then
    plan._argerror("bad argument #1 to 'account' (a plain table expected)")
  end
  return setmetatable(t, Account)
end

-- Where things are in a file's text, for messages: found = where(text) gives
-- found.line(pos), found.after(pattern) (the position of the first match, or 0) and
-- found.name(name, from, nth): the line of the nth `name = "x"` after position `from`.
-- Built in one pass over the text, so that a file of thousands of records loads in linear time.
local function where_in(text)
  local newlines, names, starts = {}, {}, {}
  local prefixed = "\n" .. text
  for pos in text:gmatch("()\n") do newlines[#newlines + 1] = pos end
  for pos, _, name in prefixed:gmatch("()[^%w_]name%s*=%s*([\"'])(.-)%2") do
    local list = names[name]
    if not list then
      list = {}
      names[name] = list
    end
    list[#list + 1] = pos
  end
  local found = {}
  function found.line(pos)
    local lo, hi = 1, #newlines
    while lo <= hi do
      local mid = (lo + hi) // 2
      if newlines[mid] < pos then lo = mid + 1 else hi = mid - 1 end
    end
    return lo
  end
  function found.after(pattern)
    if not starts[pattern] then starts[pattern] = prefixed:find(pattern) or 0 end
    return starts[pattern]
  end
  function found.name(name, from, nth)
    local list = type(name) == "string" and names[name]
    if not list then return nil end
    local lo, hi = 1, #list
    while lo <= hi do
      local mid = (lo + hi) // 2
      if list[mid] <= from then lo = mid + 1 else hi = mid - 1 end
    end
    local pos = list[lo + nth - 1]
    return pos and found.line(pos)
  end
  return found
end


-- Lua shortens a long chunk name to "...tail" in its messages: the file's whole path back.
local function untruncated(message, file)
  return (message:gsub("%.%.%.([^\n]-):(%d+):", function(tail, line)
    if file:sub(-#tail) == tail then return file .. ":" .. line .. ":" end
  end))
end

-- Problems found so far, each "where: what".
local Problems = {}
Problems.__index = Problems
local function problems() return setmetatable({ list = {} }, Problems) end
function Problems:add(where, message) self.list[#self.list + 1] = (where and where .. ": " or "") .. message end

--- The file's description of the account, read and checked: {stack =, prune =, file =,
--- hash =, collections = {name = {records...}}, singletons = {name = record}, order = {name...}}.
--- Each record carries `_where` ("file:line") for messages. Raises one error (code
--- "account") listing every problem. `opts.on_read(result)` is called once the file has run
--- and before its records are checked (a plan starts reading the account then).
function M.load(path, opts)
  local found = problems()
  local result = { file = path, collections = {}, singletons = {}, sources = {} }
  local texts = {}

  local function read(file)
    local f, err = io.open(file, "rb")
    if not f then return nil, err end
    local text = f:read("a")
    f:close()
    if not text then return nil, file .. ": not a file (a folder?)" end
    return text
  end

  local function evaluate(file, included_from)
    local text, err = read(file)
    if not text then
      found:add(included_from, ("cannot read %s"):format(err or (file .. ": not a file")))
      return nil
    end
    texts[file] = text
    result.sources[#result.sources + 1] = { file = file, text = text }
    local chunk, syntax = load(text, "@" .. file, "t")
    if not chunk then
      found:add(nil, untruncated(syntax, file))
      return nil
    end
    -- While the file runs, os.exit raises (an exit status would read as the plan's), and
    -- account.file paths are taken beside the file.
    local exit, reading = os.exit, M.reading
    os.exit = function() error(("%s: an account file cannot call os.exit"):format(file), 0) end -- luacheck: ignore
    M.reading = file
    local ok, value = xpcall(chunk, function(e)
      if type(e) == "table" then return e end
      return debug.traceback(tostring(e), 2)
    end)
    os.exit, M.reading = exit, reading -- luacheck: ignore
    if not ok then
      if type(value) == "table" then found:add(nil, untruncated(tostring(value.message or value), file))
      else found:add(nil, untruncated((tostring(value):gsub("\nstack traceback:.*", "")), file)) end
      return nil
    end
    if type(value) ~= "table" then
      found:add(file, ("must return an account (account { … }), returned %s"):format(type(value)))
      return nil
    end
    return value
  end

  local seen_files, occurrences, located = {}, {}, {}
  local unplaced = {} -- {record, collection, index, nth} whose line is found once the reads started
  local function locate(file)
    if not located[file] and texts[file] then located[file] = where_in(texts[file]) end
    return located[file]
  end
  local function merge(file, value, included_from, depth)
    if depth > 16 then
      found:add(included_from, "includes nest more than 16 deep")
      return
    end
    for key, v in pairs(value) do
      if type(key) ~= "string" then
        found:add(file, ("unexpected key %s at the top of the account (collections have names)"):format(tostring(key)))
      elseif key == "stack" or key == "prune" then
        if depth > 0 then found:add(file, ("'%s' belongs in the main account file"):format(key))
        else result[key] = v end
      elseif key == "include" then
        if type(v) ~= "table" then
          found:add(file, "include must be a list of file paths")
        else
          for i, name in ipairs(v) do
            if type(name) ~= "string" then
              found:add(file, ("include[%d] must be a file path"):format(i))
            else
              local target = beside(file, name)
              if seen_files[target] then
                found:add(file, ("%s is included more than once"):format(name))
              else
                seen_files[target] = true
                local inner = evaluate(target, file)
                if inner then merge(target, inner, file, depth + 1) end
              end
            end
          end
        end
      elseif READ_ONLY[key] then
        found:add(file, ("'%s' is not part of an account: it is read-only data, not configuration"):format(key))
      elseif not model.resource(key) then
        local names = {}
        for _, name in ipairs(model.collections) do names[#names + 1] = name end
        found:add(file, ("unknown collection '%s' (an account has: %s)"):format(key, table.concat(names, ", ")))
      elseif model.is_singleton(key) then
        if type(v) ~= "table" then
          found:add(file, ("%s must be a table of fields"):format(key))
        else
          local into = result.singletons[key]
          if not into then
            local at = locate(file) and locate(file).after("[^%w_]" .. key .. "%s*=")
            local line = at and at > 0 and locate(file).line(at) or nil
            into = { _where = line and ("%s:%d"):format(file, line) or file, _file = file }
            result.singletons[key] = into
          end
          for field, x in pairs(v) do
            if into[field] ~= nil then found:add(file, ("%s.%s is given twice"):format(key, tostring(field))) end
            into[field] = x
          end
        end
      else
        if type(v) ~= "table" then
          found:add(file, ("%s must be a list of records"):format(key))
        else
          local list = result.collections[key] or {}
          result.collections[key] = list
          local count = 0
          for _ in pairs(v) do count = count + 1 end
          if count ~= #v then found:add(file, ("%s must be a list of records (no other keys)"):format(key)) end
          for i, record in ipairs(v) do
            if type(record) ~= "table" then
              found:add(file, ("%s[%d] must be a table (got %s)"):format(key, i, type(record)))
            else
              local seen_key = file .. "\0" .. key .. "\0" .. tostring(record.name)
              occurrences[seen_key] = (occurrences[seen_key] or 0) + 1
              record._file = file
              unplaced[#unplaced + 1] = { record, key, i, occurrences[seen_key] }
              list[#list + 1] = record
            end
          end
        end
      end
    end
  end

  seen_files[path] = true
  local value = evaluate(path, nil)
  if value and getmetatable(value) ~= Account then
    found:add(path, 'must return account { … } (local account = require "luagate.account")')
    value = nil
  end
  if value then merge(path, value, nil, 0) end
  -- What the caller can start while the records are checked (the plan's reads).
  if value and #found.list == 0 and opts and opts.on_read then opts.on_read(result) end
  for _, u in ipairs(unplaced) do
    local record, key, i, nth = u[1], u[2], u[3], u[4]
    local file, place = record._file, locate(record._file)
    local line = place and place.name(record.name, place.after("[^%w_]" .. key .. "%s*="), nth)
    record._where = line and ("%s:%d"):format(file, line) or ("%s: %s[%d]"):format(file, key, i)
  end
  if value then
    if type(result.stack) ~= "string" or not result.stack:find("^[%w._-]+$") or #result.stack > 64 then
      found:add(path,
        "stack must name this file's records: letters, digits, '.', '_' or '-', at most 64 (e.g. stack = \"platform\")")
    end
    if result.prune ~= nil and type(result.prune) ~= "boolean" then found:add(path, "prune must be true or false") end
    for _, resource in ipairs(model.collections) do
      for _, record in ipairs(result.collections[resource] or {}) do M.check_record(resource, record, found) end
      if result.singletons[resource] then M.check_record(resource, result.singletons[resource], found) end
    end
    M.check_names(result, found)
  end
  if #found.list > 0 then
    plan._refuse {
      code = "account",
      operation = "account",
      message = ("%s refused, nothing was sent: %d problem%s\n  %s"):format(path, #found.list,
        #found.list == 1 and "" or "s", table.concat(found.list, "\n  ")),
      problems = found.list,
    }
  end
  local hashed = {}
  for i, s in ipairs(result.sources) do hashed[i] = s.file .. "\0" .. s.text end
  result.hash = require("luagate.files").sha256(table.concat(hashed, "\0"))
  result.sources = nil
  return result
end

-- How a record is named in messages: `file:line: providerKeys "name"`.
local labels = setmetatable({}, { __mode = "k" })
local function label(resource, record)
  if model.is_singleton(resource) then return record._where, resource end
  local what = labels[record]
  if not what then
    what = ("%s %q"):format(resource, tostring(record.name))
    labels[record] = what
  end
  return record._where, what
end
M.label = label

-- The first thing in a field's value that cannot be sent (a secret reference outside a secret
-- field, a function, a table that contains itself, nesting past the limit), or nil.
local function unsendable(value, path, visiting, depth)
  if depth > model.MAX_DEPTH then return path .. ": nested too deeply" end
  if M.is_secret(value) then return path .. ": account.env/account.file only for secret fields" end
  if value == null then return nil end
  if type(value) == "function" or type(value) == "userdata" or type(value) == "thread" then
    return ("%s: a %s cannot be sent"):format(path, type(value))
  end
  if type(value) == "number" and (value ~= value or value == math.huge or value == -math.huge) then
    return ("%s: %s cannot be sent in JSON"):format(path, tostring(value))
  end
  if type(value) ~= "table" then return nil end
  if visiting[value] then return path .. ": a table that contains itself cannot be sent" end
  visiting[value] = true
  for k, v in pairs(value) do
    local why = unsendable(v, path .. "." .. tostring(k), visiting, depth + 1)
    if why then return why end
  end
  visiting[value] = nil
  return nil
end

local function check_secret_free(value, path, found, where)
  local why = unsendable(value, path, {}, 1)
  if why then found:add(where, why) end
  return why == nil
end

--- Checks one record's fields (names, extras, secrets); types and limits are the catalogue's
--- check of the API form, at plan time.
function M.check_record(resource, record, found)
  local where, what = label(resource, record)
  local fields = model.fields(resource)
  local singleton = model.is_singleton(resource)
  if not singleton and (type(record.name) ~= "string" or record.name == "") then
    found:add(where, ("%s needs a name (a non-empty string): records are matched by name"):format(what))
    return
  end
  for key, value in pairs(record) do
    if key == "_where" or key == "_file" then goto continue end -- where luagate found it
    if type(key) ~= "string" then
      found:add(where, ("%s: unexpected key %s"):format(what, tostring(key)))
    elseif key == "renamedFrom" or key == "tokenFile" or key == "secretVersion" then
      local allowed = key == "renamedFrom" and not singleton or key == "tokenFile" and model.returns_token(resource)
        or key == "secretVersion" and model.rotates(resource)
      if not allowed then
        found:add(where, ("%s: unknown field '%s' (allowed: %s)"):format(what, key,
          table.concat(model.allowed(resource), ", ")))
      elseif type(value) ~= "string" or value == "" then
        found:add(where, ("%s: %s must be a non-empty string"):format(what, key))
      end
    elseif key == "adopt" or key == "protect" then
      if singleton then
        found:add(where, ("%s: '%s' applies to records of a collection"):format(what, key))
      elseif type(value) ~= "boolean" then
        found:add(where, ("%s: %s must be true or false"):format(what, key))
      end
    elseif fields[key] then
      local f = fields[key]
      if f.secret then
        if type(value) == "string" then
          found:add(where,
            ("%s: %s is a literal secret: write account.env \"NAME\" or account.file \"/path\" so the file"
            .. " can be committed"):format(what, key))
        elseif not M.is_secret(value) then
          found:add(where, ("%s: %s must be account.env \"NAME\" or account.file \"/path\""):format(what, key))
        end
      else
        check_secret_free(value, key, found, where)
        if f.reference and value ~= null and type(value) ~= "string" then
          found:add(where, ("%s: %s must be a name (a string): it names one of the %s"):format(what, key,
            f.reference.resource))
        end
      end
    else
      local hint = ""
      local entry = model.resource(resource).fields[key]
      if entry and entry.reference then
        hint = (" (write %s = <the %s's name>)"):format(model.file_name(key, entry),
          model.resource(entry.reference.resource).singular)
      elseif entry then
        hint = " (read-only: the API sets it)"
      end
      found:add(where, ("%s: unknown field '%s'%s (allowed: %s)"):format(what, key, hint,
        table.concat(model.allowed(resource), ", ")))
    end
    ::continue::
  end
  -- The ownership marker is luagate's: a file that wrote it could make records look owned.
  local metadata = record.metadata
  if type(metadata) == "string" then
    local ok, decoded = pcall(json.decode, metadata)
    metadata = ok and decoded or nil
  end
  if type(metadata) == "table" and metadata ~= null and rawget(metadata, model.MARKER) ~= nil then
    found:add(where, ("%s: metadata member %q is luagate's ownership marker: use adopt, protect and secretVersion")
      :format(
      what, model.MARKER))
  end
  if type(record.tokenFile) == "string" and record.tokenFile ~= "" then
    record.tokenFile = M.beside(record._file or "", record.tokenFile)
  end
  local secret = model.secret_field(resource)
  if not singleton and secret and record.secretVersion ~= nil and record[secret] == nil then
    found:add(where, ("%s: secretVersion without %s"):format(what, model.secret_field(resource)))
  end
end

--- Two records of one collection named alike, or renamed from a name another holds.
function M.check_names(result, found)
  for _, resource in ipairs(model.collections) do
    local holder = {}
    for _, record in ipairs(result.collections[resource] or {}) do
      for _, name in ipairs { record.name, record.renamedFrom } do
        if type(name) == "string" then
          if holder[name] and holder[name] ~= record then
            found:add(record._where, ("%s: %q is also named at %s (names are unique per collection)"):format(
              resource, name, holder[name]._where))
          end
          holder[name] = record
        end
      end
    end
  end
end

return M

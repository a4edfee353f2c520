-- luagate.plan: changes to records of any resource as a reviewable plan, checked as a
-- whole before anything is sent.
--
-- A plan is a list of changes {resource =, id =, before = {field = value}, after = {field =
-- value}}: `resource` is a Lua name such as "accessKeys" (default "providerKeys"; records
-- carry theirs, see plan.resource_of), `id` may be left out for a singleton such as
-- "gatewayConfig", and fields are the resource's updatable string fields (name,
-- description, metadata, …), each a string or json.null (cleared). A change may carry
-- `refused = "why"`: it is shown and skipped, never sent.
local json = require "json"
local task = require "task"
local progress = require "luagate.progress"
local template = require "luagate.template"
local job = package.loaded["luagate.job"] -- the run's rules (--dry-run, --max-changes)
local catalogue = require("luagate.catalogue").resources()
local check_write = require("luagate.catalogue").check
local summarize -- defined after Plan:apply

local null = json.null
local array_mt = getmetatable(json.array())

local M = {}

local FIELD_ORDER = { name = 1, description = 2, metadata = 3 }
local DEFAULT_RESOURCE = "providerKeys"

--- fields = plan.fields(resource): the fields a plan may change on `resource`'s records, by
--- name: {maxLength =, minLength =, clearable =}; nil for an unknown resource.
function M.fields(resource)
  local entry = catalogue[resource]
  if not entry or entry.kind == "readOnly" then return nil end
  local fields = {}
  for name, f in pairs(entry.fields) do
    if f.update ~= "no" and (f.type == "string" or (f.type == "array" and f.items == "string")) then
      -- A list of strings (a virtual model's models): its limits are its items'.
      fields[name] = { maxLength = f.maxLength, minLength = f.minLength, list = f.type == "array" or nil,
        minItems = f.minItems, clearable = f.update == "setOrClear" and not f.required }
    end
  end
  return fields
end

--- Length limits of each provider-key field, in characters (code points) as the API counts
--- them, from the resource catalogue (other resources: plan.fields(resource)).
M.limits = {}
for name, rule in pairs(M.fields(DEFAULT_RESOURCE)) do M.limits[name] = rule.maxLength end

--- name = plan.resource_of(record): the resource a record came from (its metatable's
--- `__resource`), or nil for a plain table.
function M.resource_of(record)
  local mt = type(record) == "table" and getmetatable(record)
  return type(mt) == "table" and rawget(mt, "__resource") or nil
end

local function resource_of_change(c) return c.resource or DEFAULT_RESOURCE end
local function is_singleton(resource) return catalogue[resource] and catalogue[resource].kind == "singleton" end
-- How a change's record is named in tables and messages.
local function label(c) return c.id or c.name or resource_of_change(c) end

-- Changes of an account plan (luagate.account) name their operation: they are checked when
-- the plan is made, and sent by the plan's own `send`.
local OPS = { create = true, update = true, delete = true }

local Plan = { __name = "luagate.plan" }
Plan.__index = Plan

-- Options of each plan (keys, allow_duplicates), kept out of the list itself.
local options = setmetatable({}, { __mode = "k" })

-- The stdlib's refusals (code "plan", "max_changes", "aborted", "argument") are expected outcomes, not
-- bugs: uncaught, they read as the position of the user's call and the message, with no
-- traceback through the stdlib (the metatable has no `__luagate`).
local error_mt = {
  __name = "luagate.error",
  __tostring = function(e) return (e.where or "") .. e.message end,
}

-- "file:line: " of the innermost call outside the stdlib (as error(msg, level) would give
-- for the user's line), or "".
local getinfo = debug.getinfo
local function user_where()
  local level = 2
  while true do
    local info = getinfo(level, "Sl")
    if not info then return "" end
    if info.what ~= "C" and not info.source:find("^=%[luagate%]") then
      return info.currentline > 0 and ("%s:%d: "):format(info.short_src, info.currentline) or ""
    end
    level = level + 1
  end
end

-- Raises a refusal: `fields` (code, operation, message, …) as a luagate.error.
local function refuse(fields)
  fields.where = user_where()
  error(setmetatable(fields, error_mt), 0)
end

--- (for the stdlib) plan._refuse{code =, operation =, message =, …}: raises an expected
--- refusal that points at the caller's line outside the stdlib, without a traceback.
M._refuse = refuse

--- (for the stdlib) plan._argerror(message): a bad argument to a stdlib function (`message`
--- as lauxlib writes it), raised as a refusal (code "argument") from the caller's line.
local function argerror(message) refuse { code = "argument", message = message } end
M._argerror = argerror

local function blank(v) return v == nil or v == null end
local function same(a, b)
  if type(a) == "table" and type(b) == "table" then -- lists of strings
    if #a ~= #b then return false end
    for i = 1, #a do
      if a[i] ~= b[i] then return false end
    end
    return true
  end
  return (blank(a) and blank(b)) or a == b
end

-- A list field's value: nil and a message when it is not a list of strings within the limits.
local function check_list(new, rule)
  if type(new) ~= "table" then return ("must be a list of strings (got %s)"):format(type(new)) end
  if #new < (rule.minItems or 0) then
    return ("needs at least %d item%s"):format(rule.minItems, rule.minItems == 1 and "" or "s")
  end
  for i, item in ipairs(new) do
    if type(item) ~= "string" then return ("item %d must be a string (got %s)"):format(i, type(item)) end
    local length = utf8.len(item)
    if not length then return ("item %d is not valid UTF-8"):format(i) end
    if rule.maxLength and length > rule.maxLength then
      return ("item %d: at most %d characters (got %d)"):format(i, rule.maxLength, length)
    end
    if (rule.minLength or 0) > 0 and length < rule.minLength then return ("item %d must not be empty"):format(i) end
  end
end

--- t, reason = plan.decode_object(text): the JSON object `text` holds, or nil and why
--- not. Absent (nil or json.null) and empty text read as an empty object.
function M.decode_object(text)
  if blank(text) or text == "" then return {} end
  if type(text) ~= "string" then return nil, "not a string" end
  local ok, value = pcall(json.decode, text)
  if not ok then return nil, "not JSON: " .. tostring(value):gsub("^json%.decode: ", "") end
  if type(value) ~= "table" or getmetatable(value) == array_mt then return nil, "JSON, but not an object" end
  return value
end

-- Whether text is a JSON object or array (metadata "kept as JSON").
local function is_json_document(text)
  if type(text) ~= "string" or not text:find("^%s*[%[{]") then return false end
  return (pcall(json.decode, text))
end

--- ctx = plan.context(key, index, spec): what templates about a key see: the key's
--- fields, `meta` (its metadata decoded, when a JSON object), then `spec.vars`, then
--- `index` (zero-padded to `spec.pad` digits when given).
function M.context(key, index, spec)
  local ctx = {}
  for k, v in pairs(key) do ctx[k] = v end
  ctx.meta = M.decode_object(key.metadata)
  for k, v in pairs(spec.vars or {}) do ctx[k] = v end
  ctx.index = spec.pad and ("%0" .. spec.pad .. "d"):format(index) or index
  return ctx
end

--- ok, text | err = plan.render(spec, tpl, key, index [, escape]): `tpl` rendered with
--- plan.context(key, index, spec), `spec.strict` (default true) and `spec.partials`.
function M.render(spec, tpl, key, index, escape)
  return pcall(template.render, tpl, M.context(key, index, spec),
    { escape = escape, strict = spec.strict ~= false, partials = spec.partials })
end

--- err = plan.check_template_spec(spec): what is wrong with the template, `vars`, `pad`
--- or `strict` of a builder's spec, or nil.
function M.check_template_spec(spec)
  if spec.template ~= nil and type(spec.template) ~= "string" then return "template must be a string" end
  if spec.vars ~= nil and type(spec.vars) ~= "table" then return "vars must be a table" end
  if spec.pad ~= nil and (math.type(spec.pad) ~= "integer" or spec.pad < 1) then
    return "pad must be a positive integer"
  end
  if spec.strict ~= nil and type(spec.strict) ~= "boolean" then return "strict must be a boolean" end
  return nil
end

--- err = plan.check_keys(fname, keys, fields): the argument error of builder `fname` when
--- `keys` is not a list of records with these string fields (e.g. {"id", "name"}), or nil.
function M.check_keys(fname, keys, fields)
  if type(keys) ~= "table" then
    return ("bad argument #1 to '%s' (table of keys expected, got %s)"):format(fname, type(keys))
  end
  for i, key in ipairs(keys) do
    for _, field in ipairs(fields) do
      local singleton = field == "id" and type(key) == "table" and key.id == nil and is_singleton(M.resource_of(key))
      if not singleton and (type(key) ~= "table" or type(key[field]) ~= "string") then
        return ("bad argument #1 to '%s' (keys[%d] is not a key: it needs a string %s)")
          :format(fname, i, table.concat(fields, " and "))
      end
    end
  end
  return nil
end

--- p = plan.new(changes [, {keys = records, allow_duplicates = false, send = fn, render = r}])
--- `keys`: the keys to check new names against (those not in the plan keep their names).
--- Plans of whole accounts (luagate.account) hold changes with `op` ("create", "update",
--- "delete") and `phase` (applied in ascending order, one phase after the other), checked
--- when they were made and sent by `send(change)` (which returns "created", "updated" or
--- "deleted"); `render` shows them (`show`, `json`).
function M.new(changes, opts)
  if type(changes) ~= "table" then
    argerror(("bad argument #1 to 'new' (table expected, got %s)"):format(type(changes)))
  end
  local p = setmetatable({}, Plan)
  opts = opts or {}
  for i, c in ipairs(changes) do
    if type(c) == "table" and c.op ~= nil then
      if not OPS[c.op] or type(c.resource) ~= "string" or type(opts.send) ~= "function" then
        argerror(("bad argument #1 to 'new' (change #%d: an account change needs op, resource and the plan's send)")
          :format(i))
      end
      c.before, c.after = c.before or {}, c.after or {}
      p[i] = c
      goto continue
    end
    if type(c) ~= "table" or type(c.after) ~= "table" or (c.before ~= nil and type(c.before) ~= "table")
        or (c.resource ~= nil and type(c.resource) ~= "string") then
      argerror(("bad argument #1 to 'new' (change #%d: needs id (a string), after (a table) and before"
        .. " (a table or nil))"):format(i))
    end
    local resource = resource_of_change(c)
    if not M.fields(resource) then
      argerror(("bad argument #1 to 'new' (change #%d: %q is not a resource with records to change)")
        :format(i, resource))
    end
    if type(c.id) ~= "string" and not (c.id == nil and is_singleton(resource)) then
      argerror(("bad argument #1 to 'new' (change #%d: needs id (a string), after (a table) and before"
        .. " (a table or nil))"):format(i))
    end
    c.before = c.before or {}
    p[i] = c
    ::continue::
  end
  options[p] = { keys = opts.keys or {}, allow_duplicates = opts.allow_duplicates, send = opts.send,
    render = opts.render }
  return p
end

--- Whether v is a plan.
function M.is(v) return getmetatable(v) == Plan end

-- The fields of a change in display order.
local function fields_of(change)
  local fields = {}
  for field in pairs(change.after) do fields[#fields + 1] = field end
  table.sort(fields, function(a, b)
    local x, y = FIELD_ORDER[a] or 9, FIELD_ORDER[b] or 9
    if x ~= y then return x < y end
    return tostring(a) < tostring(b)
  end)
  return fields
end

-- The name conflicts of the plan: conflicts[i] = message, for changes whose new name
-- another key would also have once the plan is applied.
local function conflicts(p)
  -- Names are unique per resource: final[resource][id] = name once the plan is applied.
  local final, renamed = {}, {}
  local function slot(resource)
    final[resource] = final[resource] or {}
    renamed[resource] = renamed[resource] or {}
    return final[resource], renamed[resource]
  end
  for _, key in ipairs(options[p].keys) do
    if type(key) == "table" and key.id ~= nil and type(key.name) == "string" then
      (slot(M.resource_of(key) or DEFAULT_RESOURCE))[key.id] = key.name
    end
  end
  for _, c in ipairs(p) do
    if type(c.after.name) == "string" and not c.refused and c.id then
      local names, changed = slot(resource_of_change(c))
      names[c.id] = c.after.name
      changed[c.id] = not same(c.before.name, c.after.name)
    end
  end
  local holders = {}
  for resource, names in pairs(final) do
    holders[resource] = {}
    for id, name in pairs(names) do
      holders[resource][name] = holders[resource][name] or {}
      table.insert(holders[resource][name], id)
    end
  end
  local found = {}
  for i, c in ipairs(p) do
    local name, resource = c.after.name, resource_of_change(c)
    local changed = renamed[resource] or {}
    if c.id and changed[c.id] and #holders[resource][name] > 1 then
      local others = {}
      for _, id in ipairs(holders[resource][name]) do
        if id ~= c.id then
          others[#others + 1] = (changed[id] and "the new name of " or "the name of ") .. id
        end
      end
      table.sort(others)
      found[i] = ("%q is also %s"):format(name, table.concat(others, ", "))
    end
  end
  return found
end

-- What is wrong with each change: results[i] = {noop = bool, problems = {{kind, id, field, message}}}.
-- kind: "violation" (a field breaks a rule), "rule" (the change breaks one of the resource's
-- rules, e.g. a virtual model's list), "conflict" (a duplicate name), "refused".
local function analyse(p)
  local name_conflicts = options[p].allow_duplicates and {} or conflicts(p)
  local results = {}
  for i, c in ipairs(p) do
    if c.op then
      results[i] = { noop = false, problems = {} }
      goto continue
    end
    local problems, changed = {}, false
    local function problem(kind, field, message)
      problems[#problems + 1] = { kind = kind, id = label(c), field = field, message = message }
    end
    local allowed = M.fields(resource_of_change(c))
    local names = {}
    for name in pairs(allowed) do names[#names + 1] = name end
    table.sort(names)
    for _, field in ipairs(fields_of(c)) do
      local new, rule = c.after[field], allowed[field]
      if not rule then
        problem("violation", field,
          ("unknown field '%s' (allowed: %s)"):format(tostring(field), table.concat(names, ", ")))
      elseif rule.list and new ~= null then
        local message = check_list(new, rule)
        if message then problem("violation", field, message) end
        if not same(c.before[field], new) then changed = true end
      elseif new ~= null and type(new) ~= "string" then
        problem("violation", field, ("must be a string or json.null (got %s)"):format(type(new)))
      elseif not same(c.before[field], new) then
        changed = true
        local length = new ~= null and utf8.len(new)
        if new == null then
          if not rule.clearable then problem("violation", field, "cannot be cleared") end
        elseif not length then
          problem("violation", field, "is not valid UTF-8")
        elseif rule.maxLength and length > rule.maxLength then
          problem("violation", field, ("at most %d characters (got %d)"):format(rule.maxLength, length))
        elseif (rule.minLength or 0) > 0 and length < rule.minLength then
          problem("violation", field, rule.minLength == 1 and "must not be empty"
            or ("at least %d characters (got %d)"):format(rule.minLength, length))
        end
        if field == "metadata" and new ~= null and is_json_document(c.before.metadata)
            and not is_json_document(new) then
          problem("violation", field, "was JSON and would no longer be")
        end
      end
    end
    -- The checks the client runs before sending the update (a virtual model's list: at most
    -- 10, distinct, ngrok/auto alone), so that apply never stops after some changes went out.
    if #problems == 0 and changed and not c.refused then
      local body = {}
      for field, value in pairs(c.after) do
        if not same(c.before[field], value) then body[field] = value end
      end
      local field, rule = check_write(resource_of_change(c), body, "update")
      if field then problem("rule", field, rule) end
    end
    if name_conflicts[i] then problem("conflict", "name", name_conflicts[i]) end
    if c.refused then problem("refused", nil, c.refused) end
    results[i] = { noop = not changed, problems = problems }
    ::continue::
  end
  return results
end

local function blocking(problems)
  local list = {}
  for _, problem in ipairs(problems) do
    if problem.kind ~= "refused" then list[#list + 1] = problem end
  end
  return list
end

local function describe(problem)
  return ("%s %s: %s%s"):format(problem.id, problem.field or "-",
    problem.kind == "conflict" and "conflict: " or "", problem.message)
end

--- plan:validate(): raises one error (code = "plan") listing every violation and name
--- conflict, or returns the plan. Refused changes are not errors: apply skips them.
function Plan:validate()
  local found = {}
  for _, result in ipairs(analyse(self)) do
    for _, problem in ipairs(blocking(result.problems)) do found[#found + 1] = problem end
  end
  if #found == 0 then return self end
  local lines = {}
  for i, problem in ipairs(found) do lines[i] = "  " .. describe(problem) end
  refuse {
    code = "plan",
    operation = "plan:validate",
    message = ("plan refused, nothing was sent: %d problem%s\n%s"):format(
      #found, #found == 1 and "" or "s", table.concat(lines, "\n")),
    violations = found,
  }
end

-- text cut to `width` characters.
local function cut(text, width)
  local length = utf8.len(text)
  if length and length > width then return text:sub(1, utf8.offset(text, width) - 1) .. "…" end
  return text
end

-- How a value looks in the table: JSON text compact, other strings JSON-quoted.
local function display(value)
  if blank(value) then return "(none)" end
  if is_json_document(value) then return json.encode(json.decode(value)) end
  local ok, quoted = pcall(json.encode, value)
  return ok and quoted or ("%q"):format(tostring(value))
end

-- The rows of a change from one JSON object to another: one per top-level member that
-- differs, {"field.member", old, new} as displayed; nil when the values are not both
-- non-empty JSON objects or no member differs.
local function member_rows(field, before, after)
  if type(before) ~= "string" or type(after) ~= "string" then return nil end
  local old, new = M.decode_object(before), M.decode_object(after)
  if not old or not new or next(old) == nil then return nil end
  local names, rows = {}, {}
  for name in pairs(old) do names[#names + 1] = name end
  for name in pairs(new) do
    if old[name] == nil then names[#names + 1] = name end
  end
  table.sort(names)
  for _, name in ipairs(names) do
    local a = old[name] ~= nil and json.encode(old[name]) or "(none)"
    local b = new[name] ~= nil and json.encode(new[name]) or "(none)"
    if a ~= b then rows[#rows + 1] = { field .. "." .. name, a, b } end
  end
  return #rows > 0 and rows or nil
end

-- Which show() call each plan was last shown by, so the REPL does not print a plan again as
-- the result of `p:show()`.
local shown, show_serial = setmetatable({}, { __mode = "k" }), 0

--- (for the REPL) last, current = plan._show_serial(p): the number of the show() call that
--- last printed p (nil if none), and of the latest show() call.
function M._show_serial(p)
  return p ~= nil and shown[p] or nil, show_serial
end

local COLORS = { red = "\27[31m", green = "\27[32m", yellow = "\27[33m", dim = "\27[2m", bold = "\27[1m" }

--- plan:show([{out = io.stdout, color = ?, noops = true, width = 60}]): prints a table of
--- id, field and old → new, marking no-ops, conflicts, violations and refused changes;
--- colour on a terminal unless NO_COLOR is set. Returns the plan.
function Plan:show(opts)
  opts = opts or {}
  local render = options[self] and options[self].render
  if render then
    render.show(self, opts)
    show_serial = show_serial + 1
    shown[self] = show_serial
    return self
  end
  local out = opts.out or io.stdout
  local color = opts.color
  if color == nil then color = out == io.stdout and progress.color("stdout") end
  local function paint(name, text) return color and COLORS[name] .. text .. "\27[0m" or text end
  local width = opts.width or 60

  local rows, counts = {}, { change = 0, noop = 0, refused = 0, problem = 0 }
  local id_width, field_width, resource_width = 2, 5, 0
  for _, c in ipairs(self) do -- a RESOURCE column once the plan touches more than provider keys
    if resource_of_change(c) ~= DEFAULT_RESOURCE then resource_width = 8 end
  end
  if resource_width > 0 then
    for _, c in ipairs(self) do resource_width = math.max(resource_width, #resource_of_change(c)) end
  end
  for i, result in ipairs(analyse(self)) do
    local c = self[i]
    local blocked = #blocking(result.problems) > 0
    if c.refused then counts.refused = counts.refused + 1
    elseif blocked then counts.problem = counts.problem + 1
    elseif result.noop then counts.noop = counts.noop + 1
    else counts.change = counts.change + 1 end
    if opts.noops ~= false or not result.noop or #result.problems > 0 then
      local fields = fields_of(c)
      if #fields == 0 then fields = { false } end
      for _, field in ipairs(fields) do
        local marks = {}
        for _, problem in ipairs(result.problems) do
          if problem.field == nil or problem.field == field then
            local kind = problem.kind == "violation" and "" or problem.kind .. ": "
            marks[#marks + 1] = paint(problem.kind == "refused" and "yellow" or "red", kind .. problem.message)
          end
        end
        if c.drifted then marks[#marks + 1] = paint("yellow", "drifted: " .. c.drifted) end
        local before, after = field and c.before[field] or nil, field and c.after[field] or nil
        local unchanged = same(before, after)
        if unchanged then table.insert(marks, 1, paint("dim", "no-op")) end
        local lines = not unchanged and member_rows(field, before, after)
          or { { field or "-", display(before), display(after) } }
        for k, line in ipairs(lines) do
          local old, new = cut(line[2], width), cut(line[3], width)
          rows[#rows + 1] = {
            resource = resource_of_change(c),
            id = label(c),
            field = line[1],
            diff = unchanged and paint("dim", old .. " → " .. new) or paint("red", old) .. " → " .. paint("green", new),
            marks = k == 1 and table.concat(marks, "; ") or "",
          }
          id_width = math.max(id_width, #label(c))
          field_width = math.max(field_width, #line[1])
        end
      end
    end
  end

  local format = "%-" .. id_width .. "s  %-" .. field_width .. "s  %s%s\n"
  local lead = resource_width > 0 and "%-" .. resource_width .. "s  " or nil
  local function line(resource, ...)
    return (lead and lead:format(resource) or "") .. format:format(...)
  end
  out:write(paint("bold", line("RESOURCE", "ID", "FIELD", "OLD → NEW", "")))
  for _, row in ipairs(rows) do
    out:write(line(row.resource, row.id, row.field, row.diff, row.marks ~= "" and "  " .. row.marks or ""))
  end
  local summary = ("%d change%s: %d to apply, %d no-op, %d refused"):format(
    #self, #self == 1 and "" or "s", counts.change, counts.noop, counts.refused)
  if counts.problem > 0 then
    summary = summary .. paint("red", (", %d with problems: nothing will be sent"):format(counts.problem))
  end
  out:write(summary, "\n")
  show_serial = show_serial + 1
  shown[self] = show_serial
  return self
end

--- text = plan:json([json.encode options]): the plan for machines: a JSON array of
--- {resource, id, before, after, status = "change" | "no-op" | "refused" | "invalid" | "drifted",
--- problems} ("drifted": an apply found the record changed since the plan was made).
function Plan:json(opts)
  local render = options[self] and options[self].render
  if render then return render.json(self, opts) end
  local list = json.array()
  for i, result in ipairs(analyse(self)) do
    local c = self[i]
    local status = #blocking(result.problems) > 0 and "invalid" or c.refused and "refused"
      or c.drifted and "drifted" or result.noop and "no-op" or "change"
    local entry = { resource = resource_of_change(c), id = c.id, before = c.before, after = c.after, status = status }
    if #result.problems > 0 then
      entry.problems = {}
      for k, problem in ipairs(result.problems) do
        entry.problems[k] = { kind = problem.kind, field = problem.field, message = problem.message }
      end
    end
    list[i] = entry
  end
  return json.encode(list, opts)
end

-- Sends one change of apply: ok, err, outcome ("updated", "replanned", "unchanged"). The
-- update carries what the change was computed from (`expect`), so that the runtime reads the
-- record first and refuses a change whose inputs moved (error code "drift"); a record that
-- already holds the change's values is left as it is (update's second result "unchanged").
local function update_with(item, fields, expect)
  local update = require(item.resource).update
  local guard = expect and { expect = expect } or nil
  local ok, result, how
  if item.id == nil then ok, result, how = pcall(update, fields, guard)
  else ok, result, how = pcall(update, item.id, fields, guard) end
  if not ok then return false, result end
  return true, nil, how == "unchanged" and "unchanged" or nil
end

local function send(item, on_drift)
  local c = item.change
  if on_drift == "overwrite" then
    local ok, err, how = update_with(item, item.fields)
    return ok, err, how or "updated"
  end
  if on_drift == "replan" and c.replan then
    local lib = require(item.resource)
    local ok, current
    if item.id == nil then ok, current = pcall(lib.get) else ok, current = pcall(lib.get, item.id) end
    if not ok then return false, current end
    local built, after = pcall(c.replan, current)
    if not built then return false, after end
    local fields, expect, differs = {}, {}, false
    for field, value in pairs(after or {}) do
      if not same(current[field], value) then
        fields[field] = value
        expect[field] = current[field] == nil and null or current[field]
      end
      if not same(item.fields[field], value) then differs = true end
    end
    if next(fields) == nil then return true, nil, "unchanged" end
    local sent, err, how = update_with(item, fields, expect)
    return sent, err, how or (differs and "replanned" or "updated")
  end
  -- What the plan saw: the change's `expect` (builders set it), else the fields of
  -- `before` (json.null: absent); a field in neither is not known, so not checked.
  local expect, known = {}, false
  for field in pairs(item.fields) do
    local seen = c.expect and c.expect[field]
    if seen == nil then seen = c.before[field] end
    if seen ~= nil then
      expect[field] = seen
      known = true
    end
  end
  local ok, err, how = update_with(item, item.fields, known and expect or nil)
  return ok, err, how or "updated"
end

-- Checks that `n` more changes fit --max-changes, or raises the refusal from the user's
-- line, pointing at apply's `limit`.
local function reserve(n, whole)
  if not job then return end
  local ok, err = pcall(job.reserve, n)
  if ok then return end
  local max = job.max_changes
  local hint = ""
  if whole then -- an account plan is applied whole: its creates and deletes depend on each other
    hint = "; an account plan is applied whole: raise --max-changes, or apply part of the file first"
  elseif max and max > 0 then
    hint = ("; plan:apply{limit = %d} applies at most %d of them and leaves the rest for the next run"):format(max, max)
  end
  refuse {
    code = type(err) == "table" and err.code or "max_changes",
    operation = "plan:apply",
    message = (type(err) == "table" and err.message or tostring(err)) .. hint,
  }
end

--- report = plan:apply{concurrency = ?, on_error = "continue" | "abort", progress = ?,
---                      on_drift = "skip" | "overwrite" | "replan", limit = ?, quiet = ?}
--- Validates (raising before any request), skips no-ops and refused changes, and sends
--- the changed fields of each change with its resource's update (providerKeys.update,
--- accessKeys.update, gatewayConfig.update, …), `concurrency` at a time.
--- `limit = n`: sends at most the first n changes; the others are left for the next run
--- (`report.left`), as a nightly job under --max-changes converges on a large plan.
--- Under --max-changes, what apply sends (the whole plan, or `limit`) must fit the budget
--- before anything is sent.
--- Just before each change the record is read again: a change whose values the record
--- already holds (someone made the same change, or the plan was applied before) is not sent
--- and counts as unchanged; if a field the change was computed from no longer holds what the
--- plan saw (someone changed it since), the change is not sent and is reported as drifted
--- (`report.drifted`, `show()`, the journal; exit 5), unless on_drift = "overwrite" (send it
--- anyway) or "replan" (compute it again from the record as it is now, for plans made by
--- rename or metadata).
--- report = {updated = n, unchanged = n, failed = {{id =, error =}}, skipped = n}, plus
--- drifted = {{id =, error =}} when changes drifted, replanned = n when some were replanned
--- and left = n when `limit` left changes for the next run. Under --dry-run nothing is sent:
--- `updated` stays 0, `would_update = n` counts what would have been, and `dry_run = true`;
--- apply also prints the plan and that outcome unless `quiet = true`.
--- With on_error = "abort", the first failure stops new updates; those in flight finish,
--- then an error (code = "aborted") carrying the report is raised.
function Plan:apply(opts)
  opts = opts or {}
  local on_error = opts.on_error or "continue"
  if on_error ~= "continue" and on_error ~= "abort" then
    argerror("bad argument #1 to 'apply' (on_error must be \"continue\" or \"abort\")")
  end
  if opts.concurrency ~= nil and (math.type(opts.concurrency) ~= "integer" or opts.concurrency < 1) then
    argerror("bad argument #1 to 'apply' (concurrency must be a positive integer)")
  end
  local on_drift = opts.on_drift or "skip"
  if on_drift ~= "skip" and on_drift ~= "overwrite" and on_drift ~= "replan" then
    argerror("bad argument #1 to 'apply' (on_drift must be \"skip\", \"overwrite\" or \"replan\")")
  end
  if opts.limit ~= nil and (math.type(opts.limit) ~= "integer" or opts.limit < 0) then
    argerror("bad argument #1 to 'apply' (limit must be an integer >= 0)")
  end
  self:validate()

  local report = { updated = 0, unchanged = 0, skipped = 0, failed = {} }
  local todo, left = {}, 0
  for i, result in ipairs(analyse(self)) do
    local c = self[i]
    if c.refused then
      report.skipped = report.skipped + 1
    elseif result.noop then
      report.unchanged = report.unchanged + 1
    elseif opts.limit and #todo >= opts.limit then
      left = left + 1
    elseif c.op then
      todo[#todo + 1] = { index = i, change = c, id = c.id, resource = c.resource, fields = c.set or {}, name = c.name }
    else
      local fields = {}
      for field, value in pairs(c.after) do
        if not same(c.before[field], value) then fields[field] = value end
      end
      todo[#todo + 1] = { index = i, change = c, id = c.id, resource = resource_of_change(c), fields = fields }
    end
  end
  if left > 0 then report.left = left end

  local mutations = 0
  for _, item in ipairs(todo) do mutations = mutations + (item.change.mutations or 1) end
  local send_change = options[self].send
  reserve(mutations, send_change ~= nil) -- --max-changes: what is sent fits, or nothing is sent
  if send_change then report.created, report.deleted = 0, 0 end -- an account plan counts them all
  local dry_run = job and job.dry_run
  if dry_run and not opts.quiet then self:show(opts) end -- a dry run shows what would change, then what would happen
  local bar <close> = progress.new {
    total = #todo, label = dry_run and "checking" or "updating", enabled = opts.progress,
  }
  local stop, failures, drifts = false, {}, {}
  local function one(item)
    if stop then
      report.skipped = report.skipped + 1
      bar:step("skipped")
      return
    end
    local ok, err, outcome
    if item.change.op then
      ok, outcome = pcall(send_change, item.change)
      if not ok then err, outcome = outcome, nil end
    else
      ok, err, outcome = send(item, on_drift)
    end
    item.change.drifted = nil
    if ok and outcome == "unchanged" then
      report.unchanged = report.unchanged + 1
      bar:step("unchanged")
    elseif ok and (outcome == "created" or outcome == "deleted") then
      report[outcome] = (report[outcome] or 0) + 1
      bar:step(true)
    elseif ok then
      report.updated = report.updated + 1
      if outcome == "replanned" then report.replanned = (report.replanned or 0) + 1 end
      bar:step(true)
    elseif type(err) == "table" and err.code == "drift" then
      item.change.drifted = err.message
      drifts[#drifts + 1] = { index = item.index, id = item.id or item.name or item.resource, error = err }
      bar:step("drifted")
    else
      failures[#failures + 1] = { index = item.index, id = item.id or item.name or item.resource, error = err }
      stop = on_error == "abort"
      bar:step(false)
    end
  end
  -- Phases (an account plan's creates in reference order, then updates, then deletes in
  -- reverse order) run one after the other; a plan without phases is one phase.
  local phases, order = {}, {}
  for _, item in ipairs(todo) do
    local phase = item.change.phase or 0
    if not phases[phase] then
      phases[phase] = {}
      order[#order + 1] = phase
    end
    table.insert(phases[phase], item)
  end
  table.sort(order)
  for _, phase in ipairs(order) do
    task.map(phases[phase], one, { concurrency = opts.concurrency })
  end
  bar:finish()

  local function by_index(a, b) return a.index < b.index end
  table.sort(failures, by_index)
  table.sort(drifts, by_index)
  for i, failure in ipairs(failures) do report.failed[i] = { id = failure.id, error = failure.error } end
  if #drifts > 0 then report.drifted = {} end
  for i, drift in ipairs(drifts) do report.drifted[i] = { id = drift.id, error = drift.error } end
  if dry_run then
    report.dry_run, report.would_update, report.updated = true, report.updated, 0
    if report.created then report.would_create, report.created = report.created, 0 end
    if report.deleted then report.would_delete, report.deleted = report.deleted, 0 end
  end
  if stop then
    local first = report.failed[1]
    refuse {
      code = "aborted",
      operation = "plan:apply",
      id = first.id,
      message = ("plan:apply aborted: %s failed: %s (%d updated, %d failed, %d skipped)"):format(
        first.id, tostring(first.error), report.updated, #report.failed, report.skipped),
      report = report,
    }
  end
  if dry_run and not opts.quiet then summarize(report, opts) end
  return report
end

--- Prints the one-line outcome of an apply, and each failure.
summarize = function(report, opts)
  local out = opts.out or io.stdout
  local drifted = report.drifted and #report.drifted or 0
  local head = report.dry_run and ("dry run, nothing sent: would update %d"):format(report.would_update)
    or ("applied: %d updated"):format(report.updated)
  if report.created or report.deleted or report.would_create or report.would_delete then
    head = report.dry_run and ("dry run, nothing sent: would create %d, update %d, delete %d"):format(
      report.would_create or 0, report.would_update, report.would_delete or 0)
      or ("applied: %d created, %d updated, %d deleted"):format(report.created or 0, report.updated, report.deleted
        or 0)
  end
  out:write(("%s, %d unchanged, %d failed, %s%d skipped%s\n"):format(
    head, report.unchanged, #report.failed, drifted > 0 and drifted .. " drifted, " or "", report.skipped,
    report.left and (", %d left for the next run"):format(report.left) or ""))
  for _, failure in ipairs(report.failed) do
    out:write(("  %s: %s\n"):format(failure.id, tostring(failure.error)))
  end
  for _, drift in ipairs(report.drifted or {}) do
    out:write(("  %s: drifted: %s\n"):format(drift.id, drift.error.message))
  end
end

--- (for the stdlib) plan._summarize(report [, opts]): prints the one-line outcome of an apply.
function M._summarize(report, opts) summarize(report, opts or {}) end

--- report = plan.run(p, opts): shows the plan, applies it and prints what happened
--- (what rename.apply and metadata.apply do).
function M.run(p, opts)
  opts = opts or {}
  p:show(opts)
  local quiet = setmetatable({ quiet = true }, { __index = opts })
  local report = p:apply(quiet)
  summarize(report, opts)
  return report
end

return M

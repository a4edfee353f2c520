-- luagate.account.render: an account plan as text (a terminal), JSON (machines, saved
-- plans) and markdown (a pull-request comment). Secrets show as "(secret)" only.
local json = require "json"
local model = require "luagate.account.model"
local source = require "luagate.account.source"
local progress = require "luagate.progress"

local null = json.null

local M = {}

--- The format of saved plans and of --plan-format json.
M.FORMAT = "luagate.plan/1"

local OP_ORDER = { delete = 1, create = 2, update = 3 }
local SIGN = { create = "+", update = "~", delete = "-" }

--- The changes in reading order: by collection, then deletes, creates, updates, then name.
function M.sorted(p)
  local list = {}
  for i, c in ipairs(p) do list[i] = c end
  table.sort(list, function(a, b)
    local x, y = model.collections[a.resource] or 99, model.collections[b.resource] or 99
    if x ~= y then return x < y end
    if a.op ~= b.op then return OP_ORDER[a.op] < OP_ORDER[b.op] end
    return tostring(a.name or a.id or "") < tostring(b.name or b.id or "")
  end)
  return list
end

--- counts = render.counts(p): {create =, update =, delete =, adopt =, rotate =, rename =, total =}.
function M.counts(p)
  local counts = { create = 0, update = 0, delete = 0, adopt = 0, rotate = 0, rename = 0, total = #p }
  for _, c in ipairs(p) do
    counts[c.op] = counts[c.op] + 1
    if c.kind and counts[c.kind] then counts[c.kind] = counts[c.kind] + 1 end
  end
  return counts
end

local function plural(n, word) return ("%d %s%s"):format(n, word, n == 1 and "" or "s") end

--- The one-line summary: "2 to create, 1 to update, 1 to delete".
function M.summary(counts)
  local parts = {}
  for _, op in ipairs { "create", "update", "delete" } do
    if counts[op] > 0 then parts[#parts + 1] = ("%d to %s"):format(counts[op], op) end
  end
  local extra = {}
  if counts.rename > 0 then extra[#extra + 1] = plural(counts.rename, "rename") end
  if counts.adopt > 0 then extra[#extra + 1] = plural(counts.adopt, "adoption") end
  if counts.rotate > 0 then extra[#extra + 1] = plural(counts.rotate, "secret rotation") end
  local text = table.concat(parts, ", ")
  if #extra > 0 then text = text .. " (" .. table.concat(extra, ", ") .. ")" end
  return text
end

-- A value as the plan shows it: compact JSON; secrets "(secret)".
local function display(value)
  if value == nil or value == null then return "(none)" end
  if source.is_secret(value) then return "(secret)" end
  local ok, text = pcall(json.encode, value)
  return ok and text or tostring(value)
end

-- The fields of a change in a stable order: name first.
local function field_names(c)
  local names = {}
  local seen = {}
  for _, side in ipairs { c.before, c.after } do
    for k in pairs(side) do
      if not seen[k] then
        seen[k] = true
        names[#names + 1] = k
      end
    end
  end
  table.sort(names, function(a, b)
    if a == "name" or b == "name" then return a == "name" and b ~= "name" end
    return a < b
  end)
  return names
end

-- The lines of one change's fields: {field, text}.
local function field_lines(c)
  local lines = {}
  local secret = model.secret_field(c.resource)
  for _, field in ipairs(field_names(c)) do
    local before, after = c.before[field], c.after[field]
    local text
    if field == secret then
      text = c.op == "create" and "(secret)" or before -- "(secret) rotate, version …"
    elseif c.op == "create" then
      text = display(after)
    elseif c.op == "delete" then
      if field ~= "name" then text = display(before) end
    else
      text = display(before) .. " → " .. display(after)
    end
    if text then lines[#lines + 1] = { field, text } end
  end
  return lines
end
M.field_lines = field_lines

-- The heading of a change: `+ openai-prod  create`, `~ x (aigpk_1)  rename`.
local function heading(c)
  local who = c.name or c.resource
  if c.id then who = ("%s (%s)"):format(who, c.id) end
  local what = c.kind or c.op
  if c.kind == "rename" then what = "rename, update" end
  return who, what
end

--- render.text(p, info, out, color): the plan for a terminal.
function M.text(p, info, out, color)
  local function paint(code, text) return color and ("\27[%sm%s\27[0m"):format(code, text) or text end
  local counts = M.counts(p)
  if #p == 0 then
    out:write(("No changes: the account matches %s (stack %q).\n"):format(info.file, info.stack))
  else
    out:write(paint("1", ("Plan for stack %q (%s): %s\n"):format(info.stack, info.file, M.summary(counts))))
  end
  local current
  for _, c in ipairs(M.sorted(p)) do
    if c.resource ~= current then
      current = c.resource
      out:write(paint("1", current), "\n")
    end
    local who, what = heading(c)
    local colour = c.op == "create" and "32" or c.op == "delete" and "31" or "33"
    out:write(("  %s %s  %s\n"):format(paint(colour, SIGN[c.op]), who, paint(colour, what)))
    for _, line in ipairs(field_lines(c)) do out:write(("      %s: %s\n"):format(line[1], line[2])) end
    for _, note in ipairs(c.notes or {}) do out:write(("      note: %s\n"):format(note)) end
  end
  M.notes_text(info.notes, out)
end

--- The plan's notes: records named but not owned, owned ones left because pruning is off.
function M.notes_text(notes, out)
  if not notes then return end
  local unowned = notes.unowned or {}
  if #unowned > 0 then
    out:write(("%s named by the file %s not owned by this stack: leaving the file will not delete %s"
      .. " (--adopt takes over those no other stack owns):\n"):format(plural(#unowned, "record"),
      #unowned == 1 and "is" or "are", #unowned == 1 and "it" or "them"))
    for i, r in ipairs(unowned) do
      if i > 5 then
        out:write(("  … and %d more\n"):format(#unowned - 5))
        break
      end
      out:write(("  %s %q (%s)%s\n"):format(r.resource, tostring(r.name), r.id,
        r.stack and (", owned by stack %q"):format(r.stack) or ""))
    end
  end
  if (notes.unprotected or 0) > 0 then
    out:write(("protect = true has no effect on %s this stack does not own (only owned records are ever pruned).\n")
      :format(plural(notes.unprotected, "record")))
  end
  if (notes.kept or 0) > 0 then
    out:write(("%s this stack created %s no longer in the file and %s kept: pruning is off"
      .. " (--prune or prune = true).\n")
      :format(plural(notes.kept, "record"), notes.kept == 1 and "is" or "are", notes.kept == 1 and "is" or "are"))
  end
end

-- Escapes text for a markdown table cell.
local function cell(text)
  text = tostring(text):gsub("\\", "\\\\"):gsub("|", "\\|"):gsub("\r?\n", " "):gsub("`", "'")
  return text
end

--- render.markdown(p, info, out): a pull-request comment: summary counts, then the deletes
--- (marked), then a table per collection.
function M.markdown(p, info, out)
  local counts = M.counts(p)
  out:write(("### luagate plan for stack `%s`\n\n"):format(cell(info.stack)))
  if #p == 0 then
    out:write(("No changes: the account matches `%s`.\n"):format(cell(info.file)))
  else
    out:write(("**%s** · `%s` (sha256 %s)\n"):format(M.summary(counts), cell(info.file), info.hash:sub(1, 12)))
  end
  local deletes, sorted = {}, M.sorted(p)
  for _, c in ipairs(sorted) do
    if c.op == "delete" then deletes[#deletes + 1] = c end
  end
  if #deletes > 0 then
    out:write(("\n#### ⚠️ %s\n\n| Collection | Name | Id |\n|---|---|---|\n"):format(plural(#deletes, "delete")))
    for _, c in ipairs(deletes) do
      out:write(("| %s | %s | `%s` |\n"):format(c.resource, cell(c.name or ""), cell(c.id)))
    end
  end
  local current
  for _, c in ipairs(sorted) do
    if c.op ~= "delete" then
      if c.resource ~= current then
        current = c.resource
        out:write(("\n#### %s\n\n| | Name | Changes |\n|---|---|---|\n"):format(current))
      end
      local parts = {}
      for _, line in ipairs(field_lines(c)) do parts[#parts + 1] = ("%s: `%s`"):format(cell(line[1]), cell(line[2])) end
      local _, what = heading(c)
      out:write(("| %s %s | %s | %s |\n"):format(SIGN[c.op] == "+" and "➕" or "✏️", what, cell(c.name or c.resource),
        table.concat(parts, "<br>")))
    end
  end
  local notes = info.notes or {}
  if #(notes.unowned or {}) > 0 or (notes.kept or 0) > 0 then
    out:write("\n<details><summary>Notes</summary>\n\n```\n")
    M.notes_text(notes, out)
    out:write("```\n</details>\n")
  end
end

-- A change's fields for machines: secret references as {"$secret": "env", "name": …}.
local function portable(value)
  if source.is_secret(value) then
    return { ["$secret"] = value.kind, name = value.name, path = value.path }
  end
  return value
end

--- render.document(p, info): the plan as one JSON-ready table (what --out saves).
function M.document(p, info)
  local changes = json.array()
  for i, c in ipairs(M.sorted(p)) do
    local set
    if c.set then
      set = {}
      for k, v in pairs(c.set) do set[k] = portable(v) end
    end
    changes[i] = {
      op = c.op, resource = c.resource, name = c.name, id = c.id, kind = c.kind, phase = c.phase,
      before = c.before, after = c.after, set = set, basis = c.basis, tokenFile = c.tokenFile,
      metadata = c.metadata and { rest = c.metadata.rest, marker = c.metadata.marker } or nil,
      rotate = c.rotate and { field = c.rotate.field, secret = portable(c.rotate.secret) } or nil,
      mutations = c.mutations, notes = c.notes,
    }
  end
  local counts = M.counts(p)
  return {
    format = M.FORMAT, stack = info.stack, file = info.file, fileHash = info.hash, createdAt = info.created_at,
    summary = { create = counts.create, update = counts.update, delete = counts.delete, adopt = counts.adopt,
      rotate = counts.rotate, rename = counts.rename },
    changes = changes, ids = info.ids, notes = info.notes,
  }
end

--- r = render.for_plan(info): what luagate.plan's show and json call for an account plan.
function M.for_plan(info)
  return {
    show = function(p, opts)
      local out = opts.out or io.stdout
      local color = opts.color
      if color == nil then color = out == io.stdout and progress.color("stdout") end
      M.text(p, info, out, color)
    end,
    json = function(p, opts) return json.encode(M.document(p, info), opts) end,
  }
end

--- c = render.restore(entry): a change of a saved plan, its secret references restored.
function M.restore(entry)
  local function back(v)
    if type(v) == "table" and v["$secret"] then
      return setmetatable({ kind = v["$secret"], name = v.name, path = v.path }, source.Secret)
    end
    return v
  end
  local c = {}
  for k, v in pairs(entry) do c[k] = v end
  if c.set then
    local set = {}
    for k, v in pairs(c.set) do set[k] = back(v) end
    c.set = set
  end
  if c.rotate then c.rotate = { field = c.rotate.field, secret = back(c.rotate.secret) } end
  c.before, c.after = c.before or {}, c.after or {}
  return c
end

return M

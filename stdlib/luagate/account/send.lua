-- luagate.account.send: a change of an account plan in the API's form, and how it is sent,
-- with the ids of records created earlier in the same apply.
local json = require "json"
local model = require "luagate.account.model"
local source = require "luagate.account.source"
local files = require "luagate.files"
local job = package.loaded["luagate.job"]

local null = json.null

local M = {}

local error_mt = { __name = "luagate.error", __tostring = function(e) return e.message end }

-- Raised from a change: the plan's apply reports it as the change's failure.
local function fail(code, message) error(setmetatable({ code = code, message = message }, error_mt), 0) end

--- body = send.body(change, ids [, placeholder]): what a create or update sends: the file's
--- fields in the API's form (`ids(ref, name)` gives a record's id), the metadata with its
--- marker; secrets resolved, or "(secret)" with `placeholder` (for checks).
function M.body(c, ids, placeholder)
  local body = {}
  local fields = model.fields(c.resource)
  for file_name, value in pairs(c.set or {}) do
    local f = fields[file_name]
    if f.secret then
      if placeholder then
        body[f.api] = "(secret)"
      else
        local resolved, why = source.resolve(value)
        if not resolved then fail("secret", ("%s %q: %s: %s"):format(c.resource, c.name, file_name, why)) end
        body[f.api] = resolved
      end
    elseif f.api ~= "metadata" then -- metadata: below, with the marker
      body[f.api] = value == null and null or model.to_api(value, f.desc, ids)
    end
  end
  if c.metadata then
    local text = model.join_metadata(c.metadata.rest, c.metadata.marker)
    body.metadata = text or (c.op == "update" and null or nil)
  end
  return body
end

--- resolver = send.ids(ctx): names → ids, from the plan's account and what this apply created.
function M.ids(ctx)
  return function(ref, name)
    local id = ctx.ids[ref.resource] and ctx.ids[ref.resource][name]
    if not id then
      fail("reference", ("the %s %q does not exist (was its create refused or did it fail?)"):format(
        model.resource(ref.resource).singular, name))
    end
    return id
  end
end

--- outcome = send.change(c, ctx): sends the change; "created", "updated" or "deleted".
function M.change(c, ctx)
  local lib = require(c.resource)
  if c.op == "delete" then
    lib.delete(c.id)
    return "deleted"
  end
  local body = M.body(c, M.ids(ctx))
  if c.op == "create" then
    local record = lib.create(body)
    ctx.ids[c.resource] = ctx.ids[c.resource] or {}
    ctx.ids[c.resource][c.name] = record.id
    if c.tokenFile and type(record.token) == "string" and not (job and job.dry_run) then
      local ok, err = files.write_private(c.tokenFile, record.token .. "\n")
      if not ok then
        fail("token_file", ("%s %q was created (%s) but its token could not be written: %s; the token is lost:"
          .. " delete the key and apply again"):format(c.resource, c.name, record.id, err))
      end
    end
    return "created"
  end
  if c.rotate then
    local value, why = source.resolve(c.rotate.secret)
    if not value then fail("secret", ("%s %q: %s: %s"):format(c.resource, c.name, c.rotate.field, why)) end
    lib.rotate(c.id, { [c.rotate.field] = value, name = body.name or c.name })
    body.name = nil
  end
  if next(body) ~= nil then
    -- The record as the plan read it is the journal's `before`: no second read per change.
    local options = c.record and { before = c.record } or nil
    if model.is_singleton(c.resource) then lib.update(body, options) else lib.update(c.id, body, options) end
  end
  return "updated"
end

return M

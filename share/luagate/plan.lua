---@meta luagate.plan
-- Written by `luagate --types DIR` from the module's doc comments.

---@class luagate.plan
local plan = {}

--- err = plan.check_keys(fname, keys, fields): the argument error of builder `fname` when
--- `keys` is not a list of records with these string fields (e.g. {"id", "name"}), or nil.
function plan.check_keys(fname, keys, fields) end

--- err = plan.check_template_spec(spec): what is wrong with the template, `vars`, `pad`
--- or `strict` of a builder's spec, or nil.
function plan.check_template_spec(spec) end

--- ctx = plan.context(key, index, spec): what templates about a key see: the key's
--- fields, `meta` (its metadata decoded, when a JSON object), then `spec.vars`, then
--- `index` (zero-padded to `spec.pad` digits when given).
function plan.context(key, index, spec) end

--- t, reason = plan.decode_object(text): the JSON object `text` holds, or nil and why
--- not. Absent (nil or json.null) and empty text read as an empty object.
function plan.decode_object(text) end

--- fields = plan.fields(resource): the fields a plan may change on `resource`'s records, by
--- name: {maxLength =, minLength =, clearable =}; nil for an unknown resource.
function plan.fields(resource) end

--- Whether v is a plan.
function plan.is(v) end

---@type table
plan.limits = nil

--- p = plan.new(changes [, {keys = records, allow_duplicates = false, send = fn, render = r}])
--- `keys`: the keys to check new names against (those not in the plan keep their names).
--- Plans of whole accounts (luagate.account) hold changes with `op` ("create", "update",
--- "delete") and `phase` (applied in ascending order, one phase after the other), checked
--- when they were made and sent by `send(change)` (which returns "created", "updated" or
--- "deleted"); `render` shows them (`show`, `json`).
function plan.new(changes, opts) end

--- ok, text | err = plan.render(spec, tpl, key, index [, escape]): `tpl` rendered with
--- plan.context(key, index, spec), `spec.strict` (default true) and `spec.partials`.
function plan.render(spec, tpl, key, index, escape) end

--- name = plan.resource_of(record): the resource a record came from (its metatable's
--- `__resource`), or nil for a plain table.
function plan.resource_of(record) end

--- report = plan.run(p, opts): shows the plan, applies it and prints what happened
--- (what rename.apply and metadata.apply do).
function plan.run(p, opts) end

return plan

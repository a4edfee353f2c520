---@meta luagate.metadata
-- Written by `luagate --types DIR` from the module's doc comments.

---@class luagate.metadata
local metadata = {}

--- report = metadata.apply(keys, spec [, opts]): metadata.plan, then plan.run (show,
--- apply, print the report).
function metadata.apply(keys, spec, opts) end

--- t | nil, reason = metadata.decode(key_or_string): the JSON object in a key's metadata
--- (or in a string); absent or empty metadata is an empty table; anything else that is
--- not a JSON object gives nil and why.
function metadata.decode(v) end

--- s = metadata.encode(t): compact JSON with sorted keys; raises if it is longer than
--- metadata.limit characters.
function metadata.encode(t) end

---@type any
metadata.limit = nil

--- metadata.merge(target, patch): JSON Merge Patch (RFC 7396) of patch into target, in
--- place: objects merge key by key, json.null removes a key, anything else replaces.
function metadata.merge(target, patch) end

--- p = metadata.plan(keys, spec [, opts]): a plan changing each key's metadata. spec:
--- {set = {...}} sets top-level keys and keeps the others; {merge = {...}} deep-merges
--- (RFC 7396); {remove = {"k", ...}} removes keys (set, merge and remove combine, applied
--- remove → set → merge; set and merge may also be Mustache templates rendering to a
--- JSON object); {template = MUSTACHE, vars = ...} replaces the text (values JSON-escaped
--- when the result is JSON); or a function (key, decoded, reason) → new text | table | nil.
--- Non-JSON metadata is never overwritten by set/merge/remove: the change is refused
--- unless spec.overwrite_non_json = true. spec.field = "description" targets descriptions.
function metadata.plan(keys, spec, opts) end

return metadata

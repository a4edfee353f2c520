---@meta luagate.rename
-- Written by `luagate --types DIR` from the module's doc comments.

---@class luagate.rename
local rename = {}

--- report = rename.apply(keys, spec [, opts]): rename.plan, then plan.run: shows the
--- plan, applies it (opts: concurrency, on_error, progress, allow_duplicates, existing)
--- and prints the report.
function rename.apply(keys, spec, opts) end

--- p = rename.lower(keys [, opts]), rename.upper(keys [, opts]): ASCII letters of the
--- names to lower or upper case (other characters are kept).
function rename.lower(keys, opts) end

--- p = rename.plan(keys, spec [, {allow_duplicates = false, existing = keys}])
--- spec: a function (key, index) → new name | nil (nil: leave the key out);
--- {pattern = LUAPATTERN, replace = REPL [, n = max]}: string.gsub on the name (keys it
--- does not match are left out); {template = MUSTACHE [, vars =, pad =, strict =, partials =]}:
--- rendered with the key's fields, `meta`, `vars` and `index` (1-based, zero-padded to
--- `pad` digits). New names are checked against `existing` (default: `keys`).
function rename.plan(keys, spec, opts) end

--- p = rename.prefix(keys, p [, opts]): "p" .. name; names that already start with p stay.
function rename.prefix(keys, p, opts) end

--- p = rename.strip_prefix(keys, p [, opts]): removes p from names that start with it.
function rename.strip_prefix(keys, p, opts) end

--- p = rename.suffix(keys, s [, opts]): name .. "s"; names that already end with s stay.
function rename.suffix(keys, s, opts) end

function rename.upper(keys, opts) end

return rename

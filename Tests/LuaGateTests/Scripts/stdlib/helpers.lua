-- Shared helpers for the stdlib specs, which busted runs with luagate as its interpreter
-- (StdlibSpecTests: `busted --lua=luagate`, one spec file per run against a fresh fake API).
-- The assertions are luassert's; these only name the checks the specs make most.
local assert = require "luassert"

local helpers = {}

--- eq(actual, expected [, what]): raw equality.
function helpers.eq(actual, expected, what)
  assert.are.equal(expected, actual, what)
end

--- same(actual, expected [, what]): deep equality.
function helpers.same(actual, expected, what)
  assert.are.same(expected, actual, what)
end

--- has(text, part [, what]): text contains part (plain).
function helpers.has(text, part, what)
  assert.is_string(text, what)
  assert.is_truthy(text:find(part, 1, true), what or ("expected %q to contain %q"):format(text, part))
end

--- err = raises(fn, part): fn raises an error whose tostring contains part.
function helpers.raises(fn, part)
  local ok, err = pcall(fn)
  assert.is_false(ok, "expected an error" .. (part and " containing " .. part or ""))
  if part then helpers.has(tostring(err), part) end
  return err
end

--- keys = seed{ {name =, providerId = ?, metadata = ?, description = ?}, ... }: creates the
--- keys and returns their records, in the order given.
function helpers.seed(list)
  local keys = {}
  for i, k in ipairs(list) do
    keys[i] = providerKeys.create {
      providerId = k.providerId or "openai", name = k.name, value = "sk-test-" .. i,
      description = k.description, metadata = k.metadata,
    }
  end
  return keys
end

--- A file-like object collecting what is written to it.
function helpers.buffer()
  local parts = {}
  return {
    write = function(self, ...)
      for _, s in ipairs { ... } do parts[#parts + 1] = tostring(s) end
      return self
    end,
    flush = function(self) return self end,
    text = function() return table.concat(parts) end,
  }
end

--- The folder of the specs (for data files next to them).
helpers.dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."

return helpers

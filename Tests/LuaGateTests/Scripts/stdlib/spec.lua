-- A small helper for the stdlib specs: each test prints "ok - name" or
-- "not ok - name: why"; spec.done() prints the count and exits 1 if any failed.
-- Specs run against a fresh fake API (StdlibSpecTests) and create their own keys.
local json = require "json"

local spec = { count = 0, failures = 0 }

local function show(v)
  if type(v) == "string" then return ("%q"):format(v) end
  if type(v) == "table" then
    local ok, text = pcall(json.encode, v)
    if ok then return text end
  end
  return tostring(v)
end

function spec.test(name, fn)
  spec.count = spec.count + 1
  local ok, err = xpcall(fn, function(e) return debug.traceback(tostring(e), 2) end)
  if ok then
    print("ok - " .. name)
  else
    spec.failures = spec.failures + 1
    print("not ok - " .. name .. ": " .. err)
  end
end

--- eq(actual, expected [, what]): raw equality.
function spec.eq(actual, expected, what)
  if actual ~= expected then
    error(("%sexpected %s, got %s"):format(what and what .. ": " or "", show(expected), show(actual)), 2)
  end
end

--- same(actual, expected): equal once encoded as JSON (deep, keys sorted).
function spec.same(actual, expected, what)
  local a, e = json.encode(actual), json.encode(expected)
  if a ~= e then error(("%sexpected %s, got %s"):format(what and what .. ": " or "", e, a), 2) end
end

--- has(text, part): text contains part (plain).
function spec.has(text, part, what)
  if type(text) ~= "string" or not text:find(part, 1, true) then
    error(("%sexpected %s to contain %s"):format(what and what .. ": " or "", show(text), show(part)), 2)
  end
end

--- err = raises(fn, part): fn raises an error whose tostring contains part.
function spec.raises(fn, part)
  local ok, err = pcall(fn)
  if ok then error("expected an error" .. (part and " containing " .. show(part) or ""), 2) end
  if part and not tostring(err):find(part, 1, true) then
    error(("expected an error containing %s, got %s"):format(show(part), show(tostring(err))), 2)
  end
  return err
end

--- keys = seed{ {name =, providerId = ?, metadata = ?, description = ?}, ... }: creates the
--- keys and returns their records, in the order given.
function spec.seed(list)
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
function spec.buffer()
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

--- The folder of the running spec (for data files next to it).
spec.dir = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."

function spec.done()
  print(("%d tests, %d failed"):format(spec.count, spec.failures))
  os.exit(spec.failures == 0 and 0 or 1)
end

return spec

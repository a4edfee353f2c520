-- Runs the Mustache spec's own test files through luagate.template, the way the spec means
-- them (strict off, HTML escaping), and prints each failure and a count.
--   git clone https://github.com/mustache/spec /tmp/mustache-spec
--   luagate scripts/conformance/mustache-spec.lua /tmp/mustache-spec/specs
-- Exits 1 if any case fails. Only the required groups are run (not the optional ~lambdas,
-- ~inheritance and ~dynamic-names).
local template = require "luagate.template"

local dir = assert(arg[1], "usage: mustache-spec.lua SPECS_DIR")
local groups = { "interpolation", "sections", "inverted", "comments", "delimiters", "partials" }
local passed, failed = 0, 0

for _, group in ipairs(groups) do
  local file = assert(io.open(dir .. "/" .. group .. ".json"))
  local spec = json.decode(file:read("a"))
  file:close()
  for _, case in ipairs(spec.tests) do
    local ok, out = pcall(template.render, case.template, case.data,
      { strict = false, escape = "html", partials = case.partials })
    if ok and out == case.expected then
      passed = passed + 1
    else
      failed = failed + 1
      print(("FAIL %s: %s\n  template %q\n  expected %q\n  got      %s"):format(
        group, case.name, case.template, case.expected, ok and ("%q"):format(out) or tostring(out)))
    end
  end
end
print(("%d passed, %d failed"):format(passed, failed))
os.exit(failed == 0 and 0 or 1)

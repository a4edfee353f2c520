-- luagate.rename: specs as functions, patterns and templates; the helpers; apply.
local helpers = require "helpers"
local rename = require "luagate.rename"
local eq, same, raises, has = helpers.eq, helpers.same, helpers.raises, helpers.has

describe("luagate.rename", function()
  local keys = helpers.seed {
    { name = "openai-dev-1", metadata = '{"team":"ml"}' },
    { name = "openai-prod", providerId = "openai" },
    { name = "anthropic-dev-2", providerId = "anthropic", description = "for tests" },
  }

  local function names(p)
    local list = {}
    for i, c in ipairs(p) do list[i] = c.after.name end
    return list
  end

  it("a function spec gets the key and its index; nil leaves the key out", function()
    local p = rename.plan(keys, function(key, i)
      if key.providerId == "openai" then return key.name .. "#" .. i end
    end)
    same(names(p), { "openai-dev-1#1", "openai-prod#2" })
    eq(p[1].id, keys[1].id)
    same(p[1].before, { name = "openai-dev-1" })
  end)

  it("patterns replace with string.gsub semantics, captures included", function()
    same(names(rename.plan(keys, { pattern = "^(%a+)%-(.*)$", replace = "%2.%1" })),
      { "dev-1.openai", "prod.openai", "dev-2.anthropic" })
    same(names(rename.plan(keys, { pattern = "%-dev%-(%d+)$", replace = "-development-%1" })),
      { "openai-development-1", "anthropic-development-2" })
    same(names(rename.plan(keys, { pattern = "%-", replace = "_", n = 1 })), { "openai_dev-1", "openai_prod", "anthropic_dev-2" })
    same(names(rename.plan(keys, { pattern = "prod", replace = "100%% prod" })), { "openai-100% prod" })
    same(names(rename.plan(keys, { pattern = "^(%a+)", replace = { openai = "oai" } })), { "oai-dev-1", "oai-prod", "anthropic-dev-2" })
    same(names(rename.plan(keys, { pattern = "%d", replace = function(d) return "<" .. d .. ">" end })),
      { "openai-dev-<1>", "anthropic-dev-<2>" })
  end)

  it("keys the pattern does not match are left out", function()
    eq(#rename.plan(keys, { pattern = "^nomatch", replace = "x" }), 0)
  end)

  it("bad patterns and replacements are errors naming the key", function()
    raises(function() rename.plan(keys, { pattern = "[a", replace = "x" }) end,
      'rename.plan: key ' .. keys[1].id .. ' ("openai-dev-1"): pattern "[a": malformed pattern (missing \']\')')
    raises(function() rename.plan(keys, { pattern = "(o)", replace = "%2" }) end, "pattern \"(o)\": invalid capture index %2")
    raises(function() rename.plan(keys, { pattern = "o", replace = "%" }) end, "invalid use of '%' in replacement string")
    raises(function() rename.plan(keys, { pattern = 1, replace = "x" }) end, "bad argument #2 to 'plan' (pattern must be a string)")
    raises(function() rename.plan(keys, { pattern = "x" }) end, "replace must be a string, a table or a function")
  end)

  it("templates see the key's fields, meta, vars and index", function()
    same(names(rename.plan(keys, { template = "{{providerId}}-{{env}}-{{index}}", vars = { env = "prod" } })),
      { "openai-prod-1", "openai-prod-2", "anthropic-prod-3" })
    same(names(rename.plan(keys, { template = "{{providerId}}-{{index}}", pad = 3 })),
      { "openai-001", "openai-002", "anthropic-003" })
    same(names(rename.plan({ keys[1] }, { template = "{{meta.team}}/{{name}}" })), { "ml/openai-dev-1" })
    same(names(rename.plan(keys, { template = "{{uppercased(name)}}" })), { "OPENAI-DEV-1", "OPENAI-PROD", "ANTHROPIC-DEV-2" })
  end)

  it("a missing template variable is an error naming it, its position and the key", function()
    raises(function() rename.plan(keys, { template = "{{providerId}}-{{nmae}}" }) end,
      "rename.plan: key " .. keys[1].id .. " (\"openai-dev-1\"): template: missing variable 'nmae' at line 1, column 16")
    -- description is absent on some keys: strict mode catches it on the first such key
    raises(function() rename.plan(keys, { template = "{{description}}" }) end,
      "key " .. keys[1].id .. " (\"openai-dev-1\"): template: missing variable 'description' at line 1, column 1")
    same(names(rename.plan(keys, { template = "x{{description}}", strict = false })), { "x", "x", "xfor tests" })
    raises(function() rename.plan(keys, { template = "x", pad = 0 }) end, "pad must be a positive integer")
  end)

  it("the error is raised at the caller's line", function()
    local err = raises(function() rename.plan(keys, { template = "{{nmae}}" }) end)
    has(tostring(err), "rename_spec.lua:73: rename.plan: key ")
    eq(err.code, "argument") -- an error object, uncaught without stdlib frames
  end)

  it("prefix, strip_prefix, suffix, lower and upper", function()
    same(names(rename.prefix(keys, "team-")), { "team-openai-dev-1", "team-openai-prod", "team-anthropic-dev-2" })
    same(names(rename.prefix({ { id = "k", name = "team-x" } }, "team-")), { "team-x" })
    same(names(rename.strip_prefix(keys, "openai-")), { "dev-1", "prod" })
    same(names(rename.suffix(keys, "-old")), { "openai-dev-1-old", "openai-prod-old", "anthropic-dev-2-old" })
    same(names(rename.suffix({ { id = "k", name = "x-old" } }, "-old")), { "x-old" })
    same(names(rename.upper(keys)), { "OPENAI-DEV-1", "OPENAI-PROD", "ANTHROPIC-DEV-2" })
    same(names(rename.lower({ { id = "k", name = "MiXed-ÜBER" } })), { "mixed-Über" })
    raises(function() rename.prefix(keys, 1) end, "bad argument #2 to 'prefix' (string expected, got number)")
  end)

  it("no-ops stay in the plan, marked", function()
    local p = rename.prefix({ { id = "k", name = "team-x" } }, "team-")
    local out = helpers.buffer()
    p:show { out = out }
    has(out.text(), '"team-x" → "team-x"  no-op')
  end)

  it("duplicates within the plan and against unchanged keys are refused", function()
    local err = raises(function() rename.plan(keys, function() return "same" end):validate() end, "3 problems")
    eq(err.violations[1].kind, "conflict")
    err = raises(function()
      rename.plan(keys, function(key) if key.name == "openai-dev-1" then return "openai-prod" end end):validate()
    end, "1 problem")
    has(tostring(err), '"openai-prod" is also the name of ' .. keys[2].id)
    rename.plan(keys, function(key) if key.name == "openai-dev-1" then return "openai-prod" end end,
      { allow_duplicates = true }):validate()
    -- against a wider list of existing keys
    raises(function()
      rename.plan({ keys[1] }, function() return "anthropic-dev-2" end, { existing = keys }):validate()
    end, '"anthropic-dev-2" is also the name of ' .. keys[3].id)
  end)

  it("arguments are checked", function()
    raises(function() rename.plan("x", function() end) end, "bad argument #1 to 'plan' (table of keys expected, got string)")
    raises(function() rename.plan({ 1 }, function() end) end, "bad argument #1 to 'plan' (keys[1] is not a key")
    raises(function() rename.plan(keys, 1) end, "bad argument #2 to 'plan' (function or table expected, got number)")
    raises(function() rename.plan(keys, {}) end, "spec needs pattern")
  end)

  it("apply shows the plan, applies it and returns the report", function()
    local out = helpers.buffer()
    local report = rename.apply(keys, { pattern = "^openai%-", replace = "oai-" }, { out = out })
    eq(report.updated, 2)
    eq(#report.failed, 0)
    has(out.text(), '"openai-prod" → "oai-prod"')
    has(out.text(), "applied: 2 updated, 0 unchanged, 0 failed, 0 skipped")
    eq(providerKeys.get(keys[2].id).name, "oai-prod")
    eq(providerKeys.get(keys[3].id).name, "anthropic-dev-2")
  end)
end)

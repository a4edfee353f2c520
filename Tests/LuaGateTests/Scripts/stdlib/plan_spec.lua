-- luagate.plan and luagate.progress: validation, show, json and apply.
local helpers = require "helpers"
local plan = require "luagate.plan"
local progress = require "luagate.progress"
local eq, same, raises, has = helpers.eq, helpers.same, helpers.raises, helpers.has

describe("luagate.plan", function()
  local keys = helpers.seed {
    { name = "alpha", metadata = '{"team":"ml"}' },
    { name = "beta", description = "second" },
    { name = "gamma", metadata = "owner: ops" },
  }
  local a, b, c = keys[1], keys[2], keys[3]

  local function rename(key, name) return { id = key.id, before = { name = key.name }, after = { name = name } } end

  it("a plan is the list of its changes", function()
    local p = plan.new { rename(a, "alpha-2"), rename(b, "beta-2") }
    eq(#p, 2)
    eq(p[2].after.name, "beta-2")
    eq(plan.is(p), true)
    eq(plan.is({}), false)
    eq(p:validate(), p)
  end)

  it("plan.new checks the shape of each change", function()
    raises(function() plan.new("x") end, "bad argument #1 to 'new' (table expected, got string)")
    raises(function() plan.new { { id = 1, after = {} } } end, "change #1: needs id")
    raises(function() plan.new { { id = "x" } } end, "change #1: needs id")
  end)

  it("validate lists every violation in one error object", function()
    local p = plan.new {
      rename(a, ("x"):rep(256)),
      { id = b.id, before = { description = b.description }, after = { description = ("é"):rep(300), nmae = "x" } },
      { id = c.id, before = { metadata = c.metadata }, after = { metadata = ("m"):rep(4097) } },
    }
    local err = raises(function() p:validate() end, "plan refused, nothing was sent: 4 problems")
    eq(err.code, "plan")
    eq(#err.violations, 4)
    eq(getmetatable(err).__luagate, nil) -- an expected refusal: uncaught, no traceback
    has(tostring(err), "plan_spec.lua:38: plan refused") -- the line that called validate
    local text = tostring(err)
    has(text, a.id .. " name: at most 255 characters (got 256)")
    has(text, b.id .. " description: at most 255 characters (got 300)")
    has(text, b.id .. " nmae: unknown field 'nmae' (allowed: description, metadata, name)")
    has(text, c.id .. " metadata: at most 4096 characters (got 4097)")
    eq(err.violations[1].id, a.id)
    eq(err.violations[1].field, "name")
    eq(err.violations[1].kind, "violation")
  end)

  it("a unicode name of exactly 255 characters passes, 256 does not", function()
    plan.new({ rename(a, ("ü"):rep(255)) }):validate()
    plan.new({ rename(a, ("日本"):rep(127) .. "x") }):validate()
    raises(function() plan.new({ rename(a, ("ü"):rep(256)) }):validate() end, "at most 255 characters (got 256)")
  end)

  it("names must be non-empty strings; values must be strings or json.null", function()
    raises(function() plan.new({ rename(a, "") }):validate() end, "name: must not be empty")
    raises(function() plan.new({ rename(a, json.null) }):validate() end, "name: cannot be cleared")
    raises(function() plan.new({ rename(a, 42) }):validate() end, "name: must be a string or json.null (got number)")
    raises(function() plan.new({ rename(a, "bad\xff") }):validate() end, "name: is not valid UTF-8")
    plan.new({ { id = b.id, before = { description = "x" }, after = { description = json.null } } }):validate()
  end)

  it("metadata that was JSON must stay JSON", function()
    local to = function(text) return plan.new { { id = a.id, before = { metadata = a.metadata }, after = { metadata = text } } } end
    raises(function() to("team=ml"):validate() end, "metadata: was JSON and would no longer be")
    to('{"team":"ops"}'):validate()
    to(json.null):validate()
    plan.new({ { id = c.id, before = { metadata = c.metadata }, after = { metadata = "owner: dev" } } }):validate()
  end)

  it("duplicate new names within the plan", function()
    local err = raises(function() plan.new({ rename(a, "same"), rename(b, "same") }):validate() end, "2 problems")
    has(tostring(err), a.id .. ' name: conflict: "same" is also the new name of ' .. b.id)
    has(tostring(err), b.id .. ' name: conflict: "same" is also the new name of ' .. a.id)
    eq(err.violations[1].kind, "conflict")
  end)

  it("duplicate new names against the unchanged keys", function()
    local err = raises(function() plan.new({ rename(a, "beta") }, { keys = keys }):validate() end, "1 problem")
    has(tostring(err), a.id .. ' name: conflict: "beta" is also the name of ' .. b.id)
    -- without the keys, nothing is known about beta
    plan.new({ rename(a, "beta") }):validate()
  end)

  it("swapping names is not a conflict; allow_duplicates allows them", function()
    plan.new({ rename(a, "beta"), rename(b, "alpha") }, { keys = keys }):validate()
    plan.new({ rename(a, "gamma") }, { keys = keys, allow_duplicates = true }):validate()
  end)

  it("show prints id, field, old → new and the marks, without colour off a terminal", function()
    local out = helpers.buffer()
    local p = plan.new({
      rename(a, "alpha-2"),
      rename(b, "beta"),
      rename(c, "alpha-2"),
      { id = "k_refused", before = { metadata = "x" }, after = { metadata = "{}" }, refused = "not JSON" },
    }, { keys = keys })
    eq(p:show { out = out }, p)
    local text = out.text()
    eq(text:find("\27", 1, true), nil)
    has(text, "ID")
    has(text, a.id .. "  name      " .. '"alpha" → "alpha-2"  conflict: "alpha-2" is also the new name of ' .. c.id)
    has(text, '"beta" → "beta"  no-op')
    has(text, 'k_refused' .. (" "):rep(#a.id - 9) .. '  metadata  "x" → {}  refused: not JSON')
    has(text, "4 changes: 0 to apply, 1 no-op, 1 refused, 2 with problems: nothing will be sent")
    local hidden = helpers.buffer()
    p:show { out = hidden, noops = false }
    eq(hidden.text():find('"beta" → "beta"', 1, true), nil)
  end)

  it("show cuts long values and colours when asked", function()
    local out = helpers.buffer()
    plan.new({ { id = a.id, before = { metadata = a.metadata }, after = { metadata = ('{"k":"%s"}'):format(("v"):rep(100)) } } })
      :show { out = out, color = true, width = 20 }
    local text = out.text()
    has(text, "\27[31m")
    has(text, "\27[32m")
    has(text, "metadata.k     \27[31m(none)\27[0m → \27[32m\"" .. ("v"):rep(18) .. "…")
    has(text, 'metadata.team  \27[31m"ml"\27[0m → \27[32m(none)')
  end)

  it("show lists the members that differ between JSON values, and JSON text unquoted", function()
    local out = helpers.buffer()
    plan.new({
      { id = a.id, before = { metadata = '{"team":"ml","env":"dev"}' }, after = { metadata = '{"env":"dev","team":"ops","x":[1]}' } },
      { id = b.id, before = {}, after = { metadata = '{ "b": 1,\n "a": 2 }' } },
    }):show { out = out }
    local text = out.text()
    has(text, 'metadata.team  "ml" → "ops"')
    has(text, "metadata.x     (none) → [1]")
    eq(text:find("metadata.env", 1, true), nil)
    has(text, 'metadata       (none) → {"a":2,"b":1}')
  end)

  it("json gives the plan for machines", function()
    local p = plan.new({ rename(a, "alpha-3"), rename(b, "beta"), rename(c, ("x"):rep(300)) })
    local list = json.decode(p:json())
    eq(#list, 3)
    eq(list[1].id, a.id)
    eq(list[1].status, "change")
    same(list[1].before, { name = "alpha" })
    same(list[1].after, { name = "alpha-3" })
    eq(list[2].status, "no-op")
    eq(list[3].status, "invalid")
    eq(list[3].problems[1].message, "at most 255 characters (got 300)")
    eq(json.encode(json.decode(plan.new({}):json())), "[]")
    eq(json.decode(plan.new({ { id = "x", after = { description = json.null } } }):json())[1].after.description, json.null)
  end)

  it("apply updates the changed fields and reports", function()
    local p = plan.new({
      rename(a, "alpha-applied"),
      rename(b, "beta"),
      { id = c.id, before = { name = "gamma", description = c.description }, after = { name = "gamma", description = "third" } },
      { id = "aigpk_refused", before = {}, after = { name = "never" }, refused = "just because" },
    }, { keys = keys })
    local report = p:apply { concurrency = 2 }
    eq(report.updated, 2)
    eq(report.unchanged, 1)
    eq(report.skipped, 1)
    eq(#report.failed, 0)
    eq(providerKeys.get(a.id).name, "alpha-applied")
    local gamma = providerKeys.get(c.id)
    eq(gamma.name, "gamma")
    eq(gamma.description, "third")
    a = providerKeys.get(a.id)
  end)

  it("apply with on_error = continue reports failures and goes on", function()
    local p = plan.new { rename(a, "cont-1"), { id = "aigpk_gone", before = {}, after = { name = "x" } }, rename(b, "cont-2") }
    local report = p:apply { concurrency = 1, on_error = "continue" }
    eq(report.updated, 2)
    eq(#report.failed, 1)
    eq(report.failed[1].id, "aigpk_gone")
    eq(report.failed[1].error.status, 404)
    eq(providerKeys.get(b.id).name, "cont-2")
  end)

  it("apply with on_error = abort stops starting updates and raises", function()
    local p = plan.new { { id = "aigpk_gone", before = {}, after = { name = "x" } }, rename(a, "abort-1"), rename(b, "abort-2") }
    local err = raises(function() p:apply { concurrency = 1, on_error = "abort" } end, "plan:apply aborted: aigpk_gone failed")
    eq(err.code, "aborted")
    eq(err.report.updated, 0)
    eq(err.report.skipped, 2)
    eq(#err.report.failed, 1)
    eq(providerKeys.get(a.id).name, "cont-1")
  end)

  it("apply validates first and rejects bad options", function()
    raises(function() plan.new({ rename(a, "") }):apply() end, "plan refused")
    raises(function() plan.new({}):apply { on_error = "stop" } end, "on_error must be \"continue\" or \"abort\"")
    raises(function() plan.new({}):apply { concurrency = 0 } end, "concurrency must be a positive integer")
    local report = plan.new({}):apply()
    same(report, { updated = 0, unchanged = 0, skipped = 0, failed = {} })
  end)

  it("plan.context: fields, meta, vars, then index", function()
    local ctx = plan.context({ id = "k", name = "n", metadata = '{"team":"ml"}' }, 7, { vars = { name = "override", x = 1 }, pad = 3 })
    eq(ctx.id, "k")
    eq(ctx.name, "override")
    eq(ctx.meta.team, "ml")
    eq(ctx.x, 1)
    eq(ctx.index, "007")
    eq(plan.context({ id = "k", metadata = "text" }, 2, {}).meta, nil)
    eq(plan.context({ id = "k" }, 2, {}).index, 2)
  end)

  it("plan.decode_object", function()
    same(plan.decode_object('{"a":1}'), { a = 1 })
    same(plan.decode_object(nil), {})
    same(plan.decode_object(""), {})
    local t, why = plan.decode_object("owner: ops")
    eq(t, nil)
    has(why, "not JSON: invalid value at line 1, column 1")
    t, why = plan.decode_object("[1]")
    eq(t, nil)
    eq(why, "JSON, but not an object")
  end)

  it("progress.format shows done/total, rate, ETA and failures", function()
    eq(progress.format { done = 10, total = 40, failed = 0, elapsed = 2, width = 8 }, "[##------] 10/40  5.0/s  ETA 6s")
    eq(progress.format { done = 40, total = 40, failed = 2, elapsed = 4, width = 8, label = "updating" },
      "updating [########] 40/40  10.0/s  2 failed")
    eq(progress.format { done = 0, total = 5, failed = 0, elapsed = 0, width = 4 }, "[----] 0/5")
    eq(progress.format { done = 1, total = 100, failed = 0, elapsed = 1, width = 4 }, "[----] 1/100  1.0/s  ETA 1m39s")
    has(progress.format { done = 1, total = 2, failed = 1, elapsed = 1, color = true }, "\27[31m1 failed\27[0m")
  end)

  it("a progress bar is drawn only when enabled", function()
    local out = helpers.buffer()
    local bar = progress.new { total = 2, out = out, enabled = false }
    bar:step(true)
    bar:finish()
    eq(out.text(), "")
    bar = progress.new { total = 2, out = out, enabled = true, label = "x" }
    bar:step(true)
    bar:step(false)
    bar:finish()
    has(out.text(), "\rx [########################] 2/2")
    has(out.text(), "1 failed")
    eq(out.text():sub(-1), "\n")
  end)
end)

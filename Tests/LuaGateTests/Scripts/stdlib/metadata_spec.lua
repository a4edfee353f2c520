-- luagate.metadata: decode, encode, and plans that set, merge, remove or template.
local helpers = require "helpers"
local metadata = require "luagate.metadata"
local eq, same, raises, has = helpers.eq, helpers.same, helpers.raises, helpers.has

describe("luagate.metadata", function()
  local keys = helpers.seed {
    { name = "json-key", metadata = '{"team":"ml","limits":{"rpm":10,"tpm":100},"tags":["a"]}' },
    { name = "text-key", metadata = "owner: ops" },
    { name = "bare-key" },
    { name = "loose-json", metadata = '{ "team" : "ops" }', description = '{"kind":"test"}' },
  }
  local json_key, text_key, bare_key, loose_key = keys[1], keys[2], keys[3], keys[4]

  local function after(p, i) return json.decode(p[i].after.metadata) end

  it("decode: a key's JSON object, an empty table, or nil and why", function()
    same(metadata.decode(json_key), { team = "ml", limits = { rpm = 10, tpm = 100 }, tags = { "a" } })
    same(metadata.decode(bare_key), {})
    same(metadata.decode('{"a":1}'), { a = 1 })
    local t, why = metadata.decode(text_key)
    eq(t, nil)
    has(why, "not JSON: invalid value at line 1, column 1")
    t, why = metadata.decode("[1,2]")
    eq(t, nil)
    eq(why, "JSON, but not an object")
    raises(function() metadata.decode(42) end, "bad argument #1 to 'decode' (key or string expected, got number)")
  end)

  it("encode: compact, sorted, at most 4096 characters", function()
    eq(metadata.encode({ b = 1, a = { d = true, c = 1.5 } }), '{"a":{"c":1.5,"d":true},"b":1}')
    eq(metadata.encode({}), "{}")
    eq(#metadata.encode({ x = ("é"):rep(4088) }), 8 + 2 * 4088)
    raises(function() metadata.encode({ x = ("é"):rep(4089) }) end, "metadata.encode: at most 4096 characters (got 4097)")
    eq(metadata.limit, 4096)
  end)

  it("set: sets top-level keys and keeps the others", function()
    local p = metadata.plan({ json_key, bare_key }, { set = { owner = "ops", limits = { rpm = 5 } } })
    same(after(p, 1), { team = "ml", owner = "ops", limits = { rpm = 5 }, tags = { "a" } })
    same(after(p, 2), { owner = "ops", limits = { rpm = 5 } })
    eq(p[1].after.metadata, '{"limits":{"rpm":5},"owner":"ops","tags":["a"],"team":"ml"}')
    eq(p[2].before.metadata, nil)
  end)

  it("merge: deep merge, json.null removes, arrays replace", function()
    local p = metadata.plan({ json_key }, { merge = { limits = { rpm = 20, tpm = json.null, rpd = 1 }, tags = { "b" }, team = json.null } })
    same(after(p, 1), { limits = { rpm = 20, rpd = 1 }, tags = { "b" } })
  end)

  it("remove: removes keys", function()
    local p = metadata.plan({ json_key }, { remove = { "team", "tags", "absent" } })
    same(after(p, 1), { limits = { rpm = 10, tpm = 100 } })
  end)

  it("set, merge and remove combine", function()
    local p = metadata.plan({ json_key }, { remove = { "tags" }, set = { team = "infra" }, merge = { limits = { rpm = 1 } } })
    same(after(p, 1), { team = "infra", limits = { rpm = 1, tpm = 100 } })
  end)

  it("non-JSON metadata is refused unless overwrite_non_json", function()
    local p = metadata.plan({ text_key, json_key }, { merge = { owner = "ops" } })
    has(p[1].refused, "metadata is not JSON: invalid value at line 1, column 1")
    has(p[1].refused, "set overwrite_non_json = true to replace it")
    eq(p[1].after.metadata, '{"owner":"ops"}')
    eq(p[2].refused, nil)
    local out = helpers.buffer()
    p:show { out = out }
    has(out.text(), '"owner: ops" → {"owner":"ops"}  refused: metadata is not JSON')
    p = metadata.plan({ text_key }, { set = { owner = "ops" }, overwrite_non_json = true })
    eq(p[1].refused, nil)
    eq(p[1].after.metadata, '{"owner":"ops"}')
  end)

  it("unchanged metadata is a no-op and keeps its text", function()
    local p = metadata.plan({ loose_key, bare_key }, { set = { team = "ops" }, remove = { "gone" } })
    eq(p[1].after.metadata, '{ "team" : "ops" }')
    eq(json.decode(p:json())[1].status, "no-op")
    p = metadata.plan({ bare_key }, { remove = { "x" } })
    eq(json.decode(p:json())[1].status, "no-op")
  end)

  it("set and merge may be templates rendering a JSON object", function()
    local p = metadata.plan({ json_key, bare_key }, {
      merge = '{"label": "{{providerId}}-{{index}}", "note": "{{note}}"}', vars = { note = 'say "hi"' }, pad = 2,
    })
    same(after(p, 1), { team = "ml", limits = { rpm = 10, tpm = 100 }, tags = { "a" }, label = "openai-01", note = 'say "hi"' })
    same(after(p, 2), { label = "openai-02", note = 'say "hi"' })
    raises(function() metadata.plan({ json_key }, { set = "[1]" }) end, "set template gave JSON, but not an object: [1]")
    raises(function() metadata.plan({ json_key }, { set = '{"a":"{{nope}}"}' }) end,
      "metadata.plan: key " .. json_key.id .. ": template: missing variable 'nope' at line 1, column 7")
  end)

  it("template: JSON escaping when the result is JSON, none otherwise", function()
    local p = metadata.plan({ text_key }, { template = '{"previous": "{{metadata}}", "by": "{{who}}"}', vars = { who = 'a "b"' } })
    same(after(p, 1), { previous = "owner: ops", by = 'a "b"' })
    p = metadata.plan({ text_key }, { template = "owner: {{who}} & co", vars = { who = 'a "b"' } })
    eq(p[1].after.metadata, 'owner: a "b" & co')
    p = metadata.plan({ text_key }, { template = "<{{who}}>", vars = { who = "&" }, escape = "html" })
    eq(p[1].after.metadata, "<&amp;>")
    raises(function() metadata.plan({ text_key }, { template = "x", escape = "xml" }) end, "escape must be")
  end)

  it("a template turning JSON metadata into text fails validation", function()
    local p = metadata.plan({ json_key }, { template = "owner {{meta.team}}" })
    eq(p[1].after.metadata, "owner ml")
    raises(function() p:validate() end, "metadata: was JSON and would no longer be")
  end)

  it("a function gets the key and its decoded metadata", function()
    local seen = {}
    local p = metadata.plan(keys, function(key, decoded, reason)
      seen[#seen + 1] = reason or "json"
      if key == bare_key then return nil end
      if decoded then
        decoded.n = #seen
        return decoded
      end
      return key.metadata .. "!"
    end)
    eq(#p, 3)
    eq(seen[2]:sub(1, 9), "not JSON:")
    eq(after(p, 1).n, 1)
    eq(p[2].after.metadata, "owner: ops!")
  end)

  it("the same builders work for descriptions", function()
    local p = metadata.plan({ loose_key, bare_key }, { field = "description", merge = { owner = "x" } })
    same(p[1].before, { description = '{"kind":"test"}' })
    eq(p[1].after.description, '{"kind":"test","owner":"x"}')
    eq(p[1].after.metadata, nil)
    p = metadata.plan({ text_key }, { field = "description", template = "{{name}} ({{providerId}})" })
    eq(p[1].after.description, "text-key (openai)")
    raises(function() metadata.plan(keys, { field = "name", set = {} }) end, "field must be \"metadata\" or \"description\"")
  end)

  it("specs are checked", function()
    raises(function() metadata.plan(keys, { sett = {} }) end, "bad argument #2 to 'plan' (unknown spec field 'sett')")
    raises(function() metadata.plan(keys, {}) end, "spec needs set, merge, remove or template, or a function")
    raises(function() metadata.plan(keys, { set = 1 }) end, "set must be a table or a template string")
    raises(function() metadata.plan(keys, 1) end, "table or function expected, got number")
    raises(function() metadata.plan(nil, {}) end, "bad argument #1 to 'plan' (table of keys expected, got nil)")
  end)

  it("over-long results fail validation", function()
    local p = metadata.plan({ bare_key }, { set = { x = ("y"):rep(5000) } })
    raises(function() p:validate() end, "metadata: at most 4096 characters (got 5008)")
  end)

  it("apply: refused changes are skipped, the others sent", function()
    local out = helpers.buffer()
    local report = metadata.apply(keys, { set = { managed = true } }, { out = out })
    eq(report.updated, 3)
    eq(report.skipped, 1)
    has(out.text(), "applied: 3 updated, 0 unchanged, 0 failed, 1 skipped")
    eq(metadata.decode(providerKeys.get(bare_key.id)).managed, true)
    eq(metadata.decode(providerKeys.get(json_key.id)).team, "ml")
    eq(providerKeys.get(text_key.id).metadata, "owner: ops")
  end)
end)

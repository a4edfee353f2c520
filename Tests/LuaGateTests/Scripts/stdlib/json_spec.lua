-- json: round trips, errors with positions, null and empty arrays, lua-cjson.
local helpers = require "helpers"
local eq, same, raises = helpers.eq, helpers.same, helpers.raises

describe("json", function()
  it("require 'json' is the global", function()
    eq(require "json", json)
  end)

  it("integers stay integers, floats stay floats", function()
    for _, v in ipairs { 0, 1, -7, math.maxinteger, math.mininteger, 1.0, -0.0, 0.5, 2.0 ^ 60, 1e300, 3.14159, 1 / 3 } do
      local back = json.decode(json.encode(v))
      eq(math.type(back), math.type(v), "math.type of " .. tostring(v))
      eq(back, v, "value of " .. tostring(v))
    end
  end)

  it("floats read back as the double nearest to their text (found by the json fuzzer)", function()
    eq(json.decode("1.2345678901212346e+26"), 1.2345678901212346e+26)
    eq(json.decode("[123456789012123456789012340]")[1], 1.2345678901212346e+26)
    local text = json.encode(json.decode("[1e308,-0.0,123456789012123456789012340]"))
    eq(json.encode(json.decode(text)), text)
    eq(json.decode('{"a":[0.1,{"b":2.5e-300}]}').a[2].b, 2.5e-300)
    eq(math.type(json.decode("4567890121256901.0")), "float", "a long literal with a fraction stays a float")
    eq(math.type(json.decode("-9223372036854775808")), "integer")
  end)

  it("integral floats encode with a fraction or exponent", function()
    eq(json.encode(1.0), "1.0")
    eq(json.encode(-0.0), "-0.0")
    eq(json.encode(3), "3")
    eq(json.encode({ a = 2.0, b = { 1.0, 2 } }), '{"a":2.0,"b":[1.0,2]}')
    eq(math.type(json.decode(json.encode(1e20))), "float")
  end)

  it("strings that look like the float marker are left alone", function()
    local s = "\u{F8FE}x#0\u{F8FF}"
    eq(json.decode(json.encode({ s, 1.0 }))[1], s)
  end)

  it("nested values round trip", function()
    local v = { name = "é \"quoted\" \\ / \n\t\0", list = { 1, 2.5, true, false, json.null, { a = {} } }, empty = json.array() }
    same(json.decode(json.encode(v)), v)
  end)

  it("sort_keys and indent", function()
    eq(json.encode({ b = 1, a = 2 }), '{"a":2,"b":1}')
    eq(json.encode({ a = { 1, 2 }, b = {} }, { indent = true }), '{\n  "a" : [\n    1,\n    2\n  ],\n  "b" : {}\n}')
    eq(json.encode({ a = { 1 } }, { indent = 4 }), '{\n    "a" : [\n        1\n    ]\n}')
    eq(json.encode({ a = 1 }, { indent = false }), '{"a":1}')
    eq(#json.encode({ b = 1, a = 2 }, { sort_keys = false }), 13)
    raises(function() json.encode({}, { indent = "  " }) end, "field 'indent': must be a boolean or a non-negative integer")
    raises(function() json.encode({}, { sortkeys = true }) end, "unknown option 'sortkeys' (allowed: indent, sort_keys)")
  end)

  it("decode errors carry their position", function()
    raises(function() json.decode('{"a" 1}') end, "json.decode: invalid value at line 1, column 6 (byte 6)")
    raises(function() json.decode('{"a":') end, "json.decode: unexpected end of input at line 1, column 6")
    raises(function() json.decode('[\n  1,\n  x\n]') end, "json.decode: invalid value at line 3, column 3 (byte 10)")
    raises(function() json.decode('["é" x]') end, "at line 1, column 6 (byte 7)")
    raises(function() json.decode('') end, "json.decode: unexpected end of input at line 1, column 1")
    raises(function() json.decode('[01]') end, "number with leading zero at line 1, column 3 (byte 3)")
  end)

  it("null", function()
    eq(json.decode("null"), json.null)
    eq(json.decode('{"a":null}').a, json.null)
    eq(json.encode({ a = json.null }), '{"a":null}')
    eq(json.encode(nil), "null")
    eq(json.encode({ json.null, 1 }), "[null,1]")
  end)

  it("empty arrays and objects", function()
    eq(json.encode({}), "{}")
    eq(json.encode(json.array()), "[]")
    eq(json.encode(json.array({})), "[]")
    eq(json.encode(json.decode("[]")), "[]")
    eq(json.encode(json.decode("{}")), "{}")
    eq(json.encode(json.decode('{"a":[],"b":{}}')), '{"a":[],"b":{}}')
    local t = {}
    eq(json.array(t), t)
  end)

  it("invalid UTF-8, cycles and functions are errors", function()
    raises(function() json.encode("\xff") end, "invalid UTF-8")
    raises(function() json.encode({ a = { b = "\xc3" } }) end, "invalid UTF-8 in string at a.b")
    local t = {}
    t.self = t
    raises(function() json.encode(t) end, "cycle")
    raises(function() json.encode({ f = print }) end, "cannot encode a function at f")
    raises(function() json.encode(0 / 0) end, "cannot encode")
    raises(function() json.decode('"\xff"') end, "json.decode:")
  end)

  it("Debian's lua-cjson loads with require and shares the null", function()
    if not package.searchpath("cjson", package.cpath) then
      print("# skip: lua-cjson is not installed")
      return
    end
    local cjson = require "cjson"
    eq(cjson.decode("[1,2,3]")[3], 3)
    eq(cjson.encode({ 1, 2 }), "[1,2]")
    eq(cjson.null, json.null)
    eq(json.encode(cjson.decode('{"a":null}')), '{"a":null}')
  end)
end)

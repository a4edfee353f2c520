-- luagate.template: the Mustache spec's behaviour (mustache-spec.json) with
-- {strict = false, escape = "html"}, then luagate's own options.
local helpers = require "helpers"
local template = require "luagate.template"
local eq, raises = helpers.eq, helpers.raises

describe("luagate.template", function()
  local file = assert(io.open(helpers.dir .. "/mustache-spec.json"))
  local cases = json.decode(file:read("a")).cases
  file:close()
  for _, case in ipairs(cases) do
    it(("mustache %s: %s"):format(case.group, case.name), function()
      local out = template.render(case.template, case.data, { strict = false, escape = "html", partials = case.partials })
      eq(out, case.expected)
    end)
  end

  it("escape defaults to none", function()
    eq(template.render("{{x}} {{{x}}}", { x = "<a & \"b\">" }), "<a & \"b\"> <a & \"b\">")
  end)

  it("escape = html", function()
    eq(template.render("{{x}}|{{&x}}", { x = "<a & \"b\">" }, { escape = "html" }), "&lt;a &amp; &quot;b&quot;&gt;|<a & \"b\">")
  end)

  it("escape = json puts values inside a JSON string", function()
    local out = template.render('{"note": "{{x}}", "n": {{n}}}', { x = 'say "hi"\\\n\tbye', n = 3 }, { escape = "json" })
    eq(out, '{"note": "say \\"hi\\"\\\\\\n\\tbye", "n": 3}')
    eq(json.decode(out).note, 'say "hi"\\\n\tbye')
    eq(template.render("{{x}}", { x = "é/ü" }, { escape = "json" }), "é/ü")
  end)

  it("partials follow the escape option", function()
    local partials = { p = "[{{x}}]" }
    eq(template.render("{{>p}}", { x = "<\"" }, { partials = partials }), "[<\"]")
    eq(template.render("{{>p}}", { x = "<\"" }, { partials = partials, escape = "json" }), "[<\\\"]")
    eq(template.render("{{>p}}", { x = "<\"" }, { partials = partials, escape = "html" }), "[&lt;&quot;]")
  end)

  it("strict: a missing variable is an error naming it and its position", function()
    raises(function() template.render("Hello {{nmae}}!", { name = "x" }) end,
      "template: missing variable 'nmae' at line 1, column 7")
    raises(function() template.render("line one\n  id: {{ key.nmae }}\n", { key = { name = "x" } }) end,
      "template: missing variable 'key.nmae' at line 2, column 7")
    raises(function() template.render("{{&a}} {{b}} {{c}}", { b = 1 }) end,
      "template: missing variable 'a' at line 1, column 1 (also missing: 'c')")
  end)

  it("strict: inside sections and partials, and with other delimiters", function()
    raises(function() template.render("{{#items}}{{nmae}}{{/items}}", { items = { { name = "a" } } }) end,
      "missing variable 'nmae' at line 1, column 11")
    raises(function() template.render("x\n{{>row}}", {}, { partials = { row = "a\n  {{ gone }}" } }) end,
      "missing variable 'gone' at line 2, column 3 of partial 'row'")
    raises(function() template.render("{{=<% %>=}}\n<% gone %>", {}) end, "missing variable 'gone' at line 2, column 1")
    raises(function() template.render("{{uppercased(nmae)}}", { name = "x" }) end, "missing variable 'nmae' at line 1, column 1")
  end)

  it("strict: sections over missing names are falsey, not errors", function()
    eq(template.render("[{{#description}}{{description}}{{/description}}{{^description}}none{{/description}}]", {}), "[none]")
  end)

  it("strict: a broken dotted chain is an error", function()
    raises(function() template.render("{{a.b.c}}", { a = {} }) end, "missing variable 'a.b.c'")
    raises(function() template.render("{{name.first}}", { name = "x" }) end, "missing variable 'name.first'")
    raises(function() template.render("{{#a}}{{b.c}}{{/a}}", { a = { b = {} }, b = { c = "ERROR" } }) end,
      "missing variable 'b.c'")
  end)

  it("strict = false renders missing variables empty", function()
    eq(template.render("[{{nmae}}]", {}, { strict = false }), "[]")
  end)

  it("null values render empty without an error", function()
    eq(template.render("[{{x}}]", { x = json.null }), "[]")
  end)

  it("interpolating a table is an error in strict mode", function()
    raises(function() template.render("{{t}}", { t = { a = 1 } }) end,
      "template: 't' is a table; render its fields in a section {{#t}}…{{/t}} at line 1, column 1")
    eq(template.render("[{{t}}]", { t = { 1, 2 } }, { strict = false }), "[]")
  end)

  it("numbers render as tostring does", function()
    eq(template.render("{{i}} {{f}} {{g}} {{h}} {{big}}", { i = 85, f = 1.5, g = 1.0, h = -0.0, big = 2 ^ 53 }),
      ("%s %s %s %s %s"):format(tostring(85), tostring(1.5), tostring(1.0), tostring(-0.0), tostring(2 ^ 53)))
    eq(template.render("{{g}}", { g = 2.0 }), "2.0")
  end)

  it("booleans render as true and false", function()
    eq(template.render("{{a}} {{b}}", { a = true, b = false }), "true false")
  end)

  it("an empty table is an empty list (falsey), like json.array()", function()
    eq(template.render("{{#t}}yes{{/t}}{{^t}}no{{/t}}", { t = {} }), "no")
    eq(template.render("{{#t}}yes{{/t}}{{^t}}no{{/t}}", { t = json.array() }), "no")
    eq(template.render("{{#keys}}<{{.}}>{{/keys}}", { keys = {} }), "")
  end)

  it("any value is a context", function()
    eq(template.render("{{.}}", "x"), "x")
    eq(template.render("{{#.}}[{{.}}]{{/.}}", { 1, 2 }), "[1][2]")
    eq(template.render("{{.}}", 42), "42")
  end)

  it("a partial renders lazily, so recursion ends with the data", function()
    local tree = { content = "X", nodes = { { content = "Y", nodes = {} }, { content = "Z", nodes = {} } } }
    eq(template.render("{{>node}}", tree, { partials = { node = "{{content}}<{{#nodes}}{{>node}}{{/nodes}}>" } }), "X<Y<>Z<>>")
  end)

  it("runaway nesting and partials are errors, not crashes", function()
    local nested = "template: rendering nested too deeply: partial 'p' includes itself (p → p) and the data does not end it"
    raises(function() template.render(("{{#a}}"):rep(1500), {}) end, "section not closed at line 1, column 9001")
    raises(function() template.render("{{>p}}", {}, { partials = { p = "{{>p}}" } }) end, nested)
    raises(function() template.render("{{>a}}", {}, { partials = { a = "x{{>b}}", b = "{{>a}}" } }) end, "(a → b → a)")
    -- Mustache trims newlines around a tag's name too: `{{>\n\np}}` includes p.
    raises(function() template.render("{{>\n\np}}", {}, { partials = { p = "{{>\np\n}}" } }) end, "(p → p)")
    -- `{{` before a newline is no tag: the include after it is one (found by the fuzzer).
    raises(function() template.render("{{>p}}", {}, { partials = { p = "1{{\n{{>p}}" } }) end, nested)
    -- A section over the whole context when it is a text pushes it again, and again.
    raises(function() template.render("{{#.}}{{>p}}{{/.}}", "x", { partials = { p = "{{#.}}{{>p}}{{/.}}" } }) end, nested)
    -- The cycle named is the one being gone round, not a partial rendered on the way.
    raises(function()
      template.render("{{>p}}", { a = true }, { partials = { p = "{{>leaf}}{{#a}}{{>p}}{{/a}}", leaf = "x" } })
    end, nested)
    eq(template.render(("{{#a}}"):rep(100) .. ("{{/a}}"):rep(100), { a = true }), "")
  end)

  it("sections nest as deep as the text does", function()
    eq(template.render(("{{#a}}"):rep(2000) .. "x" .. ("{{/a}}"):rep(2000), { a = true }), "x")
    eq(template.render(("{{#a}}"):rep(2000) .. "x" .. ("{{/a}}"):rep(2000), {}), "")
    -- `{{` before a newline is text, so each `{{#a}}` after it opens a section.
    eq(#template.render(("{{\n{{#a}}"):rep(2000) .. ("{{/a}}"):rep(2000), { a = true }), 2000)
    -- Once delimiters may change, every # ^ $ < counts: here 2 per opening tag, 1 per closing one.
    eq(template.render("{{=<% %>=}}" .. ("<%#a%>"):rep(600) .. "y" .. ("<%/a%>"):rep(600), { a = true }), "y")
    raises(function() template.render(("{{#a}}"):rep(2001), {}) end,
      "too many sections: 2001 section tags ({{#, {{^, {{$, {{<), at most 2000")
    raises(function() template.render("{{x" .. ("a("):rep(65) .. "b" .. (")"):rep(65) .. "}}", {}) end,
      "transforms nested more than 64 deep in one tag")
    -- Text in parentheses is not a transform: only a run of name characters counts.
    eq(template.render(("(a) "):rep(100) .. "{{x}}", { x = 1 }), ("(a) "):rep(100) .. "1")
  end)

  it("a block override that expands its own block is refused, not rendered forever", function()
    raises(function()
      template.render("{{<p}}{{$b}}{{$b}}{{/b}}{{/b}}{{/p}}", {}, { partials = { p = "{{$b}}{{/b}}" } })
    end, "block 'b' expands itself through its own override (b → b): the render would never end")
    raises(function()
      template.render("{{<p}}{{$a}}{{$b}}{{/b}}{{/a}}{{$b}}{{$a}}{{/a}}{{/b}}{{/p}}", {}, { partials = { p = "{{$a}}{{/a}}" } })
    end, "(a → b → a)")
    -- Behind a section, the name looked up at each level lets the render's guard end it.
    raises(function()
      template.render("{{<p}}{{$b}}{{#s}}{{$b}}{{/b}}{{/s}}{{/b}}{{/p}}", { s = true }, { partials = { p = "{{$b}}{{/b}}" } })
    end, "rendering nested too deeply")
    eq(template.render("{{<p}}{{$b}}x{{/b}}{{/p}}", {}, { partials = { p = "[{{$b}}d{{/b}}]" } }), "[x]")
    eq(template.render("{{$b}}{{$b}}x{{/b}}{{/b}}", {}), "x") -- a block in its own default ends
    -- `{{#.}}` looks nothing up: no guard behind it (found by review).
    raises(function()
      template.render("{{<p}}{{$b}}{{#.}}{{$b}}{{/b}}{{/.}}{{/b}}{{/p}}", {}, { partials = { p = "{{$b}}{{/b}}" } })
    end, "block 'b' expands itself through its own override (b → b)")
  end)

  it("the work of one render is bounded", function()
    -- Section tags count across the template and its partials.
    raises(function()
      template.render(("{{#a}}{{/a}}"):rep(1500), {}, { partials = { p = ("{{#a}}{{/a}}"):rep(600) } })
    end, "too many sections: 2100 section tags ({{#, {{^, {{$, {{<), at most 2000 in a template and its partials")
    -- Sections over lists nested in each other: 2^30 renders are stopped.
    raises(function() template.render(("{{#l}}"):rep(30) .. "x" .. ("{{/l}}"):rep(30), { l = { 1, 2 } }) end,
      "rendering took more than 1000000 steps (lookups and list elements)")
    -- A partial nesting many sections with no lookup recurses only a few levels.
    raises(function()
      template.render("{{>p}}", { a = 1 }, { partials = { p = ("{{#.}}"):rep(1000) .. "{{>p}}" .. ("{{/.}}"):rep(1000) } })
    end, "rendering nested too deeply: partial 'p' includes itself (p → p)")
    -- Indentation adds up level by level.
    raises(function() template.render("{{>p}}", {}, { partials = { p = "x\n" .. (" "):rep(10000) .. "{{>p}}\n" } }) end,
      "rendering nested too deeply")
    -- A table reached many times is read each time: the copy is bounded.
    local x = {}
    for _ = 1, 40 do x = { a = x, b = x } end
    raises(function() template.render("hi", x) end, "more than 1000000 values")
    -- The parser's own costs: text kept per nested section, and its scans at each brace.
    raises(function() template.render(("{{#a}}"):rep(1999) .. ("x"):rep(1e6) .. ("{{/a}}"):rep(1999), {}) end,
      "template too large to parse")
    raises(function() template.render(("{x"):rep(100000), {}) end, "template too large to parse: 200000 bytes")
    -- count, first, last and empty of a list do not build its elements each time.
    local list = {}
    for i = 1, 20000 do list[i] = i end
    eq(#template.render("{{#l}}{{count(l)}}{{/l}}", { l = list }), 100000)
    eq(template.render("{{#first(l)}}{{.}}{{/first(l)}} {{#last(l)}}{{.}}{{/last(l)}} {{empty(l)}}", { l = list }),
      "1 20000 false")
  end)

  it("inputs swift-mustache's parser or the context reader would trap on are refused", function()
    local empty = "an empty section under a 1-character opening delimiter cannot be parsed"
    raises(function() template.render("{{=| |=}}|#a||/a|", { a = true }) end, empty)
    raises(function() template.render("{{=| |=}}|^a|\n|/a|", {}) end, empty)
    -- Every partial is parsed, used or not.
    raises(function() template.render("x", {}, { partials = { p = "{{=< >=}}<^a><$b></b>" } }) end, empty)
    eq(template.render("{{=| |=}}|#a|x|/a|", { a = true }), "x")
    eq(template.render("{{=<% %>=}}<%#a%><%/a%>y", { a = true }), "y")
    -- A list's length is each of its positions: t[2^50] would ask for petabytes.
    local t = json.array({})
    for k = 0, 50 do t[1 << k], t[(1 << k) + 1] = 1, 1 end
    raises(function() template.render("{{#t}}x{{/t}}", { t = t }) end, "more than 1000000 values")
  end)

  it("a missing variable is located in linear time, also past set-delimiter tags", function()
    raises(function() template.render("{{! {{=a b=}} }}" .. ("a"):rep(40000) .. "{{nope}}", {}) end,
      "missing variable 'nope' at line 1, column 40017")
    raises(function() template.render("x\n{{=<% %>=}}\n  <%nope%>", {}) end, "missing variable 'nope' at line 3, column 3")
  end)

  it("data cannot name a partial's body or the render's markers", function()
    -- Bodies are registered under names new to each render: a dynamic partial cannot reach one.
    eq(template.render("{{#l}}{{>*.}}{{/l}}", { l = { "\0" .. "0", "\0luagate/0" } }, { partials = { p = "{{>*.}}" } }), "")
    raises(function() template.render("{{__luagate_leave}}", {}) end, "missing variable '__luagate_leave'")
    eq(template.render("{{x}}", { x = "y", ["__luagate/leave"] = 1 }), "y")
  end)

  it("partials keep their indentation and whitespace", function()
    eq(template.render("  {{>p}}\n", {}, { partials = { p = "a\nb\n" } }), "  a\n  b\n")
    eq(template.render("[{{>p}}]", {}, { partials = { p = "x" } }), "[x]")
    eq(template.render("{{>p}}", {}, { partials = { p = "{{#a}}\nin\n{{/a}}\nout" } }), "out")
    eq(template.render("{{<p}}{{$b}}over{{/b}}{{/p}}", {}, { partials = { p = "[{{$b}}default{{/b}}]" } }), "[over]")
    eq(template.render("{{#l}}{{>*.}}{{/l}}", { l = { "a\0b" } }, { partials = { ["a\0b"] = "nul" } }), "nul")
  end)

  it("a text, boolean or null context answers names as the root does", function()
    raises(function() template.render("{{name}}", "x") end, "missing variable 'name'")
    eq(template.render("{{name}}", "x", { strict = false }), "")
    eq(template.render("[{{.}}]{{#.}}yes{{/.}}{{^.}}no{{/.}}", false), "[false]no")
    eq(template.render("[{{.}}]{{#.}}yes{{/.}}{{^.}}no{{/.}}", true), "[true]yes")
    eq(template.render("[{{.}}]{{#.}}yes{{/.}}{{^.}}no{{/.}}", json.null), "[]no")
    eq(template.render("{{uppercased(.)}}", "abc"), "ABC")
  end)

  it("records and their nested fields", function()
    local key = setmetatable({ id = "k1", name = "n", createdBy = { id = "usr_1" } }, { __name = "x" })
    eq(template.render("{{id}} {{createdBy.id}}", key), "k1 usr_1")
  end)

  it("string and list transforms", function()
    eq(template.render("{{uppercased(name)}} {{count(tags)}}", { name = "ab", tags = { "x", "y" } }), "AB 2")
  end)

  it("parse errors carry their position", function()
    raises(function() template.render("ok\n{{#a}}x{{/b}}", { a = true }) end,
      "template: section closed with a different name than it was opened with at line 2, column")
    raises(function() template.render("{{#a}}x", { a = true }) end, "template: section not closed at line 1")
    raises(function() template.render("{{x}", {}) end, "template: unexpected end of template at line 1, column 4")
    raises(function() template.render("{{>p}}", {}, { partials = { p = "{{#q}}" } }) end, "of partial 'p'")
  end)

  it("argument errors", function()
    raises(function() template.render(nil, {}) end, "bad argument #1 to 'render' (string expected, got nil)")
    raises(function() template.render("x", { f = print }) end, "bad argument #2 to 'render' (cannot use a function value at f)")
    local cycle = {}
    cycle.self = cycle
    raises(function() template.render("x", cycle) end, "table with a cycle at self")
    raises(function() template.render("x", {}, { escape = "xml" }) end, "field 'escape': must be \"none\", \"json\" or \"html\"")
    raises(function() template.render("x", {}, { strict = "yes" }) end, "field 'strict': must be a boolean")
    raises(function() template.render("x", {}, { partials = { p = 1 } }) end, "field 'partials'")
    raises(function() template.render("x", {}, { stirct = true }) end, "unknown option 'stirct' (allowed: escape, partials, strict)")
  end)

  it("a missing context is an empty one", function()
    eq(template.render("plain"), "plain")
  end)

  it("require returns the same module", function()
    eq(require "luagate.template", template)
  end)
end)

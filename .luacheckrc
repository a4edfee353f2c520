-- luacheck for the project's own Lua: Lua 5.4 plus the luagate globals (the std that
-- `luagate --types DIR` writes, committed as share/luacheckrc).
stds.luagate = dofile("share/luacheckrc")
std = "lua54+luagate"
max_line_length = 120
-- Specs run under busted, in the sandbox (whose `sandbox` library is only there).
files["scripts/examples/spec"] = { std = "+busted", read_globals = { "sandbox" } }
-- The stdlib's own specs, run by busted against a fake API (StdlibSpecTests); their test
-- tables hold long literal strings.
files["Tests/LuaGateTests/Scripts/stdlib"] = { std = "+busted", max_line_length = false }

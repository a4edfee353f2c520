-- luacheck for the project's own Lua: Lua 5.4 plus the luagate globals (the std that
-- `luagate --types DIR` writes, committed as share/luacheckrc).
stds.luagate = dofile("share/luacheckrc")
std = "lua54+luagate"
max_line_length = 120
files["scripts/examples/spec"] = { std = "+busted" }

/// The Lua side of the Lua-facing fuzz targets; each chunk gets the input as a string.
enum FuzzChunks {
    static func all(resources: String) -> [(String, String)] {
        [("json", json), ("template", template), ("lua-arguments", arguments(resources: resources))]
    }

    /// Whatever json.decode accepts, json.encode writes, and that text reads back the same.
    static let json = """
        local s = ...
        local ok, value = pcall(json.decode, s)
        if not ok then return end
        local text = json.encode(value)
        local again = json.encode(json.decode(text))
        if again ~= text then error("json round trip changed " .. text:sub(1, 200) .. " into " .. again:sub(1, 200)) end
        """

    /// Template, partial and flags from the input, separated by NUL bytes.
    static let template = """
        local s = ...
        local template = require "luagate.template"
        local tpl, rest = s:match("^([^%z]*)%z?(.*)$")
        local partial, flags = rest:match("^([^%z]*)%z?(.*)$")
        local b = flags:byte(1) or 0
        local context = {name = "x", a = {b = {c = "d"}}, list = {1, 2.5, "three"}, empty = {}, yes = true,
                         no = false, n = 1.5, null = json.null}
        local options = {partials = {p = partial, q = tpl}, strict = b % 2 == 0,
                         escape = ({"none", "json", "html"})[b % 3 + 1]}
        pcall(template.render, tpl, b % 5 == 0 and "root" or context, options)
        """

    /// Lua values built from the input bytes, passed to every function of every resource.
    static func arguments(resources: String) -> String {
        """
        local s = ...
        local pos = 1
        local function byte() local b = s:byte(pos) or 0; pos = pos + 1; return b end
        local words = {"name", "description", "metadata", "providerId", "id", "limit", "beforeId", "value",
                       "token", "startTime", "endTime", "accessKeyConfiguration", "aigpk_1", "", ("x"):rep(300)}
        local special = {math.huge, -math.huge, 0 / 0, math.maxinteger, math.mininteger, 2 ^ 53, -0.0}
        local function value(depth)
          local b = byte() % 10
          if b == 0 then return nil
          elseif b == 1 then return byte() % 2 == 0
          elseif b == 2 then return byte() - 128
          elseif b == 3 then return (byte() - 128) / 7
          elseif b == 4 then local n = byte() % 40; local t = s:sub(pos, pos + n - 1); pos = pos + n; return t
          elseif b == 5 then return special[byte() % #special + 1]
          elseif b == 6 then return json.null
          elseif b == 7 then return words[byte() % #words + 1]
          elseif b == 8 then return print
          elseif depth >= 4 then return {}
          end
          local t = {}
          for _ = 1, byte() % 6 do
            local k = value(depth + 1)
            if k ~= nil and k == k then t[k] = value(depth + 1) end
          end
          if byte() % 4 == 0 then setmetatable(t, {__index = function() error("no") end}) end
          return t
        end
        for _, name in ipairs { \(resources) } do
          local library = _G[name]
          local functions = {}
          for key, fn in pairs(library) do if type(fn) == "function" then functions[#functions + 1] = key end end
          table.sort(functions)
          for _, key in ipairs(functions) do
            local args, n = {}, byte() % 4
            for i = 1, n do args[i] = value(0) end
            local ok, err = pcall(library[key], table.unpack(args, 1, n))
            if not ok then tostring(err) end
          end
        end
        """
    }
}

import CLua
import CLuaShim
import LuaKit

/// Everything luagate adds to a Lua state, in one place.
extension Runtime {
    func installLibraries() {
        installMetatables()
        installJSON()
        installProviderKeys()
    }

    private func installMetatables() {
        let L = lua.L
        luaL_newmetatable(L, ErrorObject.metatable)
        lua.pushFunction("tostring", ErrorObject.tostring)
        lua.stack.rawSet(table: -2, key: "__tostring")
        lua.stack.push(true)
        lua.stack.rawSet(table: -2, key: "__luagate")  // uncaught: traceback added
        lua.stack.pop()

        luaL_newmetatable(L, Record.metatable)
        lua.pushFunction("tostring", Record.tostring)
        lua.stack.rawSet(table: -2, key: "__tostring")
        lua.stack.pop()
    }

    /// `json` (global and `require "json"`); `json.null` is the sentinel that
    /// sends JSON null (a NULL light userdata, like `cjson.null`).
    private func installJSON() {
        luaL_newmetatable(lua.L, JSONLibrary.arrayMetatable)
        lua.stack.push("array")
        lua.stack.rawSet(table: -2, key: "__jsontype")
        lua.stack.pop()
        lua.pushLibrary([
            "array": JSONLibrary.array,
            "decode": JSONLibrary.decode,
            "encode": JSONLibrary.encode,
        ])
        lua.stack.pushNull()
        lua.stack.rawSet(table: -2, key: "null")
        lua.registerModule("json")
        lua.setGlobal("json")
    }

    /// `providerKeys` (global and `require "providerKeys"`).
    private func installProviderKeys() {
        lua.pushLibrary([
            "create": { [unowned self] in try create($0) },
            "delete": { [unowned self] in try delete($0) },
            "get": { [unowned self] in try get($0) },
            "iter": { [unowned self] in try iter($0) },
            "list": { [unowned self] in try list($0) },
            "rotate": { [unowned self] in try rotate($0) },
            "update": { [unowned self] in try update($0) },
        ])
        lua.registerModule("providerKeys")
        lua.setGlobal("providerKeys")
        lua.pushFunction("next", { [unowned self] in try iterNext($0) })
        lua_setfield(lua.L, LG_REGISTRYINDEX, Runtime.iterNextKey)
    }
}

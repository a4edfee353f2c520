import CLua
import CLuaShim
import LuaKit
import NgrokAI

extension Runtime {
    /// The globals luagate adds to Lua, by name, with their fields' Lua types: what the
    /// editor types and the luacheck std describe, read off the running state (raw reads).
    public func luagateGlobals() -> [String: [String: LuaType]] {
        let names = Catalogue.all.map(\.name) + ["api", "json", "task"]
        var globals = Dictionary(uniqueKeysWithValues: names.map { ($0, fields(ofGlobal: $0)) })
        for (global, module) in Self.moduleGlobals { globals[global] = moduleFields(module) }
        return globals
    }

    /// The fields of a stdlib module (`luagate.plan`), loading it.
    public func moduleFields(_ name: String) -> [String: LuaType] {
        let stack = lua.stack
        let top = stack.top
        defer { stack.top = top }
        guard lg_require(lua.L, name) == LUA_OK, stack.type(at: -1) == .table else { return [:] }
        return fields(at: -1)
    }

    private func fields(ofGlobal name: String) -> [String: LuaType] {
        let stack = lua.stack
        let top = stack.top
        defer { stack.top = top }
        lua_rawgeti(lua.L, LG_REGISTRYINDEX, lua_Integer(LUA_RIDX_GLOBALS))
        guard stack.rawGet(table: -1, key: name) == .table else { return [:] }
        return fields(at: -1)
    }

    private func fields(at index: Int32) -> [String: LuaType] {
        let stack = lua.stack
        let table = stack.absolute(index)
        var out: [String: LuaType] = [:]
        lua_pushnil(lua.L)
        while lua_next(lua.L, table) != 0 {
            if stack.type(at: -2) == .string, let key = stack.string(at: -2) { out[key] = stack.type(at: -1) }
            stack.pop()
        }
        return out
    }
}

import CLua

/// lauxlib-style argument checks; failures throw `LuaArgumentError`
/// with the same texts as `luaL_check*` (`table expected, got string`).
extension LuaCall {
    public func type(_ arg: Int32) -> LuaType { stack.type(at: arg) }

    /// Like `luaL_typeerror`: "<expected> expected, got <actual>", honouring `__name`.
    public func typeError(_ arg: Int32, expected: String) -> LuaArgumentError {
        LuaArgumentError(argument: arg, "\(expected) expected, got \(typeName(arg))")
    }

    /// The type name lauxlib uses in messages: `__name` of the metatable if it is a string,
    /// "light userdata", "no value", or the basic type name.
    public func typeName(_ arg: Int32) -> String {
        if lua_getmetatable(L, arg) != 0 {
            defer { stack.pop(2) }
            if lua_rawget_name(L) == LUA_TSTRING, let name = stack.string(at: -1) { return name }
        }
        switch type(arg) {
        case .lightUserdata: return "light userdata"
        case let t: return t.name
        }
    }

    /// Like `luaL_checkstring`: a string, or a number converted as Lua
    /// converts it (`12` → "12", `1.5` → "1.5"); the argument itself is left as it is.
    public func checkString(_ arg: Int32) throws(LuaArgumentError) -> String {
        let s: String?
        switch type(arg) {
        case .string:
            s = stack.string(at: arg)
        case .number:
            lua_pushvalue(L, arg)
            lua_tolstring(L, -1, nil)  // converts the copy in place
            s = stack.string(at: -1)
            stack.pop()
        default:
            throw typeError(arg, expected: "string")
        }
        guard let s else { throw LuaArgumentError(argument: arg, "string is not valid UTF-8") }
        return s
    }

    public func checkTable(_ arg: Int32) throws(LuaArgumentError) {
        guard type(arg) == .table else { throw typeError(arg, expected: "table") }
    }

    public func checkFunction(_ arg: Int32) throws(LuaArgumentError) {
        guard type(arg) == .function else { throw typeError(arg, expected: "function") }
    }

    public func checkInteger(_ arg: Int32) throws(LuaArgumentError) -> Int64 {
        var isNum: Int32 = 0
        let i = lua_tointegerx(L, arg, &isNum)
        if isNum != 0 { return Int64(i) }
        // As luaL_checkinteger: a float or a numeric string such as "1.5" (lua_isnumber).
        if lua_isnumber(L, arg) != 0 { throw LuaArgumentError(argument: arg, "number has no integer representation") }
        throw typeError(arg, expected: "number")
    }
}

/// Pushes `metatable.__name` raw; the metatable is at the top.
private func lua_rawget_name(_ L: OpaquePointer) -> Int32 {
    lua_pushstring(L, "__name")
    return lua_rawget(L, -2)
}

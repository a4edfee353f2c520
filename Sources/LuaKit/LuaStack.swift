import CLua
import CLuaShim

/// A non-owning view of one Lua thread's stack (the main thread or a coroutine).
///
/// Every method here only calls Lua C API functions that cannot raise an error
/// (raw accesses, pushes, type queries): Swift never longjmps.
public struct LuaStack {
    /// The `lua_State*` of this thread.
    public let L: OpaquePointer

    public init(_ L: OpaquePointer) { self.L = L }

    /// Number of values on the stack (`lua_gettop`).
    public var top: Int32 {
        get { lua_gettop(L) }
        nonmutating set { lua_settop(L, newValue) }
    }

    public func pop(_ n: Int32 = 1) { lua_settop(L, -n - 1) }

    public func type(at index: Int32) -> LuaType {
        LuaType(rawValue: lua_type(L, index)) ?? .none
    }

    /// Absolute index of `index` (`lua_absindex`).
    public func absolute(_ index: Int32) -> Int32 { lua_absindex(L, index) }

    /// Makes room for `n` more values; false if the stack cannot grow.
    @discardableResult
    public func ensure(_ n: Int32) -> Bool { lua_checkstack(L, n) != 0 }

    public func pushNil() { lua_pushnil(L) }
    public func push(_ value: Bool) { lua_pushboolean(L, value ? 1 : 0) }
    public func push(_ value: Int64) { lua_pushinteger(L, lua_Integer(value)) }
    public func push(_ value: Int) { lua_pushinteger(L, lua_Integer(value)) }
    public func push(_ value: Double) { lua_pushnumber(L, value) }
    public func push(_ value: String) {
        var value = value
        value.withUTF8 { buf in
            _ = buf.withMemoryRebound(to: CChar.self) { lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }
    public func push(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }
    /// Pushes the null sentinel (a NULL light userdata).
    public func pushNull() { lua_pushlightuserdata(L, nil) }
    public func pushValue(at index: Int32) { lua_pushvalue(L, index) }
    public func newTable(arrayCount: Int32 = 0, hashCount: Int32 = 0) {
        lua_createtable(L, arrayCount, hashCount)
    }

    /// Sets `t[key] = value` on the table at `table` without metamethods,
    /// popping the value on top of the stack.
    public func rawSet(table: Int32, key: String) {
        let t = absolute(table)
        push(key)
        lua_rotate(L, -2, 1)
        lua_rawset(L, t)
    }

    /// Pushes `t[key]` of the table at `table`, without metamethods; returns its type.
    @discardableResult
    public func rawGet(table: Int32, key: String) -> LuaType {
        let t = absolute(table)
        push(key)
        return LuaType(rawValue: lua_rawget(L, t)) ?? .none
    }

    /// Reads a string at `index` without converting numbers in place.
    public func bytes(at index: Int32) -> [UInt8]? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var len = 0
        guard let p = lua_tolstring(L, index, &len) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: len) { Array(UnsafeBufferPointer(start: $0, count: len)) }
    }

    /// The string at `index` when it is a string holding valid UTF-8.
    public func string(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var len = 0
        guard let p = lua_tolstring(L, index, &len) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: len) {
            String(validating: UnsafeBufferPointer(start: $0, count: len), as: UTF8.self)
        }
    }

    public func isNull(at index: Int32) -> Bool {
        lua_type(L, index) == LUA_TLIGHTUSERDATA && lua_touserdata(L, index) == nil
    }

    public var isYieldable: Bool { lua_isyieldable(L) != 0 }
}

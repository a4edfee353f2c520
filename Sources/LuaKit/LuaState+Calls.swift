import CLua
import CLuaShim

/// A failed load or call: the status and the error value's text (with a
/// traceback when it went through the message handler).
public struct LuaError: Error, CustomStringConvertible {
    public enum Status: Int32, Sendable {
        case runtime = 2   // LUA_ERRRUN
        case syntax = 3    // LUA_ERRSYNTAX
        case memory = 4    // LUA_ERRMEM
        case handler = 5   // LUA_ERRERR
        case file = 6      // LUA_ERRFILE
    }
    public var status: Status
    /// The error value as bytes (Lua strings need not be UTF-8).
    public var bytes: [UInt8]
    public var message: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { message }
}

extension LuaState {
    /// Loads a chunk from bytes (`luaL_loadbufferx`), leaving the function on the stack.
    public func load(_ code: [UInt8], name: String, mode: String = "bt") throws(LuaError) {
        let status = code.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { luaL_loadbufferx(L, $0.baseAddress, $0.count, name, mode) }
        }
        try check(status)
    }

    public func load(_ code: String, name: String) throws(LuaError) {
        try load(Array(code.utf8), name: name)
    }

    /// Loads a file (`luaL_loadfilex`; nil reads standard input), skipping a `#!` line.
    public func loadFile(_ path: String?) throws(LuaError) {
        try check(luaL_loadfilex(L, path, nil))
    }

    /// Calls the function below `arguments` values with a traceback message
    /// handler (`lua.c`'s docall); on failure, the error message is popped and thrown.
    public func call(arguments: Int32 = 0, results: Int32 = LUA_MULTRET, catchInterrupt: Bool = false) throws(LuaError) {
        try check(lg_docall(L, arguments, results, catchInterrupt ? 1 : 0))
    }

    /// `require(name)` in protected mode, leaving the module on the stack.
    public func require(_ name: String) throws(LuaError) {
        try check(lg_require(L, name))
    }

    /// `tostring(v)` of the value at `index`, honouring `__tostring` and `__name`.
    public func toString(at index: Int32) -> String {
        let status = lg_tolstring(L, index)
        defer { stack.pop() }
        let text = stack.bytes(at: -1).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        return status == LUA_OK ? text : "(error in __tostring: \(text))"
    }

    /// Throws the error a protected call left on the stack (popping it) when `status` is not `LUA_OK`.
    public func check(_ status: Int32) throws(LuaError) {
        guard status != LUA_OK else { return }
        let bytes = stack.bytes(at: -1) ?? Array("(error object is a \(stack.type(at: -1).name) value)".utf8)
        stack.pop()
        throw LuaError(status: LuaError.Status(rawValue: status) ?? .runtime, bytes: bytes)
    }
}

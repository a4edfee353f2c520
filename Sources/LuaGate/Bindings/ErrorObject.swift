import CLua
import LuaKit
import NgrokAI

/// An API failure as the Lua error value scripts see: a table with `status`,
/// `code`, `message`, `operation`, `id`, `body` (and `field` for validation),
/// whose metatable gives `tostring(err)`.
struct ErrorObject: LuaErrorValue {
    static let metatable = "luagate.error"

    var error: NgrokAIError
    /// For `drift` errors: the record as it is now.
    var current: [String: JSONValue]? = nil
    /// For client-side `validation` errors: ngrok's code for the rule broken, when the
    /// catalogue knows it (`apiCode`; `code` stays `validation`).
    var apiCode: String? = nil

    func push(onto stack: LuaStack) {
        stack.ensure(4)
        stack.newTable(hashCount: 8)
        set(stack, "code", error.code)
        set(stack, "message", error.message)
        set(stack, "operation", error.operation)
        set(stack, "id", error.id)
        set(stack, "field", error.field)
        set(stack, "body", error.body)
        set(stack, "retryAfter", error.retryAfter)
        set(stack, "apiCode", apiCode)
        if let status = error.status {
            stack.push(Int64(status))
            stack.rawSet(table: -2, key: "status")
        }
        if let current {
            stack.push(apiValue: .object(current))
            stack.rawSet(table: -2, key: "current")
        }
        luaL_setmetatable(stack.L, Self.metatable)
    }

    private func set(_ stack: LuaStack, _ key: String, _ value: String?) {
        guard let value else { return }
        stack.push(value)
        stack.rawSet(table: -2, key: key)
    }

    /// The error, or for validation failures a lauxlib-style argument error
    /// (`bad argument #2 to 'update' (…)`) that raises this object.
    static func raising(_ error: NgrokAIError, argument: (String?) -> Int32) -> any Error {
        guard error.code == NgrokAIError.Code.validation else { return ErrorObject(error: error) }
        let rule = error.rule ?? error.message
        let text = error.field.map { "field '\($0)': \(rule)" } ?? rule
        return LuaArgumentError(argument: argument(error.field), text, object: ErrorObject(error: error))
    }

    /// `tostring(err)`: `providerKeys.update pk_1: 404 ERR_NGROK_404: not found`,
    /// or for validation failures the position and the argument error.
    static func tostring(_ call: LuaCall) throws -> LuaReturn {
        let s = call.stack
        func field(_ key: String) -> String? {
            defer { s.pop() }
            switch s.rawGet(table: 1, key: key) {
            case .string: return s.string(at: -1)
            case .number: return integer(-1)
            default: return nil
            }
        }
        func integer(_ index: Int32) -> String? {
            var ok: Int32 = 0
            let v = lua_tointegerx(s.L, index, &ok)
            return ok != 0 ? String(v) : nil
        }
        try call.checkTable(1)
        let code = field("code") ?? "error"
        let message = field("message") ?? ""
        if code == NgrokAIError.Code.validation {
            s.push((field("where") ?? "") + message)
            return .one
        }
        var text = field("operation") ?? "luagate"
        if let id = field("id") { text += " \(id.abbreviated())" }
        text += ": "
        if let status = field("status") { text += "\(status) " }
        text += "\(code): \(message)"
        s.push(text)
        return .one
    }
}

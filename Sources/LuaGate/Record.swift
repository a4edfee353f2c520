import CLua
import LuaKit
import NgrokAI

/// Provider key records as Lua sees them: plain tables with the API's field
/// names (JSON null fields absent), whose metatable gives a one-line
/// `tostring` without secrets.
enum Record {
    static let metatable = "luagate.providerKey"

    /// Pushes one record; returns 1 (the number of values pushed).
    @discardableResult
    static func push(_ key: ProviderKey, onto stack: LuaStack) -> Int32 {
        stack.push(LuaValue(json: .object(key.fields)))
        luaL_setmetatable(stack.L, metatable)
        return 1
    }

    /// Pushes one record as a call's result (the shape `Runtime.request` takes).
    static func result(_ stack: LuaStack, _ key: ProviderKey) -> Int32 { push(key, onto: stack) }

    /// Pushes an array of records.
    static func push(_ keys: [ProviderKey], onto stack: LuaStack) {
        stack.newTable(arrayCount: Int32(clamping: keys.count))
        for (i, key) in keys.enumerated() {
            push(key, onto: stack)
            lua_rawseti(stack.L, -2, lua_Integer(i + 1))
        }
    }

    /// `providerKey aigpk_123 openai "openai-prod" (sk-proj-ab***wxyz)`
    static func tostring(_ call: LuaCall) throws -> LuaReturn {
        try call.checkTable(1)
        let s = call.stack
        func field(_ key: String) -> String? {
            defer { s.pop() }
            return s.rawGet(table: 1, key: key) == .string ? s.string(at: -1) : nil
        }
        var text = "providerKey \(field("id") ?? "?")"
        if let provider = field("providerId") { text += " \(provider)" }
        if let name = field("name") { text += " \"\(name)\"" }
        if let redacted = field("keyRedacted") { text += " (\(redacted))" }
        s.push(text)
        return .one
    }
}

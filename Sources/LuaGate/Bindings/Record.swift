import CLua
import LuaKit
import NgrokAI

/// Records as Lua sees them: plain tables with the API's field names (JSON null fields
/// absent), whose metatable (`luagate.<recordName>`, e.g. `luagate.accessKey`) gives a
/// one-line `tostring` without secrets and names the resource (`__resource`) for the stdlib.
enum Record {
    /// The metatable name of `resource`'s records.
    static func metatable(_ resource: Resource) -> String { "luagate." + resource.recordName }

    /// Creates the metatable of `resource`'s records in the registry.
    static func install(_ resource: Resource, in lua: LuaState) {
        luaL_newmetatable(lua.L, metatable(resource))
        lua.pushFunction("tostring") { call in try tostring(resource, call) }
        lua.stack.rawSet(table: -2, key: "__tostring")
        lua.stack.push(resource.name)
        lua.stack.rawSet(table: -2, key: "__resource")
        lua.stack.push(resource.recordName)
        lua.stack.rawSet(table: -2, key: "__name")
        lua.stack.pop()
    }

    /// Pushes one record; returns 1 (the number of values pushed).
    @discardableResult
    static func push(_ resource: Resource, _ fields: [String: JSONValue], onto stack: LuaStack) -> Int32 {
        stack.push(apiValue: .object(fields))
        luaL_setmetatable(stack.L, metatable(resource))
        return 1
    }

    /// Pushes an array of records.
    static func push(_ resource: Resource, _ records: [[String: JSONValue]], onto stack: LuaStack) {
        stack.newTable(arrayCount: Int32(clamping: records.count))
        for (i, record) in records.enumerated() {
            push(resource, record, onto: stack)
            lua_rawseti(stack.L, -2, lua_Integer(i + 1))
        }
    }

    /// `providerKey aigpk_123 openai "openai-prod" (sk-proj-ab***wxyz)`: the record name, the
    /// id, then the catalogue's label fields; never a secret.
    static func tostring(_ resource: Resource, _ call: LuaCall) throws -> LuaReturn {
        try call.checkTable(1)
        let s = call.stack
        func field(_ key: String) -> String? {
            defer { s.pop() }
            switch s.rawGet(table: 1, key: key) {
            case .string: return s.string(at: -1)
            case .number:
                var isInteger: Int32 = 0
                let value = lua_tointegerx(s.L, -1, &isInteger)
                return isInteger != 0 ? String(value) : String(lua_tonumberx(s.L, -1, nil))
            default: return nil
            }
        }
        var text = resource.recordName
        if resource.kind != .singleton { text += " \(field("id") ?? "?")" }
        for part in resource.label {
            switch part {
            case .plain(let name): if let value = field(name) { text += " \(value)" }
            case .quoted(let name): if let value = field(name) { text += " \"\(value)\"" }
            case .parenthesized(let name): if let value = field(name) { text += " (\(value))" }
            }
        }
        s.push(text)
        return .one
    }
}

import CLua
import LuaKit
import NgrokAI

extension LuaStack {
    /// Deeper than this, an API value is cut off (as nil): more levels than any JSON parser
    /// used here accepts, so only a value built in code could reach it.
    static let maxAPIValueDepth = 512

    /// Pushes a value of the API as Lua sees it: objects become tables (members that are null
    /// are left out, as Lua tables cannot hold nil), arrays become arrays (null elements become
    /// the `json.null` sentinel, so no holes appear). Straight onto the stack: no intermediate
    /// tree, and strings are copied once, into Lua.
    public func push(apiValue json: JSONValue) {
        push(apiValue: json, depth: Self.maxAPIValueDepth)
    }

    private func push(apiValue json: JSONValue, depth: Int) {
        guard depth > 0, ensure(3) else {
            pushNil()
            return
        }
        switch json {
        case .null: pushNil()
        case .bool(let b): push(b)
        case .int(let i): push(i)
        case .double(let d): push(d)
        case .string(let s): push(s)
        case .array(let items):
            newTable(arrayCount: Int32(clamping: items.count))
            for (i, item) in items.enumerated() {
                if item.isNull { pushNull() } else { push(apiValue: item, depth: depth - 1) }
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
        case .object(let members):
            newTable(hashCount: Int32(clamping: members.count))
            for (key, value) in members where !value.isNull {
                push(apiValue: value, depth: depth - 1)
                rawSet(table: -2, key: key)
            }
        }
    }
}

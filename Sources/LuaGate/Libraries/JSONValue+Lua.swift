import LuaKit
import NgrokAI

extension LuaValue {
    /// A JSON value as Lua sees it: objects become tables (members that are
    /// null are left out, as Lua tables cannot hold nil), arrays become arrays
    /// (null elements become the `json.null` sentinel, so no holes appear).
    public init(json: JSONValue) {
        switch json {
        case .null: self = .nil
        case .bool(let b): self = .boolean(b)
        case .int(let i): self = .integer(i)
        case .double(let d): self = .number(d)
        case .string(let s): self = .string(LuaString(s))
        case .array(let items):
            self = .array(items.map { $0.isNull ? .null : LuaValue(json: $0) })
        case .object(let members):
            var entries: [LuaValue: LuaValue] = [:]
            entries.reserveCapacity(members.count)
            for (key, value) in members where !value.isNull {
                entries[.string(LuaString(key))] = LuaValue(json: value)
            }
            self = .table(entries)
        }
    }
}

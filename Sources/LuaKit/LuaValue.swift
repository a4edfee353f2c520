/// A Lua value copied out of (or into) a Lua state.
///
/// Tables whose keys are exactly `1...n` read as `.array`; every other table,
/// including the empty one, reads as `.table`. `.null` is the null sentinel:
/// a NULL light userdata, the same value as `json.null` and lua-cjson's `cjson.null`.
public enum LuaValue: Hashable, Sendable {
    case `nil`
    case null
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(LuaString)
    case array([LuaValue])
    case table([LuaValue: LuaValue])

    /// The Lua type name (`type(v)` in Lua), with `"null"` for the sentinel.
    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .null: return "userdata"
        case .boolean: return "boolean"
        case .integer, .number: return "number"
        case .string: return "string"
        case .array, .table: return "table"
        }
    }

    /// The value as a Swift string when it is a Lua string holding valid UTF-8.
    public var stringValue: String? {
        if case .string(let s) = self { return s.string }
        return nil
    }
}

extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(LuaString(value)) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(nilLiteral: ()) { self = .nil }
}

/// A Lua string: bytes, not necessarily UTF-8, possibly holding NULs.
public struct LuaString: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public init(stringLiteral value: String) { self.init(value) }

    /// The string when the bytes are valid UTF-8, nil otherwise.
    public var string: String? { String(validating: bytes, as: UTF8.self) }

    /// The bytes decoded as UTF-8, with invalid sequences replaced.
    public var description: String { String(decoding: bytes, as: UTF8.self) }
}

import CLua
import CLuaShim
import LuaKit
import NgrokAI

/// A Lua value read for rendering a template.
///
/// Numbers are kept as the text Lua's `tostring` gives them (`85`, `1.21`, `1.0`). A table
/// marked with `json.array`, or whose keys are exactly `1..n`, is a list, and so is an empty
/// table (falsey in a section, as Mustache users expect of "no items"); any other table is an
/// object.
indirect enum TemplateValue {
    case text(String)
    case boolean(Bool)
    case null
    case list([TemplateValue])
    case object([String: TemplateValue])
}

struct TemplateContextError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { path.isEmpty ? reason : "\(reason) at \(path.abbreviated())" }
}

/// Reads a template context off the Lua stack with raw accesses only.
struct TemplateContextReader {
    let stack: LuaStack
    private var visiting = Set<UnsafeRawPointer>()
    /// Values read so far (a table reached twice is read twice).
    private var read = 0
    /// The deepest nesting of tables a context may have.
    static let maxDepth = 200
    /// The most values a context may hold, counting a table each time it is reached (shared
    /// subtables would otherwise grow the copy exponentially).
    static let maxValues = 1_000_000

    init(stack: LuaStack) { self.stack = stack }

    mutating func value(at index: Int32, path: String = "") throws(TemplateContextError) -> TemplateValue {
        let index = stack.absolute(index)
        let L = stack.L
        read += 1
        guard read <= Self.maxValues else {
            throw TemplateContextError(path: path, reason: "more than \(Self.maxValues) values (a table reached many times counts each time)")
        }
        switch stack.type(at: index) {
        case .none, .nil: return .null
        case .boolean: return .boolean(lua_toboolean(L, index) != 0)
        case .number:
            // Lua's own conversion (lua_tolstring on a copy), so 1.0 stays "1.0".
            stack.pushValue(at: index)
            defer { stack.pop() }
            var length = 0
            let p = lua_tolstring(L, -1, &length)!
            return .text(String(decoding: UnsafeRawBufferPointer(start: p, count: length), as: UTF8.self))
        case .string:
            guard let s = stack.string(at: index) else { throw TemplateContextError(path: path, reason: "invalid UTF-8") }
            return .text(s)
        case .lightUserdata where stack.isNull(at: index): return .null
        case .table: return try table(at: index, path: path)
        case let other:
            throw TemplateContextError(path: path, reason: "cannot use a \(other.name) value")
        }
    }

    private mutating func table(at index: Int32, path: String) throws(TemplateContextError) -> TemplateValue {
        let L = stack.L
        let identity = lua_topointer(L, index)!
        guard visiting.insert(identity).inserted else { throw TemplateContextError(path: path, reason: "table with a cycle") }
        defer { visiting.remove(identity) }
        guard visiting.count < Self.maxDepth, stack.ensure(4) else {
            throw TemplateContextError(path: path, reason: "tables nested more than \(Self.maxDepth) deep")
        }

        let count = Int(lua_rawlen(L, index))
        var entries = 0
        var members: [String: TemplateValue] = [:]
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            entries += 1
            let key: String
            switch stack.type(at: -2) {
            case .string:
                guard let s = stack.string(at: -2) else {
                    stack.pop(2)
                    throw TemplateContextError(path: path, reason: "table key that is not valid UTF-8")
                }
                key = s
            case .number where lua_isinteger(L, -2) != 0:
                key = String(lua_tointegerx(L, -2, nil))
            case let other:
                stack.pop(2)
                throw TemplateContextError(path: path, reason: "table key that is a \(other.name)")
            }
            do {
                members[key] = try value(at: -1, path: path.isEmpty ? key : "\(path).\(key)")
            } catch {
                stack.pop(2)
                throw error
            }
            stack.pop()
        }
        guard isMarkedArray(index) || entries == count else { return .object(members) }
        // A marked array's length may far exceed its entries (t[2^50] = 1): each position is a value.
        read += max(0, count - entries)
        guard read <= Self.maxValues else {
            throw TemplateContextError(path: path, reason: "a list of \(count) elements: more than \(Self.maxValues) values")
        }
        return .list((0..<count).map { members[String($0 + 1)] ?? .null })
    }

    private func isMarkedArray(_ index: Int32) -> Bool {
        guard lua_getmetatable(stack.L, index) != 0 else { return false }
        lua_getfield(stack.L, LG_REGISTRYINDEX, JSONLibrary.arrayMetatable)
        defer { stack.pop(2) }
        return lua_rawequal(stack.L, -1, -2) != 0
    }
}

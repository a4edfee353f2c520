import CLua
import CLuaShim
import Foundation
import LuaKit
import NgrokAI

/// The `json` library (global, and `require "json"`), named as lua-cjson where they overlap:
/// `json.encode(v [, {sort_keys=, indent=}])`, `json.decode(s)`, `json.null`, `json.array(t)`.
/// Parsing and printing are Foundation's; this file only maps values.
enum JSONLibrary {
    /// Metatable marking a table as a JSON array, so that an empty one encodes as `[]`.
    static let arrayMetatable = "luagate.json.array"

    /// `s = json.encode(value [, opts])`: keys sorted unless `sort_keys = false`;
    /// `indent = true` (two spaces) or a number of spaces pretty-prints. Cycles,
    /// functions, NaN and invalid UTF-8 are errors.
    static func encode(_ call: LuaCall) throws -> LuaReturn {
        let options = try EncodeOptions(call, argument: 2)
        var encoding = JSONEncoding(stack: call.stack)
        var visiting = Set<UnsafeRawPointer>()
        let value: JSONValue
        do {
            value = try encoding.value(at: 1, path: "", visiting: &visiting)
        } catch let error as JSONEncodingError {
            throw LuaArgumentError(argument: 1, error.description)
        }
        let encoder = JSONEncoder()
        var format: JSONEncoder.OutputFormatting = [.withoutEscapingSlashes]
        if options.sortKeys { format.insert(.sortedKeys) }
        if options.indent != nil { format.insert(.prettyPrinted) }
        encoder.outputFormatting = format
        var text = encoding.floats.restore(in: String(decoding: try encoder.encode(value), as: UTF8.self))
        if let indent = options.indent { text = JSONLayout.reindent(text, spaces: indent) }
        call.stack.push(text)
        return .one
    }

    /// `value = json.decode(s)`: objects become tables, arrays become tables marked as
    /// arrays, null becomes `json.null`. Malformed text raises an error with its position:
    /// `json.decode: invalid value at line 1, column 6 (byte 6)`.
    static func decode(_ call: LuaCall) throws -> LuaReturn {
        guard let bytes = call.stack.bytes(at: 1) else { throw call.typeError(1, expected: "string") }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: Data(bytes))
        } catch {
            throw LuaRuntimeError("json.decode: \(JSONParseFailure(error, in: bytes))")
        }
        push(value, onto: call.stack)
        return .one
    }

    /// `t = json.array([t])`: marks `t` (or a new table) as a JSON array and returns it.
    static func array(_ call: LuaCall) throws -> LuaReturn {
        if call.type(1) == .none || call.type(1) == .nil {
            call.stack.newTable()
        } else {
            try call.checkTable(1)
            call.stack.pushValue(at: 1)
        }
        luaL_setmetatable(call.L, arrayMetatable)
        return .one
    }

    /// Pushes a decoded value: nulls as `json.null`, arrays marked as arrays.
    static func push(_ value: JSONValue, onto stack: LuaStack) {
        stack.ensure(3)
        switch value {
        case .null: stack.pushNull()
        case .bool(let b): stack.push(b)
        case .int(let i): stack.push(i)
        case .double(let d): stack.push(d)
        case .string(let s): stack.push(s)
        case .array(let items):
            stack.newTable(arrayCount: Int32(clamping: items.count))
            for (i, item) in items.enumerated() {
                push(item, onto: stack)
                lua_rawseti(stack.L, -2, lua_Integer(i + 1))
            }
            luaL_setmetatable(stack.L, arrayMetatable)
        case .object(let members):
            stack.newTable(hashCount: Int32(clamping: members.count))
            for (key, item) in members {
                push(item, onto: stack)
                stack.rawSet(table: -2, key: key)
            }
        }
    }

}

struct JSONEncodingError: Error, CustomStringConvertible {
    var description: String
}

/// Reads a Lua value as JSON, honouring `json.null` and `json.array`.
struct JSONEncoding {
    let stack: LuaStack
    /// Integral floats, which JSONEncoder would print as integers.
    var floats = IntegralFloats()
    /// Whether integral floats are marked for `json.encode` to spell as floats (`1.0`); off
    /// for API bodies, which go through the catalogue's types instead.
    var marksIntegralFloats = true

    init(stack: LuaStack, marksIntegralFloats: Bool = true) {
        self.stack = stack
        self.marksIntegralFloats = marksIntegralFloats
    }

    mutating func value(at index: Int32, path: String, visiting: inout Set<UnsafeRawPointer>) throws -> JSONValue {
        let index = stack.absolute(index)
        let at = path.isEmpty ? "" : " at \(path)"
        switch stack.type(at: index) {
        case .none, .nil: return .null
        case .boolean: return .bool(lua_toboolean(stack.L, index) != 0)
        case .number:
            if lua_isinteger(stack.L, index) != 0 { return .int(Int64(lua_tointegerx(stack.L, index, nil))) }
            let d = lua_tonumberx(stack.L, index, nil)
            guard d.isFinite else { throw JSONEncodingError(description: "cannot encode \(d)\(at) in JSON") }
            return marksIntegralFloats ? floats.encodable(d) : .double(d)
        case .string:
            guard let s = stack.string(at: index) else {
                throw JSONEncodingError(description: "invalid UTF-8 in string\(at)")
            }
            if marksIntegralFloats { try floats.check(s) }
            return .string(s)
        case .lightUserdata where stack.isNull(at: index): return .null
        case .table: return try table(at: index, path: path, visiting: &visiting)
        case let other: throw JSONEncodingError(description: "cannot encode a \(other.name)\(at) in JSON")
        }
    }

    private mutating func table(at index: Int32, path: String, visiting: inout Set<UnsafeRawPointer>) throws -> JSONValue {
        let identity = lua_topointer(stack.L, index)!
        guard visiting.insert(identity).inserted else {
            throw JSONEncodingError(description: "cannot encode a table with a cycle\(path.isEmpty ? "" : " at \(path)")")
        }
        defer { visiting.remove(identity) }
        guard stack.ensure(4), visiting.count < 200 else {
            throw JSONEncodingError(description: "table nested too deeply")
        }
        let markedArray = isMarkedArray(index)
        let at = path.isEmpty ? "" : " at \(path)"
        var members: [String: JSONValue] = [:]
        // Keys that are positive integers: how many, and the largest (the array's length).
        var items = 0
        var largest: lua_Integer = 0
        var stringKeys = false
        lua_pushnil(stack.L)
        while lua_next(stack.L, index) != 0 {
            if lua_type(stack.L, -2) == LUA_TNUMBER {
                let k = lua_tointegerx(stack.L, -2, nil)
                guard lua_isinteger(stack.L, -2) != 0, k >= 1 else {
                    // 0, negatives and fractions are neither array indices nor object keys.
                    let key = lua_isinteger(stack.L, -2) != 0 ? "\(k)" : "\(lua_tonumberx(stack.L, -2, nil))"
                    lua_settop(stack.L, -3)
                    throw JSONEncodingError(description: "cannot encode the table key \(key)\(at) in JSON")
                }
                items += 1
                largest = max(largest, k)
            } else if lua_type(stack.L, -2) == LUA_TSTRING, let key = stack.string(at: -2) {
                stringKeys = true
                do {
                    members[key] = try value(at: -1, path: path.isEmpty ? key : "\(path).\(key)", visiting: &visiting)
                } catch {
                    lua_settop(stack.L, -3)
                    throw error
                }
            } else {
                let type = stack.type(at: -2).name
                lua_settop(stack.L, -3)
                throw JSONEncodingError(description: "cannot encode a table key of type \(type)\(at) in JSON")
            }
            lua_settop(stack.L, -2)
        }
        if stringKeys && (items > 0 || markedArray) {
            throw JSONEncodingError(description: "cannot encode a table mixing array items and other keys\(at)")
        }
        if items == 0 && !markedArray { return .object(members) }
        // lua-cjson's rule (encode_sparse_array's defaults): holes are null, unless the
        // largest index is above 10 and above twice the number of items.
        if largest > 10 && largest > 2 * lua_Integer(items) {
            throw JSONEncodingError(
                description: "cannot encode an excessively sparse array\(at) (largest index \(largest), \(items) item\(items == 1 ? "" : "s"))")
        }
        var array: [JSONValue] = []
        array.reserveCapacity(Int(largest))
        for i in stride(from: 1, through: largest, by: 1) {
            lua_rawgeti(stack.L, index, i)
            defer { lua_settop(stack.L, -2) }
            array.append(try value(at: -1, path: "\(path)[\(i)]", visiting: &visiting))
        }
        return .array(array)
    }

    private func isMarkedArray(_ index: Int32) -> Bool {
        guard lua_getmetatable(stack.L, index) != 0 else { return false }
        luaL_getmetatable_shim(stack.L)
        let same = lua_rawequal(stack.L, -1, -2) != 0
        lua_settop(stack.L, -3)
        return same
    }
}

/// Pushes the json.array metatable (luaL_getmetatable is a macro).
private func luaL_getmetatable_shim(_ L: OpaquePointer) {
    lua_getfield(L, LG_REGISTRYINDEX, JSONLibrary.arrayMetatable)
}

extension Runtime {
    /// Argument `n` of a call read as JSON (`json.null` and `json.array` honoured), for
    /// libraries outside this module (the sandbox's `load`, `faults`).
    public func jsonArgument(_ call: LuaCall, _ n: Int32) throws -> JSONValue {
        var encoding = JSONEncoding(stack: call.stack, marksIntegralFloats: false)
        var visiting = Set<UnsafeRawPointer>()
        do {
            return try encoding.value(at: n, path: "", visiting: &visiting)
        } catch let error as JSONEncodingError {
            throw LuaArgumentError(argument: n, error.description)
        }
    }
}

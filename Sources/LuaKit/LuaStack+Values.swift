import CLua

/// Why a Lua value could not be copied out as a `LuaValue`.
public struct LuaConversionError: Error, Sendable, CustomStringConvertible {
    /// Where in the value the problem is, e.g. `fields.metadata[2]` (empty at the top).
    public var path: String
    public var reason: String
    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

extension LuaStack {
    /// Pushes a value; tables are created fresh.
    public func push(_ value: LuaValue) {
        ensure(3)
        switch value {
        case .nil: lua_pushnil(L)
        case .null: pushNull()
        case .boolean(let b): push(b)
        case .integer(let i): push(i)
        case .number(let d): push(d)
        case .string(let s): push(bytes: s.bytes)
        case .array(let items):
            newTable(arrayCount: Int32(clamping: items.count))
            for (i, item) in items.enumerated() {
                push(item)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
        case .table(let entries):
            newTable(hashCount: Int32(clamping: entries.count))
            // nil and NaN cannot be table keys: lua_rawset would raise (longjmp through Swift).
            for (k, v) in entries where k != .nil && !k.isNaN {
                push(k)
                push(v)
                lua_rawset(L, -3)
            }
        }
    }

    /// Copies the value at `index` out of Lua. Tables are read raw (no
    /// metamethods); a cycle, a function, a thread or a full userdata is an error.
    public func value(at index: Int32, maxDepth: Int = 200) throws(LuaConversionError) -> LuaValue {
        var visiting = Set<UnsafeRawPointer>()
        return try value(at: absolute(index), path: "", depth: maxDepth, visiting: &visiting)
    }

    private func value(
        at index: Int32, path: String, depth: Int, visiting: inout Set<UnsafeRawPointer>
    ) throws(LuaConversionError) -> LuaValue {
        switch type(at: index) {
        case .none, .nil: return .nil
        case .boolean: return .boolean(lua_toboolean(L, index) != 0)
        case .number:
            if lua_isinteger(L, index) != 0 { return .integer(Int64(lua_tointegerx(L, index, nil))) }
            return .number(lua_tonumberx(L, index, nil))
        case .string: return .string(LuaString(bytes: bytes(at: index) ?? []))
        case .lightUserdata where lua_touserdata(L, index) == nil: return .null
        case .table: return try table(at: index, path: path, depth: depth, visiting: &visiting)
        case let other:
            throw LuaConversionError(path: path, reason: "cannot convert a \(other.name) value")
        }
    }

    private func table(
        at index: Int32, path: String, depth: Int, visiting: inout Set<UnsafeRawPointer>
    ) throws(LuaConversionError) -> LuaValue {
        guard let identity = lua_topointer(L, index) else { return .table([:]) }
        guard !visiting.contains(identity) else {
            throw LuaConversionError(path: path, reason: "table contains a cycle")
        }
        guard depth > 0, ensure(4) else {
            throw LuaConversionError(path: path, reason: "table nested too deeply")
        }
        visiting.insert(identity)
        defer { visiting.remove(identity) }

        var entries: [LuaValue: LuaValue] = [:]
        var maxIndex: Int64 = 0
        var allPositiveIntegers = true
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            // key at -2, value at -1; keys are read without in-place conversion.
            let key: LuaValue
            do {
                key = try value(at: absolute(-2), path: path, depth: 0, visiting: &visiting)
            } catch {
                let keyType = type(at: -2).name  // before popping the key
                lua_settop(L, -3)
                throw LuaConversionError(path: path, reason: "table has a key that is a \(keyType)")
            }
            let childPath = Self.path(path, key)
            let item: LuaValue
            do {
                item = try value(at: absolute(-1), path: childPath, depth: depth - 1, visiting: &visiting)
            } catch {
                lua_settop(L, -3)
                throw error
            }
            if case .integer(let i) = key, i > 0 { maxIndex = max(maxIndex, i) } else { allPositiveIntegers = false }
            entries[key] = item
            lua_settop(L, -2)
        }
        if allPositiveIntegers, !entries.isEmpty, maxIndex == Int64(entries.count) {
            return .array((1...maxIndex).map { entries[.integer($0)]! })
        }
        return .table(entries)
    }

    private static func path(_ base: String, _ key: LuaValue) -> String {
        switch key {
        case .string(let s):
            if let name = s.string, name.first.map({ $0.isLetter || $0 == "_" }) == true,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            {
                return base.isEmpty ? name : "\(base).\(name)"
            }
            return "\(base)[\"\(s)\"]"
        case .integer(let i): return "\(base)[\(i)]"
        default: return "\(base)[?]"
        }
    }
}

extension LuaValue {
    fileprivate var isNaN: Bool {
        if case .number(let d) = self { return d.isNaN }
        return false
    }
}

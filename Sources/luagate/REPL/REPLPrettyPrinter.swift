import CLua
import CLuaShim
import LuaKit

/// Renders a Lua value for the REPL as a readable Lua literal: tables
/// indented, keys sorted (the array part first, in order), nesting limited
/// to `maxDepth`, cycles marked (`<1>{ self = <cycle 1> }`).
///
/// Values with a `__tostring` metamethod (provider key records, API errors)
/// show their summary: at the top level as a `--` comment above their fields,
/// nested as `<summary>`. Tables are walked with raw accesses only; the one
/// place user code can run is `__tostring`, through the protected `lg_tolstring`.
struct REPLPrettyPrinter {
    let L: OpaquePointer
    let style: REPLStyle
    /// Tables nested deeper than this show as `{...}`.
    var maxDepth = 4
    /// Entries shown per table; the rest are counted in a comment.
    var maxItems = 100
    /// Tables that fit on one line within this many columns stay on one line.
    var width = 80

    /// Text with and without colours (the plain one measures widths).
    struct Text {
        var plain = ""
        var painted = ""

        init(_ text: String = "", _ colour: REPLStyle.Colour? = nil, style: REPLStyle? = nil) {
            plain = text
            painted = colour.flatMap { c in style.map { $0.paint(text, c) } } ?? text
        }

        static func + (a: Text, b: Text) -> Text {
            var t = a
            t.plain += b.plain
            t.painted += b.painted
            return t
        }
    }

    indirect enum Node {
        case atom(Text)
        /// `label`: the number other entries use to mark a cycle back to it.
        case table(label: Int?, header: Text?, items: [(key: Text?, value: Node)], more: Int)
    }

    /// The value at `index`, rendered for the top level of the REPL.
    func render(at index: Int32) -> String {
        var walk = Walk(printer: self)
        let node = walk.node(at: lua_absindex(L, index), depth: 0, topLevel: true)
        return layout(node, indent: 0, used: 0).painted
    }

    // MARK: - Layout

    private func layout(_ node: Node, indent: Int, used: Int) -> Text {
        if let flat = flat(node), used + flat.plain.count <= width { return flat }
        guard case .table(let label, let header, let items, let more) = node else { return flat(node) ?? Text() }
        let pad = String(repeating: " ", count: indent + 2)
        var text = labelText(label) + Text("{")
        if let header { text = text + Text(" ") + comment("-- " + header.plain) }
        for (key, value) in items {
            let prefix = key.map { $0 + Text(" = ") } ?? Text()
            text = text + Text("\n" + pad) + prefix
                + layout(value, indent: indent + 2, used: indent + 2 + prefix.plain.count + 1) + Text(",")
        }
        if more > 0 { text = text + Text("\n" + pad) + comment("-- … \(more) more") }
        return text + Text("\n" + String(repeating: " ", count: indent) + "}")
    }

    /// The one-line form, when there is one (a header or elided entries need lines).
    private func flat(_ node: Node) -> Text? {
        switch node {
        case .atom(let text): return text
        case .table(let label, let header, let items, let more):
            guard header == nil, more == 0 else { return nil }
            if items.isEmpty { return labelText(label) + Text("{}") }
            var text = labelText(label) + Text("{ ")
            for (i, (key, value)) in items.enumerated() {
                guard let value = flat(value) else { return nil }
                if i > 0 { text = text + Text(", ") }
                text = text + (key.map { $0 + Text(" = ") } ?? Text()) + value
            }
            return text + Text(" }")
        }
    }

    private func labelText(_ label: Int?) -> Text { label.map { comment("<\($0)>") } ?? Text() }

    fileprivate func comment(_ text: String) -> Text { Text(text, .comment, style: style) }
    fileprivate func painted(_ text: String, _ colour: REPLStyle.Colour) -> Text { Text(text, colour, style: style) }
}

// MARK: - Walking values

extension REPLPrettyPrinter {
    /// One rendering: the tables being walked (to find cycles) and the labels given.
    fileprivate struct Walk {
        let printer: REPLPrettyPrinter
        var L: OpaquePointer { printer.L }
        var ancestors: [UnsafeRawPointer] = []
        var labels: [UnsafeRawPointer: Int] = [:]

        init(printer: REPLPrettyPrinter) { self.printer = printer }

        mutating func node(at index: Int32, depth: Int, topLevel: Bool = false) -> Node {
            switch lua_type(L, index) {
            case LUA_TTABLE: return table(at: index, depth: depth, topLevel: topLevel)
            default: return .atom(REPLPrettyPrinter.atom(L, at: index, printer: printer))
            }
        }

        private mutating func table(at index: Int32, depth: Int, topLevel: Bool) -> Node {
            guard let identity = lua_topointer(L, index) else { return .atom(Text("{}")) }
            if ancestors.contains(identity) {
                let label = labels[identity] ?? (labels.count + 1)
                labels[identity] = label
                return .atom(printer.comment("<cycle \(label)>"))
            }
            let summary = Self.hasMetafield(L, index, "__tostring")
            if summary, !topLevel { return .atom(printer.painted("<\(tostring(at: index))>", .summary)) }
            var header: Text?
            if topLevel, summary || Self.hasMetafield(L, index, "__name") {
                header = printer.painted(tostring(at: index), .summary)
            }
            guard depth < printer.maxDepth || isEmpty(index) else { return .atom(printer.comment("{...}")) }
            ancestors.append(identity)
            defer { ancestors.removeLast() }
            let (items, more) = entries(of: index, depth: depth)
            return .table(label: labels[identity], header: header, items: items, more: more)
        }

        /// The entries of the table at `index`, sorted: `1…n` first without
        /// keys, then the other keys (numbers, strings, booleans, the rest).
        private mutating func entries(of index: Int32, depth: Int) -> ([(key: Text?, value: Node)], Int) {
            lua_checkstack(L, 6)
            // The keys go into a scratch array, so that any key can be pushed again.
            lua_createtable(L, 0, 0)
            let scratch = lua_gettop(L)
            var keys: [SortKey] = []
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                lua_settop(L, -2)
                keys.append(SortKey(L, at: -1, slot: keys.count + 1))
                lua_pushvalue(L, -1)
                lua_rawseti(L, scratch, lua_Integer(keys.count))
            }
            let integers = Set(keys.compactMap(\.integer))
            var arrayCount: Int64 = 0
            while integers.contains(arrayCount + 1) { arrayCount += 1 }
            keys.sort { a, b in
                let (ia, ib) = (a.arrayIndex(upTo: arrayCount), b.arrayIndex(upTo: arrayCount))
                if let ia, let ib { return ia < ib }
                if (ia == nil) != (ib == nil) { return ia != nil }
                return a < b
            }
            var items: [(key: Text?, value: Node)] = []
            for key in keys.prefix(printer.maxItems) {
                lua_rawgeti(L, scratch, lua_Integer(key.slot))
                let keyText = key.arrayIndex(upTo: arrayCount) == nil ? keyText(at: -1) : nil
                lua_rawget(L, index)
                items.append((keyText, node(at: lua_gettop(L), depth: depth + 1)))
                lua_settop(L, -2)
            }
            lua_settop(L, scratch - 1)
            return (items, max(0, keys.count - printer.maxItems))
        }

        /// `name`, `["not a name"]`, `[1.5]`, `[true]`…
        private func keyText(at index: Int32) -> Text {
            if let bytes = LuaStack(L).bytes(at: index), let name = String(validating: bytes, as: UTF8.self),
                REPLCompleter.isIdentifier(name)
            {
                return Text(name)
            }
            return Text("[") + REPLPrettyPrinter.atom(L, at: index, printer: printer) + Text("]")
        }

        private func isEmpty(_ index: Int32) -> Bool {
            lua_pushnil(L)
            guard lua_next(L, index) != 0 else { return true }
            lua_settop(L, -3)
            return false
        }

        private func tostring(at index: Int32) -> String { REPLPrettyPrinter.tostring(L, at: index) }

        /// True when the value's metatable has the field `name` (read raw).
        static func hasMetafield(_ L: OpaquePointer, _ index: Int32, _ name: String) -> Bool {
            guard lua_getmetatable(L, index) != 0 else { return false }
            defer { lua_settop(L, -3) }
            lua_pushstring(L, name)
            return lua_rawget(L, -2) != LUA_TNIL
        }
    }

    /// A key, in the order keys are shown.
    fileprivate struct SortKey: Comparable {
        enum Kind: Int { case number, string, boolean, other }
        var kind: Kind
        var number = 0.0
        var integer: Int64?
        var bytes: [UInt8] = []
        /// Where the key waits in the scratch array.
        var slot: Int

        init(_ L: OpaquePointer, at index: Int32, slot: Int) {
            self.slot = slot
            switch lua_type(L, index) {
            case LUA_TNUMBER:
                kind = .number
                number = lua_tonumberx(L, index, nil)
                if lua_isinteger(L, index) != 0 { integer = Int64(lua_tointegerx(L, index, nil)) }
            case LUA_TSTRING:
                kind = .string
                bytes = LuaStack(L).bytes(at: index) ?? []
            case LUA_TBOOLEAN:
                kind = .boolean
                number = Double(lua_toboolean(L, index))
            default:
                kind = .other
                number = Double(lua_type(L, index))
            }
        }

        func arrayIndex(upTo count: Int64) -> Int64? {
            guard let integer, integer >= 1, integer <= count else { return nil }
            return integer
        }

        static func < (a: SortKey, b: SortKey) -> Bool {
            if a.kind != b.kind { return a.kind.rawValue < b.kind.rawValue }
            switch a.kind {
            case .number where a.number != b.number: return a.number < b.number
            case .number: return (a.integer ?? 0) < (b.integer ?? 0)
            case .string: return a.bytes.lexicographicallyPrecedes(b.bytes)
            case .boolean, .other: return a.number != b.number ? a.number < b.number : a.slot < b.slot
            }
        }

        static func == (a: SortKey, b: SortKey) -> Bool { a.slot == b.slot }
    }
}

// MARK: - Scalars

extension REPLPrettyPrinter {
    /// A value that is not a table walked entry by entry.
    fileprivate static func atom(_ L: OpaquePointer, at index: Int32, printer: REPLPrettyPrinter) -> Text {
        switch lua_type(L, index) {
        case LUA_TNIL: return printer.painted("nil", .constant)
        case LUA_TBOOLEAN: return printer.painted(lua_toboolean(L, index) != 0 ? "true" : "false", .constant)
        case LUA_TNUMBER: return printer.painted(number(L, at: index), .number)
        case LUA_TSTRING: return printer.painted(quoted(LuaStack(L).bytes(at: index) ?? []), .string)
        case LUA_TLIGHTUSERDATA where lua_touserdata(L, index) == nil: return printer.painted("json.null", .constant)
        default: return printer.painted(tostring(L, at: index), .summary)
        }
    }

    /// As Lua writes numbers, with infinities and NaN as expressions.
    private static func number(_ L: OpaquePointer, at index: Int32) -> String {
        if lua_isinteger(L, index) != 0 { return String(lua_tointegerx(L, index, nil)) }
        let value = lua_tonumberx(L, index, nil)
        if value.isNaN { return "0/0" }
        if value.isInfinite { return value < 0 ? "-math.huge" : "math.huge" }
        lua_pushvalue(L, index)
        defer { lua_settop(L, -2) }
        return lua_tolstring(L, -1, nil).map { String(cString: $0) } ?? "?"
    }

    /// `tostring(v)` in protected mode (it may run a `__tostring` metamethod).
    static func tostring(_ L: OpaquePointer, at index: Int32) -> String {
        let status = lg_tolstring(L, index)
        defer { lua_settop(L, -2) }
        let text = LuaStack(L).bytes(at: -1).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        return status == LUA_OK ? text : "(error in __tostring: \(text))"
    }

    /// A double-quoted Lua string literal; valid UTF-8 stays readable.
    static func quoted(_ bytes: [UInt8]) -> String {
        var out = "\""
        func escape(_ byte: UInt8) -> String? {
            switch byte {
            case UInt8(ascii: "\""): return "\\\""
            case UInt8(ascii: "\\"): return "\\\\"
            case UInt8(ascii: "\n"): return "\\n"
            case UInt8(ascii: "\t"): return "\\t"
            case UInt8(ascii: "\r"): return "\\r"
            case 0..<0x20, 0x7F:
                let digits = String(byte)
                return "\\" + String(repeating: "0", count: 3 - digits.count) + digits
            default: return nil
            }
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            for scalar in text.unicodeScalars {
                if scalar.isASCII, let e = escape(UInt8(scalar.value)) {
                    out += e
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        } else {
            for byte in bytes {
                if let e = escape(byte) {
                    out += e
                } else if byte >= 0x80 {
                    out += "\\x" + String(byte, radix: 16, uppercase: true)
                } else {
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                }
            }
        }
        return out + "\""
    }
}

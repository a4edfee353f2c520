import CLua
import CLuaShim
import LuaKit
/// Tab completion for the REPL: global names and keywords; the fields of a
/// table after `.`, its methods after `:` (following `__index` tables, so
/// `s:up` finds `string.upper`); and any string key after `t["`.
///
/// Everything is read raw: completing never runs Lua code.
struct REPLCompleter {
    let L: OpaquePointer

    static let keywords = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    /// Characters that end the word being completed: `.`, `:`, `[` and
    /// quotes are part of it, so that `t.a`, `t:m` and `t["k` arrive whole.
    static let wordBreaks = " \t\n`<>=;+-*/%^~#&|,(){}"

    /// True for a Lua name (`[A-Za-z_][A-Za-z0-9_]*`) that is not a keyword.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        let isNameByte: (UInt8) -> Bool = { b in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "_")
        }
        return text.utf8.allSatisfy(isNameByte) && !keywords.contains(text)
    }

    /// What `word` (the text before the cursor back to a word break) may
    /// become: sorted, without duplicates.
    func completions(of word: String) -> [String] {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        lua_checkstack(L, 8)
        if let open = word.firstRange(of: "[\""), !word[open.upperBound...].contains("\"") {
            return completions(of: word, bracket: open, quote: "\"")
        }
        if let open = word.firstRange(of: "['"), !word[open.upperBound...].contains("'") {
            return completions(of: word, bracket: open, quote: "'")
        }
        guard let separator = word.lastIndex(where: { $0 == "." || $0 == ":" }) else {
            pushGlobals()
            return Self.sorted((keys(methodsOnly: false, namesOnly: true) + Self.keywords).filter { $0.hasPrefix(word) })
        }
        let base = word[..<separator]
        let prefix = word[word.index(after: separator)...]
        guard !base.contains(":"), push(path: base) else { return [] }
        let methods = word[separator] == ":"
        return Self.sorted(keys(methodsOnly: methods, namesOnly: true).filter { $0.hasPrefix(prefix) }.map {
            base + String(word[separator]) + $0
        })
    }

    /// `t["wo` becomes `t["word"]`, for any string key.
    private func completions(of word: String, bracket: Range<String.Index>, quote: String) -> [String] {
        let base = word[..<bracket.lowerBound]
        let prefix = word[bracket.upperBound...]
        guard push(path: base) else { return [] }
        return Self.sorted(keys(methodsOnly: false, namesOnly: false).filter { $0.hasPrefix(prefix) }.map {
            word[..<bracket.upperBound] + $0 + quote + "]"
        })
    }

    private static func sorted(_ names: [String]) -> [String] { Array(Set(names)).sorted() }

    // MARK: - Raw lookups

    private func pushGlobals() { lua_rawgeti(L, LG_REGISTRYINDEX, lua_Integer(LUA_RIDX_GLOBALS)) }

    /// Pushes the value at `a.b.c` (from the globals); false if a part is missing.
    private func push(path: Substring) -> Bool {
        pushGlobals()
        for name in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard Self.isIdentifier(String(name)), index(String(name)) != LUA_TNIL else { return false }
        }
        return true
    }

    /// Replaces the value on top with `value[name]`, read raw through `__index`
    /// tables (strings index their metatable's `__index`, the string library).
    private func index(_ name: String) -> Int32 {
        for _ in 0..<10 {
            if lua_type(L, -1) == LUA_TTABLE {
                lua_pushstring(L, name)
                if lua_rawget(L, -2) != LUA_TNIL {
                    lua_rotate(L, -2, 1)
                    lua_settop(L, -2)
                    return lua_type(L, -1)
                }
                lua_settop(L, -2)
            }
            guard replaceWithIndexTable() else { break }
        }
        lua_settop(L, -2)
        lua_pushnil(L)
        return LUA_TNIL
    }

    /// Replaces the value on top with its metatable's `__index` when that is a table.
    private func replaceWithIndexTable() -> Bool {
        guard lua_getmetatable(L, -1) != 0 else { return false }  // value, metatable
        lua_pushstring(L, "__index")
        guard lua_rawget(L, -2) == LUA_TTABLE else {
            lua_settop(L, -3)
            return false
        }
        lua_copy(L, -1, -3)  // __index, metatable, __index
        lua_settop(L, -3)
        return true
    }

    /// The string keys of the value on top and of its `__index` tables
    /// (with `methodsOnly`, those whose value is a function); pops the value.
    private func keys(methodsOnly: Bool, namesOnly: Bool) -> [String] {
        var names: [String] = []
        var seen: [UnsafeRawPointer] = []
        for _ in 0..<10 {
            if lua_type(L, -1) == LUA_TTABLE, let identity = lua_topointer(L, -1), !seen.contains(identity) {
                seen.append(identity)
                lua_pushnil(L)
                while lua_next(L, -2) != 0 {
                    if lua_type(L, -2) == LUA_TSTRING, !methodsOnly || lua_type(L, -1) == LUA_TFUNCTION,
                        let bytes = LuaStack(L).bytes(at: -2), let name = String(validating: bytes, as: UTF8.self),
                        !namesOnly || Self.isIdentifier(name)
                    {
                        names.append(name)
                    }
                    lua_settop(L, -2)
                }
            }
            guard replaceWithIndexTable() else { break }
        }
        lua_settop(L, -2)
        return names
    }
}

import LuaKit
import Testing

@Suite("Scalar values")
struct ScalarValueTests {
    @Test func nilBothWays() throws {
        let state = LuaState()
        #expect(try state.run("return nil, ...", [.nil]) == [.nil, .nil])
        #expect(try state.run("local a = ...; return type(a), select('#', ...)", [.nil]) == ["nil", 1])
        // An index above the top reads as nil too.
        #expect(try state.stack.value(at: 5) == .nil)
    }

    @Test func nullSentinelIsAUserdataEqualToItself() throws {
        let state = LuaState()
        let results = try state.run(
            "local a, b = ...; return type(a), a == b, rawequal(a, a), a ~= nil, a", [.null, .null])
        #expect(results == ["userdata", true, true, true, .null])

        state.stack.pushNull()
        #expect(state.stack.isNull(at: -1))
        #expect(state.stack.type(at: -1) == .lightUserdata)
        #expect(try state.stack.value(at: -1) == .null)
        state.stack.push(.null)
        #expect(state.stack.isNull(at: -1))
        state.stack.pop(2)
        #expect(state.stack.top == 0)
        #expect(LuaValue.null.typeName == "userdata")
    }

    @Test func booleans() throws {
        let state = LuaState()
        #expect(try state.run("return true, false") == [true, false])
        let results = try state.run("local a, b = ...; return type(a), a == true, b == false", [true, false])
        #expect(results == ["boolean", true, true])
    }

    @Test(arguments: [Int64.min, -1, 0, 1, 42, (1 << 53) + 1, Int64.max] as [Int64])
    func integersRoundTrip(value: Int64) throws {
        let state = LuaState()
        let results = try state.run("local a = ...; return math.type(a), tostring(a), a", [.integer(value)])
        #expect(results == ["integer", .string(LuaString("\(value)")), .integer(value)])
    }

    @Test func integerLimitsFromLua() throws {
        let state = LuaState()
        let results = try state.run("return math.mininteger, math.maxinteger, math.mininteger == ..., 7 // 2")
        #expect(results == [.integer(.min), .integer(.max), false, .integer(3)])
        let check = try state.run(
            "local a, b = ...; return a == math.mininteger, b == math.maxinteger, b + 1 == math.mininteger",
            [.integer(.min), .integer(.max)])
        #expect(check == [true, true, true])
    }

    @Test func integerAndFloatStayDistinct() throws {
        let state = LuaState()
        let fromLua = try state.run("return 3, 3.0, 2^53, 10 / 2, 7 // 2.0")
        #expect(fromLua == [.integer(3), .number(3.0), .number(9007199254740992), .number(5), .number(3)])
        guard case .number = fromLua[1] else { Issue.record("3.0 read as \(fromLua[1])"); return }

        let types = try state.run(
            "local a, b = ...; return math.type(a), math.type(b), a == b", [.integer(3), .number(3.0)])
        #expect(types == ["integer", "float", true])
    }

    @Test func floats() throws {
        let state = LuaState()
        let results = try state.run(
            "local h, z, i, m = ...; return math.type(h), h * 2, 1 / z, i == math.huge, m == -math.huge",
            [.number(0.5), .number(-0.0), .number(.infinity), .number(-.infinity)])
        #expect(results == ["float", .number(1.0), .number(-.infinity), true, true])

        let fromLua = try state.run("return 0.5, -(0.0), 1/0, -1/0, 1e308 * 10, 0.1")
        #expect(fromLua.count == 6)
        #expect(fromLua[0] == .number(0.5))
        guard case .number(let negativeZero) = fromLua[1] else { Issue.record("-0.0 read as \(fromLua[1])"); return }
        #expect(negativeZero == 0 && negativeZero.sign == .minus)
        #expect(fromLua[2] == .number(.infinity))
        #expect(fromLua[3] == .number(-.infinity))
        #expect(fromLua[4] == .number(.infinity))
        #expect(fromLua[5] == .number(0.1))

        // -0.0 pushed from Swift keeps its sign when read back.
        state.stack.push(.number(-0.0))
        guard case .number(let back) = try state.stack.value(at: -1) else { Issue.record("not a float"); return }
        #expect(back.sign == .minus)
        state.stack.pop()
    }

    @Test func notANumber() throws {
        let state = LuaState()
        let results = try state.run("local n = ...; return n ~= n, n == n, math.type(n)", [.number(.nan)])
        #expect(results == [true, false, "float"])
        let fromLua = try state.run("local z = 0; return z / z")
        guard case .number(let nan) = try #require(fromLua.first) else { Issue.record("\(fromLua)"); return }
        #expect(nan.isNaN)
        #expect(LuaValue.number(.nan) != LuaValue.number(.nan))
    }

    @Test func utf8Strings() throws {
        let state = LuaState()
        let text = "héllo, wörld ✓"
        let results = try state.run("local s = ...; return #s, s, s .. '!'", [.string(LuaString(text))])
        #expect(results == [.integer(Int64(text.utf8.count)), .string(LuaString(text)), .string(LuaString(text + "!"))])
        #expect(results[1].stringValue == text)
        #expect(try state.run("return ''") == [""])
        // Numbers are not strings: no in-place conversion on read.
        #expect(try state.run("return 10, '10'") == [.integer(10), "10"])
    }
}

@Suite("Byte-exact strings")
struct ByteStringTests {
    static let binary: [UInt8] = [0xff, 0xfe, 0x00, 0x41]

    @Test func swiftToLua() throws {
        let state = LuaState()
        let results = try state.run(
            "local s = ...; return #s, s:byte(1), s:byte(2), s:byte(3), s:byte(4), s == '\\xff\\xfe\\0A'",
            [.bytes(Self.binary)])
        #expect(results == [4, 255, 254, 0, 65, true])
    }

    @Test func luaToSwift() throws {
        let state = LuaState()
        let results = try state.run("return '\\xff\\xfe\\0A', 'a\\0b', string.char(0, 0, 0)")
        #expect(results == [.bytes(Self.binary), .bytes([0x61, 0, 0x62]), .bytes([0, 0, 0])])
        #expect(results[0].stringValue == nil)  // not UTF-8
        #expect(results[1].stringValue == "a\u{0}b")  // NUL is valid UTF-8
        guard case .string(let s) = results[0] else { return }
        #expect(s.string == nil)
        #expect(s.description.count == 4)  // invalid bytes replaced, NUL and A kept
    }

    @Test func everyByteRoundTrips() throws {
        let state = LuaState()
        let all = (0...255).map { UInt8($0) }
        let results = try state.run(
            """
            local s = ...
            for i = 1, 256 do
              if s:byte(i) ~= i - 1 then return false, i end
            end
            return #s, s .. s
            """, [.bytes(all)])
        #expect(results == [256, .bytes(all + all)])
    }

    @Test func rawStackAccessors() throws {
        let state = LuaState()
        state.stack.push(bytes: Self.binary)
        #expect(state.stack.bytes(at: -1) == Self.binary)
        #expect(state.stack.string(at: -1) == nil)
        state.stack.push("ok\u{0}k")
        #expect(state.stack.string(at: -1) == "ok\u{0}k")
        state.stack.push(Int64(12))
        #expect(state.stack.bytes(at: -1) == nil)  // a number is not converted
        #expect(state.stack.type(at: -1) == .number)
        state.stack.pop(3)
        #expect(state.stack.top == 0)
    }
}

@Suite("Tables")
struct TableTests {
    @Test func arrays() throws {
        let state = LuaState()
        #expect(try state.run("return {1, 'two', 3.5, true}") == [.array([1, "two", 3.5, true])])
        #expect(try state.run("return {[1] = 'a', [2] = 'b', [3] = 'c'}") == [.array(["a", "b", "c"])])
        let results = try state.run(
            "local t = ...; return #t, t[1], t[3], math.type(t[2])", [.array([10, 20.0, "x"])])
        #expect(results == [3, 10, "x", "float"])
    }

    @Test func maps() throws {
        let state = LuaState()
        let results = try state.run("return {a = 1, b = 'x', [true] = false, [1.5] = 2}")
        #expect(results == [.table(["a": 1, "b": "x", true: false, .number(1.5): 2])])
        let back = try state.run(
            "local t = ...; return t.a, t.b, t[true], t[1.5], next(t, nil) ~= nil",
            [.table(["a": 1, "b": "x", true: false, .number(1.5): 2])])
        #expect(back == [1, "x", false, 2, true])
    }

    @Test func mixedAndSparseTablesAreNotArrays() throws {
        let state = LuaState()
        #expect(try state.run("return {10, 20, x = 'y'}") == [.table([1: 10, 2: 20, "x": "y"])])
        #expect(try state.run("return {1, nil, 3}") == [.table([1: 1, 3: 3])])
        #expect(try state.run("return {[2] = 'b'}") == [.table([2: "b"])])
        #expect(try state.run("return {[0] = 'z', 'a'}") == [.table([0: "z", 1: "a"])])
        #expect(try state.run("return {[-1] = 'n'}") == [.table([-1: "n"])])
    }

    @Test func emptyTable() throws {
        let state = LuaState()
        #expect(try state.run("return {}") == [.table([:])])
        #expect(try state.run("local t = ...; return type(t), next(t)", [.table([:])]) == ["table", .nil])
        #expect(try state.run("local t = ...; return type(t), #t", [.array([])]) == ["table", 0])
    }

    @Test func nestedValuesBothWays() throws {
        let state = LuaState()
        let value: LuaValue = .table([
            "name": "x", "list": .array([1, .array([2, 3]), .table(["k": .null])]), "flag": true,
        ])
        state.stack.push(value)
        #expect(try state.stack.value(at: -1) == value)
        state.stack.pop()
        let results = try state.run("local t = ...; return t.list[2][2], t.list[3].k, t.name", [value])
        #expect(results == [3, .null, "x"])
    }

    @Test func sharedSubtableIsNotACycle() throws {
        let state = LuaState()
        let results = try state.run("local s = {1}; return {s, s, {s}}")
        #expect(results == [.array([.array([1]), .array([1]), .array([.array([1])])])])
    }

    @Test func nestedFiftyDeep() throws {
        let state = LuaState()
        let results = try state.run("local t = {'leaf'}; for i = 1, 49 do t = {t} end; return t")
        var value = try #require(results.first)
        var depth = 0
        while case .array(let items) = value, items.count == 1 {
            depth += 1
            value = items[0]
        }
        #expect(depth == 50)
        #expect(value == "leaf")

        var pushed: LuaValue = "leaf"
        for _ in 0..<50 { pushed = .array([pushed]) }
        let fromSwift = try state.run(
            "local t, d = ..., 0; while type(t) == 'table' do t, d = t[1], d + 1 end; return d, t", [pushed])
        #expect(fromSwift == [50, "leaf"])
    }

    @Test func tooDeepIsAnError() throws {
        let state = LuaState()
        try state.load("local t = {}; for i = 1, 300 do t = {t} end; return t", name: "=deep")
        try state.call(arguments: 0, results: 1)
        let error = #expect(throws: LuaConversionError.self) { try state.stack.value(at: -1) }
        #expect(error?.reason.contains("nested too deeply") == true)
        #expect(state.stack.top == 1)
        #expect(throws: Never.self) { try state.stack.value(at: -1, maxDepth: 400) }
        let shallow = #expect(throws: LuaConversionError.self) { try state.stack.value(at: -1, maxDepth: 3) }
        #expect(shallow?.path == "[1][1][1]")
        state.stack.pop()
    }

    @Test func cycleIsAnErrorNamingThePath() throws {
        let state = LuaState()
        try state.load("local t = {}; t.self = t; return t", name: "=cycle")
        try state.call(arguments: 0, results: 1)
        let error = #expect(throws: LuaConversionError.self) { try state.stack.value(at: -1) }
        #expect(error?.path == "self")
        #expect(error?.description.contains("self") == true)
        #expect(error?.description.contains("cycle") == true)
        #expect(state.stack.top == 1)
        state.stack.pop()

        try state.load("local t = {a = {b = {}}}; t.a.b[1] = t; return t", name: "=cycle")
        try state.call(arguments: 0, results: 1)
        let deeper = #expect(throws: LuaConversionError.self) { try state.stack.value(at: -1) }
        #expect(deeper?.path == "a.b[1]")
        #expect(deeper?.description == "a.b[1]: table contains a cycle")
        #expect(state.stack.top == 1)
    }

    @Test func functionInsideTableNamesThePath() throws {
        let state = LuaState()
        try state.load("return {a = {b = {1, print}}}", name: "=fn")
        try state.call(arguments: 0, results: 1)
        let error = #expect(throws: LuaConversionError.self) { try state.stack.value(at: -1) }
        #expect(error?.path == "a.b[2]")
        #expect(error?.description == "a.b[2]: cannot convert a function value")
        #expect(state.stack.top == 1)
        state.stack.pop()

        try state.load("return {['not an identifier'] = coroutine.create(print)}", name: "=fn")
        try state.call(arguments: 0, results: 1)
        let quoted = #expect(throws: LuaConversionError.self) { try state.stack.value(at: -1) }
        #expect(quoted?.description == "[\"not an identifier\"]: cannot convert a thread value")
        state.stack.pop()

        state.stack.push(.table(["x": 1]))
        try state.load("return print", name: "=fn")
        try state.call(arguments: 0, results: 1)
        let top = #expect(throws: LuaConversionError.self) { try state.stack.value(at: -1) }
        #expect(top?.description == "cannot convert a function value")
        #expect(state.stack.top == 2)
    }

    @Test func unconvertibleKeyNamesItsType() throws {
        let state = LuaState()
        // Something below the table, so that a wrong stack index shows.
        state.stack.push("below")
        try state.load("return {[{}] = 1}", name: "=key")
        try state.call(arguments: 0, results: 1)
        let error = #expect(throws: LuaConversionError.self) { try state.stack.value(at: -1) }
        #expect(error?.reason == "table has a key that is a table")
        #expect(state.stack.top == 2)
        state.stack.pop()

        try state.load("return {x = {[print] = true}}", name: "=key")
        try state.call(arguments: 0, results: 1)
        let nested = #expect(throws: LuaConversionError.self) { try state.stack.value(at: -1) }
        #expect(nested?.description == "x: table has a key that is a function")
        #expect(state.stack.top == 2)
    }

    @Test func tablesAreReadRaw() throws {
        let state = LuaState()
        let results = try state.run(
            """
            local t = setmetatable({1, 2}, {__index = function() error('no') end,
                                            __pairs = function() error('no') end,
                                            __len = function() return 99 end})
            return t
            """)
        #expect(results == [.array([1, 2])])
    }

    @Test func pushingSkipsKeysLuaCannotStore() throws {
        let state = LuaState()
        // nil and NaN are not valid table keys: raw-setting them raises, which
        // would longjmp through Swift; they are skipped instead.
        state.stack.push(.table([.nil: 1, .number(.nan): 2, "ok": 3]))
        #expect(try state.stack.value(at: -1) == .table(["ok": 3]))
        state.stack.pop()
        // Float keys with an integer value are normalized by Lua.
        state.stack.push(.table([.number(1.0): "a", .number(2.0): "b"]))
        #expect(try state.stack.value(at: -1) == .array(["a", "b"]))
        state.stack.pop()
        #expect(state.stack.top == 0)
    }
}

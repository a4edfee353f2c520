import Foundation
import LuaKit
import Testing

/// A Swift error whose description becomes the Lua error string.
enum PlainFailure: Error, CustomStringConvertible {
    case failed(Int64)
    var description: String {
        switch self {
        case .failed(let i): return "plain failure \(i)"
        }
    }
}

/// Registers `f(a: integer, b: table)`, returning `a, "ok"`.
private func registerChecked(_ state: LuaState, as name: String = "f") {
    state.setGlobal(name) { call in
        let a = try call.checkInteger(1)
        try call.checkTable(2)
        call.stack.push(a)
        call.stack.push("ok")
        return .results(2)
    }
}

@Suite("Swift functions")
struct FunctionTests {
    @Test func resultsAreReturned() throws {
        let state = LuaState()
        state.setGlobal("add") { call in
            let a = try call.checkInteger(1)
            let b = try call.checkInteger(2)
            call.stack.push(a + b)
            call.stack.push("sum")
            call.stack.push(.array([.integer(a), .integer(b)]))
            return .results(3)
        }
        state.setGlobal("nothing") { _ in .none }
        state.setGlobal("count") { call in
            call.stack.push(Int64(call.argumentCount))
            return .one
        }
        #expect(try state.run("return add(2, 3)") == [5, "sum", .array([2, 3])])
        #expect(try state.run("return add('2', 3.0)") == [5, "sum", .array([2, 3])])  // as luaL_checkinteger
        #expect(try state.run("return select('#', nothing(1, 2))") == [0])
        #expect(try state.run("return count(), count(nil, nil), count(1, 2, 3)") == [0, 2, 3])
        #expect(state.stack.top == 0)
    }

    @Test func argumentErrorHasPositionAndCallSiteName() throws {
        let state = LuaState()
        registerChecked(state)
        let results = try state.run(
            """
            local ok, err = pcall(function()
              f(1, "x")
            end)
            local g = f
            local ok2, err2 = pcall(function() return g(1, {}) .. g(nil, {}) end)
            return ok, err, ok2, err2
            """, name: "=chunk")
        #expect(results == [
            false, "chunk:2: bad argument #2 to 'f' (table expected, got string)",
            false, "chunk:5: bad argument #1 to 'g' (number expected, got nil)",
        ])
    }

    @Test func argumentErrorTexts() throws {
        let state = LuaState()
        registerChecked(state)
        state.setGlobal("s") { call in
            call.stack.push(try call.checkString(1))
            return .one
        }
        let results = try state.run(
            """
            local function try(...) local ok, e = pcall(...); return e end
            return try(function() f(1.5, {}) end),
                   try(function() f(1) end),
                   try(function() f(1, setmetatable({}, {__name = 'Thing'})) end),
                   try(function() f(setmetatable({}, {__name = 'Thing'}), {}) end),
                   try(function() s(io.stdout) end)
            """, name: "=texts")
        #expect(results == [
            "texts:2: bad argument #1 to 'f' (number has no integer representation)",
            "texts:3: bad argument #2 to 'f' (table expected, got no value)",
            .nil,
            "texts:5: bad argument #1 to 'f' (number expected, got Thing)",
            "texts:6: bad argument #1 to 's' (string expected, got FILE*)",
        ])
    }

    @Test func calledFromCUsesTheRegisteredName() throws {
        let state = LuaState()
        registerChecked(state, as: "registered")
        // pcall calls it directly: Lua has no call-site name and no position.
        let results = try state.run("local h = registered; return pcall(h, 1, 'x')")
        #expect(results == [false, "bad argument #2 to 'registered' (table expected, got string)"])
    }

    @Test func methodCallsDoNotCountSelf() throws {
        let state = LuaState()
        state.pushLibrary([
            "m": { call in
                try call.checkTable(1)
                call.stack.push(try call.checkInteger(2) * 2)
                return .one
            },
            "n": { call in
                _ = try call.checkInteger(1)
                return .none
            },
        ])
        try state.setGlobal("obj")
        let results = try state.run(
            """
            local function try(f) local ok, e = pcall(f); return e end
            return obj:m(21),
                   try(function() obj:m("x") end),
                   try(function() obj.m(obj, "x") end),
                   try(function() obj:n() end)
            """, name: "=method")
        #expect(results == [
            42,
            "method:3: bad argument #1 to 'm' (number expected, got string)",
            "method:4: bad argument #2 to 'm' (number expected, got string)",
            "method:5: calling 'n' on bad self (number expected, got table)",
        ])
    }

    @Test func raisedErrorValueIsTheSameTable() throws {
        let state = LuaState()
        state.setGlobal("raise") { _ in throw RaiseArgument(index: 1) }
        state.setGlobal("raiseFresh") { _ in throw RaiseValue(value: .table(["code": 7, "list": .array([1, 2])])) }
        let results = try state.run(
            """
            local E = {code = 42}
            local ok, e = pcall(raise, E)
            local ok2, e2 = pcall(function() raiseFresh() end)
            return ok, rawequal(e, E), e.code, ok2, e2.code, e2.list[2]
            """)
        #expect(results == [false, true, 42, false, 7, 2])
    }

    @Test func argumentErrorWithAnErrorObject() throws {
        let state = LuaState()
        state.setGlobal("check") { call in
            throw LuaArgumentError(argument: 2, "wrong thing", object: RaiseArgument(index: 1))
        }
        state.setGlobal("checkFresh") { call in
            throw LuaArgumentError(argument: 1, "fresh", object: RaiseValue(value: .table(["code": 9])))
        }
        let results = try state.run(
            """
            local E = {code = 42}
            local ok, e = pcall(function() check(E, "below") end)
            local ok2, e2 = pcall(function() checkFresh({}) end)
            return ok, rawequal(e, E), e.code, e.message, e.where,
                   ok2, e2.code, e2.message, e2.where
            """, name: "=obj")
        #expect(results == [
            false, true, 42, "bad argument #2 to 'check' (wrong thing)", "obj:2: ",
            false, 9, "bad argument #1 to 'checkFresh' (fresh)", "obj:3: ",
        ])
        #expect(state.stack.top == 0)
    }

    @Test func plainSwiftErrorsBecomeStrings() throws {
        let state = LuaState()
        state.setGlobal("fail") { call in throw PlainFailure.failed(try call.checkInteger(1)) }
        state.setGlobal("fail2") { _ in throw LuaRuntimeError("runtime failure") }
        let results = try state.run(
            "local _, a = pcall(fail, 3); local _, b = pcall(function() fail2() end); return a, b")
        // lua_error adds no position, unlike error().
        #expect(results == ["plain failure 3", "runtime failure"])

        let error = try #require(state.failure("fail(5)"))
        #expect(error.status == .runtime)
        #expect(error.message.hasPrefix("plain failure 5\nstack traceback:"))
    }

    @Test func stackIsBalancedAfterManyErrors() throws {
        let state = LuaState()
        registerChecked(state)
        state.setGlobal("spam") { call in
            // Push a lot, then fail: the frame must be discarded.
            call.stack.ensure(200)
            for i in 0..<200 { call.stack.push(Int64(i)) }
            throw LuaRuntimeError("spam")
        }
        state.setGlobal("top") { call in
            call.stack.push(Int64(call.stack.top))
            return .one
        }
        state.stack.push("sentinel")
        let before = state.stack.top
        for i in 0..<500 {
            #expect(state.failure("f(\(i), 'x')") != nil)
            #expect(state.failure("spam()") != nil)
            #expect(state.failure("error({})") != nil)
            #expect(state.failure("syntax error here") != nil)
        }
        #expect(state.stack.top == before)
        #expect(state.stack.string(at: -1) == "sentinel")

        let results = try state.run(
            """
            local failures = 0
            for i = 1, 1000 do
              if not pcall(f, i, "x") then failures = failures + 1 end
              if not pcall(spam) then failures = failures + 1 end
              local ok, t = pcall(top, 1, 2, 3)
              if t ~= 3 then return "top was " .. tostring(t) end
            end
            return failures, top()
            """)
        #expect(results == [2000, 0])
        #expect(state.stack.top == before)
    }

    @Test func errorAfterTenThousandCallsInsidePcall() throws {
        let state = LuaState()
        var calls = 0
        state.setGlobal("tick") { call in
            calls += 1
            let i = try call.checkInteger(1)
            if i == 10_000 { throw PlainFailure.failed(i) }
            call.stack.push(i)
            return .one
        }
        let results = try state.run(
            """
            local sum = 0
            local ok, err = pcall(function()
              for i = 1, 10000 do sum = sum + tick(i) end
            end)
            local failures = 0
            for i = 1, 10000 do
              if not pcall(tick, 10000) then failures = failures + 1 end
            end
            return ok, err, sum, failures
            """)
        #expect(results == [false, "plain failure 10000", .integer(Int64(9_999 * 10_000 / 2)), 10_000])
        #expect(calls == 20_000)
        #expect(state.stack.top == 0)
    }

    @Test func yieldOnTheMainThreadIsAnError() throws {
        let state = LuaState()
        var yieldable: [Bool] = []
        state.setGlobal("y") { call in
            yieldable.append(call.stack.isYieldable)
            return .yield(0)
        }
        #expect(!state.stack.isYieldable)
        let results = try state.run("return pcall(y)")
        #expect(results == [false, "attempt to yield from outside a coroutine"])
        #expect(yieldable == [false])
    }

    @Test func reentrantCallsIntoLua() throws {
        let state = LuaState()
        state.setGlobal("apply") { [unowned state] call in
            try call.checkFunction(1)
            let base = call.stack.top
            call.stack.pushValue(at: 1)
            call.stack.pushValue(at: 2)
            try state.call(arguments: 1, results: 1)
            #expect(call.stack.top == base + 1)
            return .one
        }
        let results = try state.run(
            """
            local r = apply(function(x) return apply(function(y) return y * 2 end, x) + 1 end, 20)
            local ok, err = pcall(apply, function() error("inner") end, 0)
            return r, ok, err
            """, name: "=reentrant")
        #expect(results.count == 3)
        #expect(results[0] == 41)
        #expect(results[1] == false)
        // The nested failure comes back as a LuaError whose text (with the inner traceback) is raised.
        #expect(results[2].stringValue?.hasPrefix("reentrant:2: inner\nstack traceback:") == true)
        #expect(state.stack.top == 0)
    }

    @Test func functionsBelongToTheirState() throws {
        let first = LuaState()
        let second = LuaState()
        first.setGlobal("who") { call in
            call.stack.push("first")
            return .one
        }
        second.setGlobal("other") { _ in .none }  // index 0 in the second state
        second.setGlobal("who") { call in
            call.stack.push("second")
            return .one
        }
        #expect(try first.run("return who()") == ["first"])
        #expect(try second.run("return who()") == ["second"])
        let coroutine = try second.run("return coroutine.wrap(function() return who() end)()")
        #expect(coroutine == ["second"])
    }

    @Test func libraryAndModuleRegistration() throws {
        let state = LuaState()
        state.pushLibrary([
            "hello": { call in
                call.stack.push("hello, " + (try call.checkString(1)))
                return .one
            }
        ])
        state.registerModule("mylib")
        #expect(state.stack.type(at: -1) == .table)
        state.stack.pop()
        #expect(try state.run("return require('mylib').hello('lua'), package.loaded.mylib ~= nil") == ["hello, lua", true])
    }
}

@Suite("Memory")
struct MemoryTests {
    /// Measured in a child process (an exit test) so that tests running in
    /// parallel cannot move the resident set size.
    @Test func millionCallsDoNotGrowMemory() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardOutputContent]) {
            let growth = try MemoryProbe.millionCalls()
            print(growth.heapKB, growth.residentBytes)
        }
        let fields = String(decoding: result.standardOutputContent, as: UTF8.self).split(separator: " ")
        let heapKB = try #require(fields.count == 2 ? Double(fields[0]) : nil)
        let residentBytes = try #require(Int(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(heapKB < 64, "Lua heap grew by \(heapKB) KB")
        #expect(residentBytes < 8 << 20, "RSS grew by \(residentBytes >> 10) KB")
    }
}

/// The body of ``MemoryTests/millionCallsDoNotGrowMemory()``.
enum MemoryProbe {
    struct Failure: Error { var step: String }

    /// Makes 1,000,000 successful and 100,000 failing calls to Swift functions
    /// and returns how much the Lua heap and the process grew meanwhile.
    static func millionCalls() throws -> (heapKB: Double, residentBytes: Int) {
        let state = LuaState()
        state.setGlobal("inc") { call in
            call.stack.push(try call.checkInteger(1) + 1)
            return .one
        }
        state.setGlobal("fails") { call in
            throw LuaArgumentError(argument: 1, "always \(call.argumentCount)")
        }
        let heapScript = "collectgarbage('collect'); collectgarbage('collect'); return collectgarbage('count')"
        // Warm up: first calls may allocate caches.
        guard try state.run("local x = 0; for i = 1, 1000 do x = inc(x) end; return x") == [1000],
              case .number(let heapBefore) = try state.run(heapScript)[0] else { throw Failure(step: "warm-up") }
        let rssBefore = try residentBytes()

        guard try state.run("local x = 0; for i = 1, 1000000 do x = inc(x) end; return x") == [1_000_000] else {
            throw Failure(step: "inc")
        }
        guard try state.run("local n = 0; for i = 1, 100000 do if not pcall(fails) then n = n + 1 end end; return n") == [100_000] else {
            throw Failure(step: "pcall")
        }
        guard case .number(let heapAfter) = try state.run(heapScript)[0] else { throw Failure(step: "count") }
        return (heapAfter - heapBefore, try residentBytes() - rssBefore)
    }
}

@Suite("lauxlib compatibility")
struct LauxlibCompatibilityTests {
    /// Calls `f(args...)` through the same local name for a lauxlib function and
    /// its Swift twin, returning both error messages.
    private func messages(_ state: LuaState, lauxlib: String, swift: String, args: String) throws -> [LuaValue] {
        let rest = args.isEmpty ? "" : ", " + args
        return try state.run(
            """
            local function try(f, ...)
              local args = table.pack(...)
              local ok, err = pcall(function() f(table.unpack(args, 1, args.n)) end)
              return ok and "no error" or err
            end
            return try(\(lauxlib)\(rest)), try(\(swift)\(rest))
            """, [.null], name: "=compat")
    }

    @Test(arguments: [
        "'x', '1.5'", "'x', 1.5", "'x', {}", "'x', nil", "'x'", "{}, 1", "io.stdout, 1",
        "'x', 'abc'", "'x', ...", "..., 1", "setmetatable({}, {__name = 'Named'}), 1",
        "setmetatable({}, {__name = 42}), 1", "nil, 2^63", "12, 'x'", "1.5, {}",
    ])
    func integerAndStringChecksMatchStringRep(args: String) throws {
        let state = LuaState()
        state.setGlobal("rep") { call in
            _ = try call.checkString(1)
            _ = try call.checkInteger(2)
            return .none
        }
        let results = try messages(state, lauxlib: "string.rep", swift: "rep", args: args)
        #expect(results.count == 2)
        #expect(results[0] == results[1])
    }

    @Test func checkStringConvertsNumbersAsLuaDoesAndLeavesThemNumbers() throws {
        let state = LuaState()
        state.setGlobal("str") { call in
            call.stack.push(try call.checkString(1))
            call.stack.push(call.type(1) == .number)
            return .results(2)
        }
        #expect(try state.run("return str(12)") == ["12", true])
        #expect(try state.run("return str(1.5)") == ["1.5", true])
        #expect(try state.run("return str(2^63)") == ["9.2233720368548e+18", true])
        #expect(try state.run("return str(12) == tostring(12), str(-0.0) == tostring(-0.0)") == [true, true])
    }

    @Test(arguments: ["'s'", "1", "nil", "", "...", "io.stdout", "setmetatable({}, {})"])
    func tableAndFunctionChecksMatchTheLibrary(args: String) throws {
        let state = LuaState()
        state.setGlobal("checktable") { call in
            try call.checkTable(1)
            return .none
        }
        state.setGlobal("fn") { call in
            try call.checkFunction(1)
            return .none
        }
        // next() and coroutine.create() use luaL_checktype.
        let tables = try messages(state, lauxlib: "next", swift: "checktable", args: args)
        #expect(tables.count == 2)
        #expect(tables[0] == tables[1])
        let functions = try messages(state, lauxlib: "coroutine.create", swift: "fn", args: args)
        #expect(functions.count == 2)
        #expect(functions[0] == functions[1])
    }
}

@Suite("Finalizers")
struct FinalizerTests {
    @Test func finalizersCallSwiftFunctionsWhileTheStateCloses() throws {
        var calls: [String] = []
        do {
            let state = LuaState()
            state.setGlobal("finalized") { call in
                calls.append(try call.checkString(1))
                return .none
            }
            state.setGlobal("fail") { _ in throw LuaRuntimeError("error in finalizer") }
            try state.run(
                """
                setmetatable({}, {__gc = function() finalized('collected') end})
                collectgarbage(); collectgarbage()
                kept = setmetatable({}, {__gc = function() finalized('closed') end})
                failing = setmetatable({}, {__gc = function() fail() end})
                """)
            #expect(calls == ["collected"])
        }
        // lua_close ran the remaining finalizers; an error in one is only a warning.
        #expect(calls == ["collected", "closed"])
    }
}

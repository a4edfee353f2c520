import LuaKit
import Testing

@Suite("Coroutines")
struct CoroutineTests {
    /// `ask(...)` yields its arguments plus a marker; its call returns what the coroutine is resumed with.
    private func makeState(log: @escaping (LuaStack) -> Void = { _ in }) -> LuaState {
        let state = LuaState()
        state.setGlobal("ask") { call in
            log(call.stack)
            guard call.stack.isYieldable else { throw LuaRuntimeError("not yieldable") }
            let n = call.argumentCount
            call.stack.push("asked")
            return .yield(n + 1)
        }
        return state
    }

    @Test func yieldAndResumeWithResults() throws {
        var threads: [OpaquePointer] = []
        var yieldable: [Bool] = []
        let state = makeState { stack in
            threads.append(stack.L)
            yieldable.append(stack.isYieldable)
        }
        let results = try state.run(
            """
            local co = coroutine.create(function(a)
              local r1, r2 = ask(a, "x")
              return "done", r1, r2
            end)
            local ok1, y1, y2, y3 = coroutine.resume(co, 10)
            local status = coroutine.status(co)
            local ok2, d, r1, r2 = coroutine.resume(co, true, 1, 2)
            return ok1, y1, y2, y3, status, ok2, d, r1, r2, coroutine.status(co)
            """)
        #expect(results == [true, 10, "x", "asked", "suspended", true, "done", 1, 2, "dead"])
        #expect(yieldable == [true])
        #expect(threads.count == 1 && threads[0] != state.L)  // called with the coroutine's stack
        #expect(state.stack.top == 0)
    }

    @Test func resumeWithNoResultsAndWithMany() throws {
        let state = makeState()
        let results = try state.run(
            """
            local co = coroutine.wrap(function()
              local n1 = select('#', ask())
              local t = {ask()}
              return n1, #t, t[1], t[5]
            end)
            co()
            co(true)
            return co(true, 1, 2, 3, 4, 5)
            """)
        #expect(results == [0, 5, 1, 5])
    }

    @Test func resumeWithFailureRaisesInsideTheCoroutine() throws {
        let state = makeState()
        let results = try state.run(
            """
            local co = coroutine.create(function()
              local ok, err = pcall(ask, "p")
              local ok2, err2 = pcall(function() return ask() end)
              local ok3, err3 = pcall(ask)
              return ok, err, ok2, err2, ok3, err3
            end)
            local _, a, b = coroutine.resume(co)        -- yields "p", "asked"
            coroutine.resume(co, false, "boom")         -- first pcall fails with "boom"
            coroutine.resume(co, false, {code = 1})     -- second pcall fails with a table
            return a, b, coroutine.resume(co, true, "fine")
            """)
        #expect(results.count == 9)
        #expect(Array(results[0..<5]) == ["p", "asked", true, false, "boom"])
        #expect(results[5] == false)
        #expect(results[6] == .table(["code": 1]))
        #expect(Array(results[7...]) == [true, "fine"])
    }

    @Test func unhandledFailureKillsTheCoroutine() throws {
        let state = makeState()
        let results = try state.run(
            """
            local co = coroutine.create(function() ask(); return "unreachable" end)
            coroutine.resume(co)
            local ok, err = coroutine.resume(co, false, "boom")
            return ok, err, coroutine.status(co)
            """)
        #expect(results == [false, "boom", "dead"])
    }

    @Test func manyYieldsInALoop() throws {
        let state = makeState()
        let results = try state.run(
            """
            local co = coroutine.wrap(function()
              local sum = 0
              for i = 1, 10000 do sum = sum + ask(i) end
              return "sum", sum
            end)
            local v = co()
            local last
            for i = 1, 10000 do
              local a, b = co(true, v * 2)
              if a == "sum" then last = b else v = a end
            end
            return last
            """)
        #expect(results == [.integer(10_000 * 10_001)])
        #expect(state.stack.top == 0)
    }

    @Test func notYieldableOnTheMainThreadOrAcrossCBoundaries() throws {
        let state = makeState()
        #expect(!state.stack.isYieldable)
        let results = try state.run(
            """
            local a = select(2, pcall(ask))
            -- table.sort calls its comparator through lua_call: not yieldable there.
            local co = coroutine.create(function()
              local ok, err = pcall(table.sort, {1, 2}, function(x, y) ask(); return x < y end)
              return err
            end)
            local _, b = coroutine.resume(co)
            return a, b
            """)
        #expect(results == ["not yieldable", "not yieldable"])
    }
}

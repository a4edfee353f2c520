import CLua
import CLuaShim
import LuaKit

/// Tasks: `task.spawn`, `handle:await()`, and what happens when a task
/// finishes (its results or error stored in its handle, its waiters woken).
extension Scheduler {
    /// `task.spawn(fn, ...)`: a new task running `fn(...)` at once until it
    /// first waits; returns its handle (a table with `await`).
    func spawn(_ call: LuaCall) throws -> LuaReturn {
        try call.checkFunction(1)
        let L = call.L
        let count = call.argumentCount
        guard let thread = lua_newthread(L) else { throw LuaRuntimeError("cannot create a coroutine") }
        nextTaskID += 1
        let task = Task(id: nextTaskID, thread: thread)
        task.threadRef = luaL_ref(L, LG_REGISTRYINDEX)
        // The handle: {id = n}, with the task metatable.
        call.stack.newTable(hashCount: 4)
        call.stack.push(Int64(task.id))
        call.stack.rawSet(table: -2, key: "id")
        luaL_setmetatable(L, Self.handleMetatable)
        lua_pushvalue(L, -1)
        task.handleRef = luaL_ref(L, LG_REGISTRYINDEX)
        let handle = lua_gettop(L)
        // Move fn and its arguments to the new coroutine.
        LuaStack(thread).ensure(count + LUA_MINSTACK)
        for i in 1...count { lua_pushvalue(L, i) }
        lua_xmove(L, thread, count)
        tasks[thread] = task
        tasksByID[task.id] = task
        resume(task, arguments: count - 1, from: L)
        lua_settop(L, handle)
        return .one
    }

    static let handleMetatable = "luagate.task"

    /// `handle:await()`: the task's results, or its error raised again.
    func await(_ call: LuaCall) throws -> LuaReturn {
        try call.checkTable(1)
        let stack = call.stack
        if !isDone(stack, handle: 1) {
            let id = try taskID(stack, handle: 1)
            guard let target = tasksByID[id] else {
                throw LuaRuntimeError("task \(id) is not known to this runtime")
            }
            unobservedFailures[id] = nil
            if let me = yieldableTask(call.L) {
                guard me !== target else { throw LuaRuntimeError("a task cannot await itself") }
                target.waiters.append(me)
                me.running = false
                return .yield(0)
            }
            try run(from: call.L) { isDone(stack, handle: 1) }
        }
        unobservedFailures[(try? taskID(stack, handle: 1)) ?? 0] = nil
        return try pushResults(stack, handle: 1)
    }

    /// Pushes a finished task's results, or throws its error value.
    private func pushResults(_ stack: LuaStack, handle: Int32) throws -> LuaReturn {
        if stack.rawGet(table: handle, key: "error") != .nil {
            throw RaisedValue()
        }
        stack.pop()
        guard stack.rawGet(table: handle, key: "results") == .table else { return .none }
        let results = stack.top
        stack.rawGet(table: results, key: "n")
        let n = Int32(lua_tointegerx(stack.L, -1, nil))
        stack.pop()
        guard stack.ensure(n + LUA_MINSTACK) else { throw LuaRuntimeError("too many results") }
        for i in 0..<n { lua_rawgeti(stack.L, results, lua_Integer(i + 1)) }
        lua_rotate(stack.L, results, -1)  // drop the results table: leave exactly n values
        stack.pop()
        return .results(n)
    }

    private func isDone(_ stack: LuaStack, handle: Int32) -> Bool {
        defer { stack.pop() }
        return stack.rawGet(table: handle, key: "done") == .boolean
    }

    private func taskID(_ stack: LuaStack, handle: Int32) throws -> Int {
        defer { stack.pop() }
        guard stack.rawGet(table: handle, key: "id") == .number else {
            throw LuaArgumentError(argument: 1, "task handle expected")
        }
        return Int(lua_tointegerx(stack.L, -1, nil))
    }

    /// Resumes a task with `arguments` values on its stack.
    func resume(_ task: Task, arguments: Int32, from caller: OpaquePointer) {
        task.running = true
        var results: Int32 = 0
        let status = lg_resume(task.thread, caller, arguments, &results)
        switch status {
        case LUA_YIELD:
            if task.running {
                // A plain `coroutine.yield` at the task's top level: run it again later.
                task.running = false
                lua_settop(task.thread, 0)
                runnable.append((task, 0))
            }
        case LUA_OK:
            finish(task, ok: true, results: results)
        default:
            finish(task, ok: false, results: 1)
        }
    }

    /// Stores the outcome in the handle and wakes the waiters.
    func finish(_ task: Task, ok: Bool, results: Int32) {
        task.running = false
        let co = task.thread
        let stack = LuaStack(co)
        stack.ensure(LUA_MINSTACK)
        let base = lua_gettop(co) - results
        lua_rawgeti(co, LG_REGISTRYINDEX, lua_Integer(task.handleRef))
        let handle = lua_gettop(co)
        if ok {
            stack.newTable(arrayCount: results, hashCount: 1)
            for i in 0..<results {
                lua_pushvalue(co, base + 1 + i)
                lua_rawseti(co, -2, lua_Integer(i + 1))
            }
            stack.push(Int64(results))
            stack.rawSet(table: -2, key: "n")
            stack.rawSet(table: handle, key: "results")
        } else {
            lua_pushvalue(co, base + 1)
            stack.rawSet(table: handle, key: "error")
            if task.waiters.isEmpty {
                luaL_traceback(L, co, nil, 0)
                let trace = LuaStack(L).string(at: -1) ?? ""
                lua_settop(L, -2)
                let message = Self.describe(stack, at: base + 1)
                unobservedFailures[task.id] = message + "\n" + trace
            }
        }
        stack.push(true)
        stack.rawSet(table: handle, key: "done")
        // Wake the tasks awaiting this one with (true, results...) or (false, err).
        for waiter in task.waiters {
            let w = LuaStack(waiter.thread)
            w.ensure(results + LUA_MINSTACK)
            w.push(ok)
            lua_pushvalue(co, handle)
            lua_xmove(co, waiter.thread, 1)
            let h = lua_gettop(waiter.thread)
            if ok {
                _ = try? pushResults(w, handle: h)
                let n = lua_gettop(waiter.thread) - h
                lua_rotate(waiter.thread, h, -1)
                lua_settop(waiter.thread, -2)
                runnable.append((waiter, 1 + n))
            } else {
                w.rawGet(table: h, key: "error")
                lua_rotate(waiter.thread, h, -1)
                lua_settop(waiter.thread, -2)
                runnable.append((waiter, 2))
            }
        }
        task.waiters = []
        lua_settop(co, 0)
        luaL_unref(L, LG_REGISTRYINDEX, task.handleRef)
        luaL_unref(L, LG_REGISTRYINDEX, task.threadRef)
        tasks[co] = nil
        tasksByID[task.id] = nil
    }

    private static func describe(_ stack: LuaStack, at index: Int32) -> String {
        if let s = stack.string(at: index) { return s }
        if lg_tolstring(stack.L, index) == LUA_OK, let s = stack.string(at: -1) {
            stack.pop()
            return s
        }
        stack.pop()
        return "(error object is a \(stack.type(at: index).name) value)"
    }
}

/// Raises the value on top of the stack (a task's error, raised again by `await`).
private struct RaisedValue: LuaErrorValue {
    func push(onto stack: LuaStack) {}  // already on top
}

import CLua
import CLuaShim
import LuaKit

/// Tasks: `task.spawn`, `handle:await()`, and what happens when a task
/// finishes (its results or error kept in its handle, its waiters woken).
///
/// A handle is a full userdata holding the task's id; a finished task's
/// outcome is the handle's user value (`{ok = true, n = count, ...}` or
/// `{ok = false, error}`), which scripts cannot reach or edit.
extension Scheduler {
    /// `task.spawn(fn, ...)`: a new task running `fn(...)` at once until it
    /// first waits; returns its handle.
    func spawn(_ call: LuaCall) throws -> LuaReturn {
        try call.checkFunction(1)
        let L = call.L
        let count = call.argumentCount
        lua_settop(L, count)
        guard let thread = lua_newthread(L) else { throw LuaRuntimeError("cannot create a coroutine") }
        guard lua_checkstack(thread, count + LUA_MINSTACK) != 0 else {
            throw LuaRuntimeError("too many arguments to task.spawn (\(count - 1))")
        }
        nextTaskID += 1
        let task = Task(id: nextTaskID, thread: thread)
        task.threadRef = luaL_ref(L, LG_REGISTRYINDEX)
        // fn and its arguments move to the new coroutine: nothing is copied onto L.
        lua_xmove(L, thread, count)
        Self.pushHandle(L, id: task.id)
        lua_pushvalue(L, -1)
        task.handleRef = luaL_ref(L, LG_REGISTRYINDEX)
        tasks[thread] = task
        tasksByID[task.id] = task
        resume(task, arguments: count - 1, from: L)
        lua_settop(L, 1)
        return .one
    }

    static let handleMetatable = "luagate.task"

    private static func pushHandle(_ L: OpaquePointer, id: Int) {
        let block = lua_newuserdatauv(L, MemoryLayout<Int64>.size, 1)!
        block.storeBytes(of: Int64(id), as: Int64.self)
        luaL_setmetatable(L, handleMetatable)
    }

    /// The id in the handle at `index`, or nil when the value is not a handle.
    private static func handleID(_ L: OpaquePointer, _ index: Int32) -> Int? {
        guard let block = luaL_testudata(L, index, handleMetatable) else { return nil }
        return Int(block.load(as: Int64.self))
    }

    /// `handle:await()`: the task's results, or its error raised again.
    func await(_ call: LuaCall) throws -> LuaReturn {
        let L = call.L
        guard let id = Self.handleID(L, 1) else { throw call.typeError(1, expected: "task") }
        if !Self.isDone(L, handle: 1) {
            guard let target = tasksByID[id] else {
                throw LuaRuntimeError("task \(id) was abandoned when its run was interrupted: it has no result")
            }
            unobservedFailures[id] = nil
            if let me = yieldableTask(L) {
                guard me !== target else { throw LuaRuntimeError("a task cannot await itself") }
                target.waiters.append(me)
                me.running = false
                return .yield(0)
            }
            try run(from: L) { Self.isDone(L, handle: 1) || tasksByID[id] == nil }
            guard Self.isDone(L, handle: 1) else {
                throw LuaRuntimeError("task \(id) was abandoned when its run was interrupted: it has no result")
            }
        }
        unobservedFailures[id] = nil
        return try Self.pushOutcome(call.stack, handle: 1)
    }

    private static func isDone(_ L: OpaquePointer, handle: Int32) -> Bool {
        defer { lua_settop(L, -2) }
        return lua_getiuservalue(L, handle, 1) == LUA_TTABLE
    }

    /// Pushes a finished task's results, or throws its error value (left on top).
    private static func pushOutcome(_ stack: LuaStack, handle: Int32) throws -> LuaReturn {
        let L = stack.L
        guard stack.ensure(3) else { throw LuaRuntimeError("stack overflow") }
        lua_getiuservalue(L, handle, 1)
        let outcome = stack.top
        let ok = stack.rawGet(table: outcome, key: "ok") == .boolean && lua_toboolean(L, -1) != 0
        stack.pop()
        if !ok {
            lua_rawgeti(L, outcome, 1)
            lua_rotate(L, outcome, -1)
            stack.pop()
            throw RaisedValue()
        }
        stack.rawGet(table: outcome, key: "n")
        let n = Int32(lua_tointegerx(L, -1, nil))
        stack.pop()
        guard stack.ensure(n + LUA_MINSTACK) else {
            stack.pop()
            throw LuaRuntimeError("too many results")
        }
        for i in 0..<n { lua_rawgeti(L, outcome, lua_Integer(i + 1)) }
        lua_rotate(L, outcome, -1)  // drop the outcome table: leave exactly n values
        stack.pop()
        return .results(n)
    }

    /// Resumes a task with `arguments` values on its stack.
    func resume(_ task: Task, arguments: Int32, from caller: OpaquePointer) {
        task.running = true
        task.resuming = true
        var results: Int32 = 0
        let status = lg_resume(task.thread, caller, arguments, &results)
        task.resuming = false
        if task.abandoned {
            // Abandoned (REPL Ctrl-C) while it ran: only its references are left to drop.
            release(task)
            return
        }
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

    /// Stores the outcome in the handle, closes the coroutine and wakes the waiters.
    /// Everything happens on `co`'s own stack, which holds the values already.
    func finish(_ task: Task, ok: Bool, results: Int32) {
        task.running = false
        let co = task.thread
        let count = ok ? results : 1
        let stack = LuaStack(co)
        // A few slots beyond the values: the outcome table, the handle, a traceback.
        guard stack.ensure(LUA_MINSTACK) else {
            fatalError("luagate: no stack left to keep the outcome of task \(task.id)")
        }
        var trace: String?
        if !ok && task.waiters.isEmpty {
            luaL_traceback(co, co, nil, 0)
            trace = stack.string(at: -1) ?? ""
            stack.pop()
        }
        // The handle's user value: {ok = true, n = count, values...} or {ok = false, n = 1, error}.
        let base = lua_gettop(co) - count
        stack.newTable(arrayCount: count, hashCount: 2)
        for i in 0..<count {
            lua_pushvalue(co, base + 1 + i)  // copied: closing reads the error where it is
            lua_rawseti(co, -2, lua_Integer(i + 1))
        }
        stack.push(ok)
        stack.rawSet(table: -2, key: "ok")
        stack.push(Int64(count))
        stack.rawSet(table: -2, key: "n")
        lua_rawgeti(co, LG_REGISTRYINDEX, lua_Integer(task.handleRef))
        lua_rotate(co, -2, 1)
        lua_setiuservalue(co, -2, 1)
        stack.pop()
        // As coroutine.close: to-be-closed variables a failed task left open are closed in
        // protected mode, and an error in one becomes the task's error.
        if lg_closethread(co) != LUA_OK && !ok {
            lua_rawgeti(co, LG_REGISTRYINDEX, lua_Integer(task.handleRef))
            lua_getiuservalue(co, -1, 1)
            lua_pushvalue(co, 1)  // the error after closing
            lua_rawseti(co, -2, 1)
        }
        lua_settop(co, 0)
        if let trace {
            Self.pushOutcomeTable(co, handleRef: task.handleRef)
            lua_rawgeti(co, -1, 1)
            unobservedFailures[task.id] = Self.describe(stack, at: -1) + "\n" + trace
            lua_settop(co, 0)
        }
        // Wake the tasks awaiting this one with (true, results...) or (false, err).
        for waiter in task.waiters {
            let w = waiter.thread
            if lua_checkstack(w, count + LUA_MINSTACK) != 0 {
                lua_pushboolean(w, ok ? 1 : 0)
                Self.pushOutcomeTable(w, handleRef: task.handleRef)
                let outcome = lua_gettop(w)
                for i in 0..<count { lua_rawgeti(w, outcome, lua_Integer(i + 1)) }
                lua_rotate(w, outcome - 1, -2)  // handle and outcome to the top, then dropped
                lua_settop(w, -3)
                runnable.append((waiter, 1 + count))
            } else if lua_checkstack(w, 2) != 0 {
                lua_pushboolean(w, 0)
                LuaStack(w).push("too many results to wake an awaiting task (\(count))")
                runnable.append((waiter, 2))
            }
        }
        task.waiters = []
        release(task)
    }

    /// Pushes the task's handle and its outcome table (2 values).
    private static func pushOutcomeTable(_ L: OpaquePointer, handleRef: Int32) {
        lua_rawgeti(L, LG_REGISTRYINDEX, lua_Integer(handleRef))
        lua_getiuservalue(L, -1, 1)
    }

    /// Drops the runtime's references to a task (its handle lives on in the script).
    func release(_ task: Task) {
        luaL_unref(L, LG_REGISTRYINDEX, task.handleRef)
        luaL_unref(L, LG_REGISTRYINDEX, task.threadRef)
        task.handleRef = LUA_NOREF
        task.threadRef = LUA_NOREF
        if tasks[task.thread] === task { tasks[task.thread] = nil }
        if tasksByID[task.id] === task { tasksByID[task.id] = nil }
    }

    private static func describe(_ stack: LuaStack, at index: Int32) -> String {
        let index = stack.absolute(index)
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

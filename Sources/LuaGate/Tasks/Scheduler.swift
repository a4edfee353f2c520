import CLua
import CLuaShim
import Dispatch
import LuaKit

#if canImport(Glibc)
import Glibc
#endif

/// Runs task coroutines on the Lua thread.
///
/// An operation (an API call, a sleep) started inside a task coroutine yields
/// that coroutine; when the operation completes, the scheduler resumes it with
/// the result. An operation started anywhere else (the main thread, a plain
/// user coroutine, a callback Lua cannot yield across) blocks: the scheduler
/// runs other tasks and completions until it is done. Async work never touches
/// the Lua state: completions come back through a queue that only the Lua
/// thread reads.
public final class Scheduler {
    final class Task {
        let id: Int
        let thread: OpaquePointer
        fileprivate var threadRef: Int32 = LUA_NOREF
        fileprivate var handleRef: Int32 = LUA_NOREF
        fileprivate var running = false
        fileprivate var waiters: [Task] = []
        init(id: Int, thread: OpaquePointer) {
            self.id = id
            self.thread = thread
        }
    }

    private enum Waiter {
        case task(Task)
        case blocking
    }

    private let L: OpaquePointer
    /// Most requests in flight at once, whatever the nesting of tasks.
    var maxInFlight: Int

    /// What a stop request (Ctrl-C, SIGTERM, --timeout) does to work in flight.
    public enum StopPolicy: Sendable {
        /// Abandon it: cancel requests in flight and forget every task (the REPL).
        case cancel
        /// Start nothing new, let requests in flight finish (`settle`) (scripts, batch jobs).
        case drain
    }

    var stopPolicy: StopPolicy = .drain
    private let completions = CompletionQueue()
    private var tasks: [OpaquePointer: Task] = [:]
    private var tasksByID: [Int: Task] = [:]
    private var nextTaskID = 0
    private var runnable: [(Task, Int32)] = []
    private var operations: [Int: (Operation, Waiter)] = [:]
    private var running: [Int: _Concurrency.Task<Void, Never>] = [:]
    private var nextOperationID = 0
    private var inFlight = 0
    private var waitingToStart: [Int] = []
    private var finished: [Int: Result<any Sendable, any Error>] = [:]
    private var unobservedFailures: [Int: String] = [:]

    init(L: OpaquePointer, maxInFlight: Int) {
        self.L = L
        self.maxInFlight = maxInFlight
    }

    /// The task whose coroutine is `L`, when that coroutine can yield now.
    func yieldableTask(_ L: OpaquePointer) -> Task? {
        guard let task = tasks[L], lua_isyieldable(L) != 0 else { return nil }
        return task
    }

    // MARK: - Operations

    /// Runs `operation` for a Swift function called from Lua: yields the
    /// calling task, or blocks when the caller cannot yield.
    func perform(_ call: LuaCall, _ operation: Operation) throws -> LuaReturn {
        if let stop = stopError() { throw stop }
        if let task = yieldableTask(call.L) {
            start(operation, for: .task(task))
            task.running = false
            return .yield(0)
        }
        let id = start(operation, for: .blocking)
        try run(from: call.L) { finished[id] != nil }
        switch finished.removeValue(forKey: id)! {
        case .success(let value): return .results(operation.push(call.stack, value))
        case .failure(let error): throw operation.failure(error)
        }
    }

    @discardableResult
    private func start(_ operation: Operation, for waiter: Waiter) -> Int {
        nextOperationID += 1
        let id = nextOperationID
        operations[id] = (operation, waiter)
        if operation.isRequest && inFlight >= maxInFlight {
            waitingToStart.append(id)
        } else {
            launch(id, operation)
        }
        return id
    }

    private func launch(_ id: Int, _ operation: Operation) {
        if operation.isRequest { inFlight += 1 }
        let completions = self.completions
        let work = operation.work
        running[id] = _Concurrency.Task {
            completions.post(.init(operation: id, result: await work()))
        }
    }

    /// Delivers one completion: to a blocked caller, or by resuming its task.
    private func deliver(_ completion: CompletionQueue.Completion) {
        running[completion.operation] = nil
        guard let (operation, waiter) = operations.removeValue(forKey: completion.operation) else { return }
        if operation.isRequest {
            inFlight -= 1
            while inFlight < maxInFlight, !waitingToStart.isEmpty, lg_stop_signal() == 0 {
                let next = waitingToStart.removeFirst()
                if let (op, _) = operations[next] { launch(next, op) }
            }
        }
        switch waiter {
        case .blocking:
            finished[completion.operation] = completion.result
        case .task(let task):
            let stack = LuaStack(task.thread)
            stack.ensure(LUA_MINSTACK)
            switch completion.result {
            case .success(let value):
                stack.push(true)
                runnable.append((task, 1 + operation.push(stack, value)))
            case .failure(let error):
                stack.push(false)
                Self.push(error: operation.failure(error), onto: stack)
                runnable.append((task, 2))
            }
        }
    }

    /// Runs tasks and delivers completions until `done` holds. Throws when
    /// nothing could ever make it hold (every task is waiting on another).
    func run(from caller: OpaquePointer, until done: () -> Bool) throws {
        while !done() {
            if let stop = stopError() { throw stop }
            if !runnable.isEmpty {
                let (task, count) = runnable.removeFirst()
                resume(task, arguments: count, from: caller)
            } else if operations.isEmpty {
                throw LuaRuntimeError("deadlock: waiting for a task that can never finish")
            } else if let completion = completions.take(timeout: .milliseconds(50)) {
                deliver(completion)
            }
        }
    }

    /// The error for a pending stop request, after acting on it by the policy.
    private func stopError() -> (any Error)? {
        let signal = lg_stop_signal()
        guard signal != 0 else { return nil }
        if stopPolicy == .cancel {
            lg_clear_stop(L)
            abandonAll()
        }
        return LuaRuntimeError(Self.stopMessage(signal))
    }

    static func stopMessage(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: return "terminated"
        case LG_STOP_TIMEOUT: return "timed out (--timeout)"
        default: return "interrupted!"
        }
    }

    /// After a stop: waits up to `grace` for the requests in flight (their
    /// journal lines and counts are written as they complete), then cancels
    /// what is left. Returns how many were cancelled.
    @discardableResult
    public func settle(grace: Duration) -> Int {
        let deadline = ContinuousClock.now + grace
        waitingToStart = []
        while inFlight > 0, ContinuousClock.now < deadline {
            if let completion = completions.take(timeout: .milliseconds(20)) { deliver(completion) }
        }
        let left = inFlight
        abandonAll()
        return left
    }

    /// After an interrupt: cancels every operation in flight and forgets every
    /// task (their coroutines are never resumed again).
    private func abandonAll() {
        for task in running.values { task.cancel() }
        running = [:]
        operations = [:]
        waitingToStart = []
        finished = [:]
        runnable = []
        inFlight = 0
        for task in tasksByID.values {
            luaL_unref(L, LG_REGISTRYINDEX, task.handleRef)
            luaL_unref(L, LG_REGISTRYINDEX, task.threadRef)
        }
        tasks = [:]
        tasksByID = [:]
    }

    /// Runs until every task has finished (at the end of a script).
    func drain(from caller: OpaquePointer) throws {
        try run(from: caller) { tasks.isEmpty && runnable.isEmpty }
    }

    /// Failures of tasks nobody awaited, with their tracebacks, by task id.
    func takeUnobservedFailures() -> [(Int, String)] {
        defer { unobservedFailures = [:] }
        return unobservedFailures.sorted { $0.key < $1.key }
    }

    private static func push(error: any Error, onto stack: LuaStack) {
        if let value = error as? any LuaErrorValue {
            value.push(onto: stack)
        } else if let argument = error as? LuaArgumentError, let object = argument.object {
            object.push(onto: stack)
        } else {
            stack.push(String(describing: error))
        }
    }
}

// MARK: - Tasks

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
            throw RaisedValue(stack: stack)
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
    private func resume(_ task: Task, arguments: Int32, from caller: OpaquePointer) {
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
    private func finish(_ task: Task, ok: Bool, results: Int32) {
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
    let stack: LuaStack
    func push(onto stack: LuaStack) {}  // already on top
}

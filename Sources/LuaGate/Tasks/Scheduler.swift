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
        var threadRef: Int32 = LUA_NOREF
        var handleRef: Int32 = LUA_NOREF
        /// False once it waits for an operation or another task (see `resume`).
        var running = false
        /// Its coroutine is on the C stack (being resumed) now.
        var resuming = false
        /// Forgotten by `abandonAll` while it was being resumed: released when it returns.
        var abandoned = false
        var waiters: [Task] = []
        init(id: Int, thread: OpaquePointer) {
            self.id = id
            self.thread = thread
        }
    }

    private enum Waiter {
        case task(Task)
        case blocking
    }

    let L: OpaquePointer
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
    /// Where operations run (the HTTP client's event loops, so a request and its response do
    /// not hop through Swift's global pool); `nil` for the global pool.
    var executor: (any TaskExecutor)?
    private let completions = CompletionQueue()
    var tasks: [OpaquePointer: Task] = [:]
    var tasksByID: [Int: Task] = [:]
    var nextTaskID = 0
    var runnable: [(Task, Int32)] = []
    private var operations: [Int: (Operation, Waiter)] = [:]
    private var running: [Int: _Concurrency.Task<Void, Never>] = [:]
    private var nextOperationID = 0
    private var inFlight = 0
    private var waitingToStart: [Int] = []
    private var finished: [Int: Result<any Sendable, any Error>] = [:]
    var unobservedFailures: [Int: String] = [:]

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
        running[id] = _Concurrency.Task(executorPreference: executor) {
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
    /// task (their coroutines are never resumed again). A task being resumed
    /// right now (it made the call that saw the stop) is released when its
    /// resume returns, not here: its references are dropped exactly once.
    private func abandonAll() {
        for task in running.values { task.cancel() }
        running = [:]
        operations = [:]
        waitingToStart = []
        finished = [:]
        runnable = []
        inFlight = 0
        let all = Array(tasksByID.values)
        tasks = [:]
        tasksByID = [:]
        for task in all {
            task.waiters = []
            if task.resuming {
                task.abandoned = true
            } else {
                release(task)
            }
        }
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

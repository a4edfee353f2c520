import CLua
import CLuaShim
import LuaKit
import NgrokAI

/// The luagate runtime: a Lua state with the standard libraries and the
/// luagate globals (`providerKeys`, `json`), and the API client behind them.
///
/// The HTTP client is created at the first API call, so scripts that make
/// none start as fast as `lua5.4` and need no token.
public final class Runtime {
    /// The Lua state; use it from one thread only.
    public let lua: LuaState
    /// How to reach the API; read at the first API call.
    public var api: NgrokAIConfiguration

    private var client: NgrokAIClient?
    /// Runs tasks and waits for API calls.
    let scheduler: Scheduler
    /// The rules and counts of this run's mutations.
    public let job: JobControl
    /// Default `concurrency` of `task.map`.
    public var concurrency: Int
    /// The secrets this run sent or received.
    public let secrets = SecretLedger()


    /// Creates the state. With `ignoreEnvironment` (`-E`), `LUA_PATH` and
    /// `LUA_CPATH` are ignored, as `lua5.4 -E` does.
    public init(
        api: NgrokAIConfiguration, job: JobControl, ignoreEnvironment: Bool = false,
        concurrency: Int = 8, maxInFlight: Int = 64
    ) {
        self.api = api
        self.job = job
        self.concurrency = concurrency
        lua = LuaState(openLibraries: false)
        scheduler = Scheduler(L: lua.L, maxInFlight: maxInFlight)
        scheduler.executor = EventLoopTaskExecutor.shared
        if ignoreEnvironment {
            lua.stack.push(true)
            lua_setfield(lua.L, LG_REGISTRYINDEX, "LUA_NOENV")
        }
        luaL_openlibs(lua.L)
        lg_install_coroutine(lua.L)  // a stop reaches plain coroutines too
        installLibraries()
    }

    /// The API client, created on first use.
    func apiClient() -> NgrokAIClient {
        if let client { return client }
        let made = NgrokAIClient(configuration: api)
        client = made
        return made
    }

    /// Runs the tasks still pending after the main chunk, then reports the
    /// failures of tasks that nobody awaited; returns false if there were any.
    public func finishTasks(report: (String) -> Void) throws -> Bool {
        try scheduler.drain(from: lua.L)
        let failures = scheduler.takeUnobservedFailures()
        for (id, failure) in failures {
            report("task \(id) failed and was never awaited: \(failure)")
        }
        return failures.isEmpty
    }

    /// What a stop request (Ctrl-C, SIGTERM, `--timeout`) does to work in flight.
    public var stopPolicy: Scheduler.StopPolicy {
        get { scheduler.stopPolicy }
        set { scheduler.stopPolicy = newValue }
    }

    /// After a stop: lets requests in flight finish for up to `grace`, then
    /// cancels the rest; returns how many were cancelled.
    public func settle(grace: Duration) -> Int { scheduler.settle(grace: grace) }

    /// Shuts the HTTP client down if one was created.
    public func shutdown() {
        try? client?.syncShutdown()
        client = nil
    }

    /// Runs an API call for a Swift function called by Lua: inside a task it
    /// yields until the response arrives, elsewhere it blocks (see `Scheduler`).
    /// `push` pushes the result and returns how many values it pushed. API
    /// failures become Lua error objects; validation failures become argument
    /// errors naming the field (`argument` maps a field to its argument number).
    func request<T: Sendable>(
        _ call: LuaCall,
        argument: @escaping (String?) -> Int32,
        _ body: @escaping @Sendable (NgrokAIClient) async throws -> T,
        push: @escaping (LuaStack, T) -> Int32
    ) throws -> LuaReturn {
        let client = apiClient()
        let operation = Operation.make(
            { try await body(client) }, push: push,
            failure: { error in
                if let drift = error as? DriftError { return ErrorObject(error: drift.error, current: drift.current) }
                guard let error = error as? NgrokAIError else { return error }
                return ErrorObject.raising(error, argument: argument)
            })
        return try scheduler.perform(call, operation)
    }
}

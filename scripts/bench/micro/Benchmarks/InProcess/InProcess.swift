import AsyncHTTPClient
import Benchmark
import FoundationEssentials
import NIOFoundationCompat
import NIOCore
import LuaGate
import LuaKit
import NgrokAI
import NgrokAICatalogue

/// Each benchmark calls one Lua function, made once, `scaledIterations` times:
/// - `request body`: `providerKeys.update(id, fields)` in a runtime with no token: the
///   arguments are read, checked against the catalogue and encoded as the PATCH body, and the
///   call stops where it would send (an `auth` error, caught by pcall);
/// - `response to table`: `json.decode` of a provider key as the API returns it: the response
///   decoder and the Lua table builder that every call's result goes through;
/// - `update end to end`: one `providerKeys.update` against fake-ngrok-ai on loopback
///   (another process): arguments, request, HTTP, response, Lua table;
/// - `AsyncHTTPClient PATCH`: the same PATCH sent with AsyncHTTPClient alone (its delegate
///   API, as the client uses it; body collected, nothing decoded), the floor the runtime
///   stands on;
/// - `… 16 at a time`: the last two with 16 requests in flight (`task.map` with concurrency
///   16; 16 tasks sending in turn), as the bulk benchmark of run.sh runs.
let benchmarks: @Sendable () -> Void = {
    // Each sample is 1,000 calls (CPU time is counted in 10 ms ticks); figures are per call.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(10))

    Benchmark("request body") { benchmark in
        try Bench.run("request body", benchmark, baseURL: "http://127.0.0.1:1", token: nil, """
            local fields = { name = "renamed", metadata = '{"team":"ml","env":"prod"}' }
            return function() pcall(providerKeys.update, "aigpk_0123456789", fields) end
            """)
    }

    Benchmark("response to table") { benchmark in
        try Bench.run("response to table", benchmark, baseURL: "http://127.0.0.1:1", token: nil, """
            local text = '{"id":"aigpk_2fX9Q0sJ1c","uri":"https://api.ngrok.ai/provider-keys/aigpk_2fX9Q0sJ1c",' ..
              '"providerId":"openai","name":"prod-openai-1","description":"production traffic",' ..
              '"metadata":"{\\\\"team\\\\":\\\\"ml\\\\"}","createdAt":"2026-11-02T10:00:00Z","updatedAt":"2026-11-30T08:00:00Z"}'
            return function() return json.decode(text) end
            """)
    }

    Benchmark("update end to end") { benchmark in
        try Bench.run("update end to end", benchmark, baseURL: Bench.serverURL, token: "bench", """
            local id = providerKeys.list({ limit = 1 })[1].id
            local fields = { name = "renamed" }
            return function() providerKeys.update(id, fields) end
            """)
    }

    Benchmark("update end to end, 16 at a time") { benchmark in
        try Bench.run("update end to end, 16 at a time", benchmark, baseURL: Bench.serverURL, token: "bench", batch: 16, """
            local id = providerKeys.list({ limit = 1 })[1].id
            local fields = { name = "renamed" }
            local items = {}
            for i = 1, 16 do items[i] = i end
            local function update() providerKeys.update(id, fields) end
            return function() task.map(items, update, { concurrency = 16 }) end
            """)
    }

    Benchmark("AsyncHTTPClient PATCH") { benchmark in
        try Bench.patch(benchmark, inFlight: 1)
    }

    Benchmark("AsyncHTTPClient PATCH, 16 at a time") { benchmark in
        try Bench.patch(benchmark, inFlight: 16)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum Bench {
    /// The fake API the request benchmarks talk to (a `fake-ngrok-ai --token bench` of its own,
    /// started by scripts/bench/micro.sh, so that its allocations are not counted here).
    static var serverURL: String {
        guard let url = ProcessInfo.processInfo.environment["LUAGATE_BENCH_URL"] else {
            fatalError("set LUAGATE_BENCH_URL to a fake-ngrok-ai --token bench (scripts/bench/micro.sh does)")
        }
        return url
    }

    /// Runs async work from the benchmark's synchronous body.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        try runBlocking(body)
    }

    /// One client for every sample, on the event loop luagate's client uses (the process ends
    /// when the benchmarks do).
    static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroup: EventLoopTaskExecutor.eventLoops, configuration: configuration)
    }()

    /// The PATCH of the end-to-end benchmarks, to the first key of the fake.
    static func patchRequest() throws -> HTTPClient.Request {
        let url = serverURL
        let id = try blocking { () async throws -> String in
            var list = HTTPClientRequest(url: url + "/provider-keys?limit=1")
            list.headers.add(name: "Authorization", value: "Bearer bench")
            let page = try await httpClient.execute(list, timeout: .seconds(10)).body.collect(upTo: 1 << 20)
            guard case .object(let members) = try JSONValue(parsing: Data(buffer: page)),
                case .array(let keys) = members["aiGatewayProviderKeys"], case .object(let first) = keys.first,
                case .string(let id) = first["id"]
            else { throw BenchError("the fake API has no provider key") }
            return id
        }
        return try HTTPClient.Request(
            url: url + "/provider-keys/" + id, method: .PATCH,
            headers: ["Authorization": "Bearer bench", "Content-Type": "application/json"],
            body: .byteBuffer(ByteBuffer(string: #"{"name":"renamed"}"#)))
    }

    /// Sends the PATCH `scaledIterations` times with AsyncHTTPClient alone, `inFlight` at once.
    static func patch(_ benchmark: Benchmark, inFlight: Int) throws {
        let request = try patchRequest()
        let client = httpClient
        let count = benchmark.scaledIterations.count
        benchmark.startMeasurement()
        try blocking {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<inFlight {
                    group.addTask {
                        for _ in stride(from: lane, to: count, by: inFlight) {
                            let task = client.execute(
                                request: request, delegate: ResponseAccumulator(request: request), eventLoop: .indifferent,
                                deadline: .now() + .seconds(10), logger: nil)
                            blackHole(try await task.futureResult.get())
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        benchmark.stopMeasurement()
    }

    /// Each benchmark's Lua state, made at its first sample, with the function to time at index 1
    /// (the state belongs to the benchmark thread).
    nonisolated(unsafe) static var states: [String: (Runtime, LuaState)] = [:]

    /// Times calls to the function that `setup` returns, run once in a runtime of its own; a
    /// function that makes `batch` API calls is called a `batch`th as often.
    static func run(
        _ name: String, _ benchmark: Benchmark, baseURL: String, token: String?, batch: Int = 1, _ setup: String
    ) throws {
        let lua = try states[name]?.1 ?? prepare(name, baseURL: baseURL, token: token, setup)
        benchmark.startMeasurement()
        for _ in 0..<(benchmark.scaledIterations.count / batch) {
            lua.stack.pushValue(at: 1)
            try lua.call(arguments: 0, results: 0)
        }
        benchmark.stopMeasurement()
    }

    private static func prepare(_ name: String, baseURL: String, token: String?, _ setup: String) throws -> LuaState {
        var api = NgrokAIConfiguration()
        api.baseURL = baseURL
        api.token = token
        api.maxConnectionsPerHost = 64  // as luagate sets it (one connection per request in flight)
        let runtime = Runtime(api: api, job: try JobControl(options: JobOptions()))
        let lua = runtime.lua
        try lua.load(setup, name: "=" + name)
        try lua.call(arguments: 0, results: 1)
        states[name] = (runtime, lua)
        return lua
    }
}

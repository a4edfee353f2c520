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
/// - `AsyncHTTPClient PATCH`: the same PATCH sent with AsyncHTTPClient alone (body read,
///   nothing decoded), the floor the runtime stands on.
let benchmarks: @Sendable () -> Void = {
    NIOSingletons.groupLoopCountSuggestion = 1  // as luagate runs
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

    Benchmark("AsyncHTTPClient PATCH") { benchmark in
        let client = Bench.httpClient
        let iterations = benchmark.scaledIterations
        let url = Bench.serverURL
        let request = try Bench.blocking { () async throws -> HTTPClientRequest in
            var list = HTTPClientRequest(url: url + "/provider-keys?limit=1")
            list.headers.add(name: "Authorization", value: "Bearer bench")
            let page = try await client.execute(list, timeout: .seconds(10)).body.collect(upTo: 1 << 20)
            guard case .object(let members) = try JSONValue(parsing: Data(buffer: page)),
                case .array(let keys) = members["aiGatewayProviderKeys"], case .object(let first) = keys.first,
                case .string(let id) = first["id"]
            else { throw BenchError("the fake API has no provider key") }
            var request = HTTPClientRequest(url: url + "/provider-keys/" + id)
            request.method = .PATCH
            request.headers.add(name: "Authorization", value: "Bearer bench")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"name":"renamed"}"#))
            return request
        }
        benchmark.startMeasurement()
        try Bench.blocking {
            for _ in iterations {
                let response = try await client.execute(request, timeout: .seconds(10))
                blackHole(try await response.body.collect(upTo: 1 << 20))
            }
        }
        benchmark.stopMeasurement()
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

    /// One client for every sample (the process ends when the benchmarks do).
    static let httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)

    /// Each benchmark's Lua state, made at its first sample, with the function to time at index 1
    /// (the state belongs to the benchmark thread).
    nonisolated(unsafe) static var states: [String: (Runtime, LuaState)] = [:]

    /// Times calls to the function that `setup` returns, run once in a runtime of its own.
    static func run(
        _ name: String, _ benchmark: Benchmark, baseURL: String, token: String?, _ setup: String
    ) throws {
        let lua = try states[name]?.1 ?? prepare(name, baseURL: baseURL, token: token, setup)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            lua.stack.pushValue(at: 1)
            try lua.call(arguments: 0, results: 0)
        }
        benchmark.stopMeasurement()
    }

    private static func prepare(_ name: String, baseURL: String, token: String?, _ setup: String) throws -> LuaState {
        var api = NgrokAIConfiguration()
        api.baseURL = baseURL
        api.token = token
        let runtime = Runtime(api: api, job: try JobControl(options: JobOptions()))
        let lua = runtime.lua
        try lua.load(setup, name: "=" + name)
        try lua.call(arguments: 0, results: 1)
        states[name] = (runtime, lua)
        return lua
    }
}

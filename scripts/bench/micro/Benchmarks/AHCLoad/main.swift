// AsyncHTTPClient alone, as luagate's client uses it (delegate API, one event loop, no
// tracing, no idle-read timer), sending the bulk benchmark's PATCHes: the floor under luagate's
// CPU per request, for scripts/bench/run.sh (the `ahc-c16` row).
//   ahc-load URL TOKEN COUNT [IN_FLIGHT]
// Lists one page of keys, sends COUNT PATCHes with IN_FLIGHT (16) at a time, and prints
// "RESULT count=N seconds=S p50_ms=X p99_ms=Y errors=E" like the other clients.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix

let arguments = CommandLine.arguments
guard arguments.count >= 4, let count = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: ahc-load URL TOKEN COUNT [IN_FLIGHT]\n".utf8))
    exit(2)
}
let (base, token) = (arguments[1], arguments[2])
let inFlight = arguments.count > 4 ? Int(arguments[4]) ?? 16 : 16

var configuration = HTTPClient.Configuration()
configuration.decompression = .disabled
configuration.tracing.tracer = nil
configuration.timeout = .init(connect: .seconds(5), read: nil)
configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: 1), configuration: configuration)
let headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]

func send(_ request: HTTPClient.Request) async throws -> HTTPClient.Response {
    try await client.execute(
        request: request, delegate: ResponseAccumulator(request: request), eventLoop: .indifferent,
        deadline: .now() + .seconds(30), logger: nil
    ).futureResult.get()
}

let listing = try await send(try HTTPClient.Request(url: base + "/provider-keys?limit=100", headers: headers))
let listed: Data = listing.body.map { Data(buffer: $0) } ?? Data()
let page = try JSONSerialization.jsonObject(with: listed) as? [String: Any]
let keys = page?["aiGatewayProviderKeys"] as? [[String: Any]] ?? []
let ids: [String] = keys.compactMap { $0["id"] as? String }
guard !ids.isEmpty else { fatalError("the server has no keys") }

let clock = ContinuousClock()
let started = clock.now
let (latencies, errors) = try await withThrowingTaskGroup(of: ([Duration], Int).self) { group in
    for lane in 0..<inFlight {
        group.addTask {
            var latencies: [Duration] = [], errors = 0
            for i in stride(from: lane, to: count, by: inFlight) {
                let request = try HTTPClient.Request(
                    url: base + "/provider-keys/" + ids[i % ids.count], method: .PATCH, headers: headers,
                    body: .byteBuffer(ByteBuffer(string: #"{"name":"ahc-\#(i)"}"#)))
                let t0 = clock.now
                if try await send(request).status != .ok { errors += 1 }
                latencies.append(clock.now - t0)
            }
            return (latencies, errors)
        }
    }
    var all: [Duration] = [], errors = 0
    for try await (latencies, failed) in group {
        all += latencies
        errors += failed
    }
    return (all, errors)
}
let seconds = clock.now - started
let sorted = latencies.sorted()
func ms(_ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let d = sorted[max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
    return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}
print(String(format: "RESULT count=%d seconds=%.4f p50_ms=%.3f p99_ms=%.3f errors=%d",
             sorted.count, Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18,
             ms(0.50), ms(0.99), errors))
try await client.shutdown()

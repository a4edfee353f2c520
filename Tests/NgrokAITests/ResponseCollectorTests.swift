import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Testing
import TestSupport

@testable import NgrokAI

/// One attempt on AsyncHTTPClient's delegate API: the response collected whole and within its
/// limit, and the "was the POST body ever asked for?" signal that decides whether a failed POST
/// may be repeated.
@Suite("Response collection and the sent-body probe")
struct ResponseCollectorTests {
    static let body = ByteBuffer(string: #"{"name":"n"}"#)

    static func withClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        // As the real client: a refused connection fails at once instead of being retried.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: EventLoopTaskExecutor.eventLoops, configuration: configuration)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    @Test func aRefusedConnectionNeverAsksForTheBody() async throws {
        try await Self.withClient { client in
            let probe = SentBodyProbe()
            let outcome = await NgrokAIClient.attempt(
                client, url: "http://127.0.0.1:1/provider-keys", method: .POST, headers: ["content-type": "application/json"],
                body: Self.body, probe: probe, deadline: .now() + .seconds(10), maxBytes: 1 << 20)
            guard case .failure(let failure, let afterHead) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                return
            }
            #expect(failure.kind == .notConnected)
            #expect(afterHead == nil)
            #expect(!probe.wasRead)
        }
    }

    @Test func aSentRequestAsksForItsBodyAndGetsTheWholeResponse() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed(name: "old")
            try await Self.withClient { client in
                let probe = SentBodyProbe()
                let outcome = await NgrokAIClient.attempt(
                    client, url: fake.server.baseURL + "/provider-keys/" + seeded.id, method: .PATCH,
                    headers: ["authorization": "Bearer \(fake.server.token)", "content-type": "application/json"],
                    body: Self.body, probe: probe, deadline: .now() + .seconds(10), maxBytes: 1 << 20)
                guard case .response(let status, let headers, let bytes) = outcome else {
                    Issue.record("expected a response, got \(outcome)")
                    return
                }
                #expect(status == .ok)
                #expect(headers.first(name: "content-length") == "\(bytes.readableBytes)")
                #expect(String(buffer: bytes).contains(#""name":"n""#))
                #expect(probe.wasRead)
                #expect(fake.server.account.all(.providerKeys).map(\.name) == ["n"])
            }
        }
    }

    @Test func aResponseOverTheLimitIsAnErrorAndNotRetried() async throws {
        try await FakeFixture.run(maxResponseBytes: 64) { fake in
            fake.seed(name: String(repeating: "n", count: 100))
            let error = try #require(await captureError { try await fake.client.list(.providerKeys) })
            #expect(error.code == NgrokAIError.Code.decode)
            #expect(error.message.contains("larger than 64 bytes"))
            #expect(error.attempts == 1)
            #expect(fake.server.requestLog.entries().count == 1)
        }
    }

    @Test func aResponseWithinTheLimitIsRead() async throws {
        try await FakeFixture.run(maxResponseBytes: 4096) { fake in
            let seeded = fake.seed(name: String(repeating: "n", count: 100))
            let key = TestRecord(try await fake.client.get(.providerKeys, id: seeded.id))
            #expect(key.name == seeded.name)
        }
    }
}

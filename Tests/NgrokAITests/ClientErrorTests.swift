import FakeNgrokAI
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import TestSupport

@testable import NgrokAI

/// How error responses and transport failures become `NgrokAIError`s.
@Suite("Client errors")
struct ClientErrorTests {
    @Test func notFound() async throws {
        try await FakeFixture.run { fake in
            let error = try #require(await captureError { try await fake.client.get(.providerKeys, id: "pk_missing") })
            #expect(error.status == 404)
            #expect(error.code == "ERR_NGROK_404")
            #expect(error.message == #"provider key "pk_missing" was not found"#)
            #expect(error.operation == "providerKeys.get")
            #expect(error.id == "pk_missing")
            #expect(error.attempts == 1)
            #expect(error.body?.contains("\"error_code\":\"ERR_NGROK_404\"") == true)
            #expect(error.description == #"providerKeys.get pk_missing: 404 ERR_NGROK_404: provider key "pk_missing" was not found"#)
            #expect(fake.server.requestLog.count == 1, "404 is not retried")
            #expect(fake.client.stats.failedCalls == 1)
        }
    }

    @Test func unauthorized() async throws {
        try await FakeFixture.run(token: "wrong-token") { fake in
            let error = try #require(await captureError { try await fake.client.list(.providerKeys) })
            #expect(error.status == 401)
            #expect(error.code == "ERR_NGROK_201")
            #expect(error.operation == "providerKeys.list" && error.id == nil)
            #expect(!error.description.contains("wrong-token"))
            #expect(fake.server.requestLog.count == 1, "401 is not retried")
        }
    }

    @Test func badRequest() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            // The API refuses a null name; the client lets the server decide.
            let error = try #require(
                await captureError { try await fake.client.update(.providerKeys, id: seeded.id, ["name": .null]) }
            )
            #expect(error.status == 400)
            #expect(error.code == "ERR_NGROK_400")
            #expect(error.message.contains("name must not be null"))
            #expect(error.operation == "providerKeys.update" && error.id == seeded.id)
            #expect(fake.server.requestLog.count == 1)
        }
    }

    @Test func rateLimitedUntilRetriesRunOut() async throws {
        let retry = RetryPolicy(maxRetries: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2), jitter: .none)
        try await FakeFixture.run(retry: retry) { fake in
            fake.server.faults.enqueue(.rateLimited(retryAfter: "0"), count: 10)
            let error = try #require(await captureError { try await fake.client.get(.providerKeys, id: "pk_1") })
            #expect(error.status == 429)
            #expect(error.code == "ERR_NGROK_429")
            #expect(error.retryAfter == "0")
            #expect(error.attempts == 3)
            #expect(fake.server.requestLog.count == 3)
            #expect(fake.client.stats.retries == 2)
        }
    }

    @Test func serverErrorUntilRetriesRunOut() async throws {
        let retry = RetryPolicy(maxRetries: 1, baseDelay: .milliseconds(1), jitter: .none)
        try await FakeFixture.run(retry: retry) { fake in
            fake.server.faults.enqueue(.status(500), count: 10)
            let error = try #require(await captureError { try await fake.client.list(.providerKeys) })
            #expect(error.status == 500)
            #expect(error.code == "ERR_NGROK_500")
            #expect(error.message == "injected failure with status 500")
            #expect(error.attempts == 2)
            #expect(fake.server.requestLog.count == 2)
        }
    }

    @Test func retryAfterBeyondTheDeadlineFailsAtOnce() async throws {
        // A client that waited would take the whole 120 s budget; one that gives up at once is
        // far under 60 s even when the test run keeps every thread busy.
        let retry = RetryPolicy(maxRetries: 4, baseDelay: .milliseconds(1), totalDeadline: .seconds(120))
        try await FakeFixture.run(retry: retry) { fake in
            fake.server.faults.enqueue(.rateLimited(retryAfter: "3600"), count: 1)
            let clock = ContinuousClock()
            let started = clock.now
            let error = try #require(await captureError { try await fake.client.list(.providerKeys) })
            #expect(error.status == 429 && error.retryAfter == "3600" && error.attempts == 1)
            #expect(clock.now - started < .seconds(60), "did not wait for a retry it could not make")
            #expect(fake.server.requestLog.count == 1)
        }
    }

    @Test func malformedSuccessBodyIsDecodeError() async throws {
        try await FakeFixture.run { fake in
            fake.server.faults.enqueue(.malformedBody, count: 1)
            let error = try #require(await captureError { try await fake.client.list(.providerKeys) })
            #expect(error.code == NgrokAIError.Code.decode)
            #expect(error.status == 200)
            #expect(error.operation == "providerKeys.list")
            #expect(error.message.contains("not valid JSON"))
            #expect(fake.server.requestLog.count == 1, "a decode failure is not retried")
        }
    }

    @Test func connectionRefused() async throws {
        // A fake that has shut down leaves a port nothing listens on.
        let server = try await FakeNgrokAIServer.start(configuration: .init(eventLoopThreads: 1))
        let baseURL = server.baseURL
        try await server.shutdown()

        let retry = RetryPolicy(maxRetries: 2, baseDelay: .milliseconds(1), jitter: .none)
        let client = NgrokAIClient(configuration: NgrokAIConfiguration(baseURL: baseURL, token: "t", retry: retry))
        defer { try? client.syncShutdown() }

        let get = try #require(await captureError { try await client.get(.providerKeys, id: "pk_1") })
        #expect(get.code == NgrokAIError.Code.network)
        #expect(get.status == nil)
        #expect(get.message.contains("refused"))
        #expect(get.operation == "providerKeys.get" && get.id == "pk_1")
        #expect(get.attempts == 3)
        #expect(get.description.hasPrefix("providerKeys.get pk_1: network: "))

        // Nothing was sent, so even a POST is retried.
        let create = try #require(
            await captureError {
                try await client.create(.providerKeys, ["providerId": "p", "name": "n", "value": "sk-SECRET"])
            }
        )
        #expect(create.code == NgrokAIError.Code.network)
        #expect(create.attempts == 3)
        #expect(!create.message.contains("outcome is unknown"))
        #expect(!"\(create)".contains("sk-SECRET"))
        #expect(client.stats.retries == 4)
    }

    @Test func validationFailuresSendNothing() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            let emoji255 = String(repeating: "🔑", count: 255)
            let accented256 = String(repeating: "é", count: 256)
            let client = fake.client

            let failures: [NgrokAIError?] = [
                await captureError {
                    try await client.create(.providerKeys, ["providerId": "openai", "name": .string(accented256), "value": "v"])
                },
                await captureError {
                    try await client.update(.providerKeys, id: seeded.id, ["name": .string(emoji255 + "x")])
                },
                await captureError {
                    try await client.update(.providerKeys, id: seeded.id, ["metadata": .string(String(repeating: "ü", count: 4097))])
                },
                await captureError { try await client.get(.providerKeys, id: "") },
                await captureError { try await client.list(.providerKeys, parameters: ["limit": 0]) },
                await captureError { try await client.perform(.providerKeys, action: "rotate", id: seeded.id, ["value": "", "name": "n"]) },
            ]
            #expect(failures.map { $0?.field } == ["name", "name", "metadata", "id", "limit", "value"])
            #expect(failures.allSatisfy { $0?.code == NgrokAIError.Code.validation && $0?.status == nil })
            #expect(failures[0]?.rule == "at most 255 characters (got 256)")
            #expect(fake.server.requestLog.count == 0)

            // Exactly 255 code points (1020 UTF-8 bytes) is accepted by the client and the API.
            let key = TestRecord(try await client.create(.providerKeys, ["providerId": "openai", "name": .string(emoji255), "value": "v"]))
            #expect(key.name == emoji255)
            #expect(fake.server.requestLog.count == 1)
        }
    }

    @Test func nonJSONErrorBody() {
        let client = NgrokAIClient(configuration: NgrokAIConfiguration(token: "t"))
        let endpoint = Endpoint(.providerKeys, "get", .GET, id: "pk_1")
        var headers = HTTPHeaders()
        headers.add(name: "Retry-After", value: "7")

        let html = client.statusError(
            endpoint, status: .badGateway, headers: headers,
            body: ByteBuffer(string: "<html><body>upstream\nfailed</body></html>"), attempts: 2
        )
        #expect(html.status == 502)
        #expect(html.code == NgrokAIError.Code.http)
        #expect(html.message == "HTTP 502 Bad Gateway: <html><body>upstream failed</body></html>")
        #expect(html.body == "<html><body>upstream\nfailed</body></html>")
        #expect(html.retryAfter == "7")
        #expect(html.attempts == 2)

        let empty = client.statusError(endpoint, status: .serviceUnavailable, headers: [:], body: ByteBuffer(), attempts: 1)
        #expect(empty.code == NgrokAIError.Code.http)
        #expect(empty.message == "HTTP 503 Service Unavailable")
        #expect(empty.body == nil)
        #expect(empty.description == "providerKeys.get pk_1: 503 http: HTTP 503 Service Unavailable")

        let jsonWithoutCode = client.statusError(
            endpoint, status: .conflict, headers: [:], body: ByteBuffer(string: #"{"message":"busy"}"#), attempts: 1)
        #expect(jsonWithoutCode.code == NgrokAIError.Code.http && jsonWithoutCode.message == "busy")

        let huge = client.statusError(
            endpoint, status: .internalServerError, headers: [:],
            body: ByteBuffer(repeating: UInt8(ascii: "x"), count: 200_000), attempts: 1)
        #expect(huge.body?.utf8.count == NgrokAIError.maxBodyBytes)
        #expect(huge.message.count < 300)
    }
}

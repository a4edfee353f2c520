import FakeNgrokAI
import Foundation
import NgrokAI
import Testing
import TestSupport

/// Which failures are retried, for which methods, against the fake's injected faults.
@Suite("Client retries")
struct ClientRetryTests {
    @Test func patchRetriedAfter503() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            fake.server.faults.enqueue(.serviceUnavailable, count: 1, method: "PATCH")
            let key = TestRecord(try await fake.client.update(.providerKeys, id: seeded.id, ["name": "after"]))
            #expect(key.name == "after")
            #expect(fake.server.requestLog.entries().map(\.status) == [503, 200])
            #expect(fake.client.stats.retries == 1)
            #expect(fake.client.stats.retriesByMethod == ["PATCH": 1])
            #expect(fake.client.stats.requestsSent == 2)
            #expect(fake.server.account.changeCount(.providerKeys, id: seeded.id) == 1)
        }
    }

    @Test(
        "idempotent methods retry 408/500/502/503/504",
        arguments: [408, 500, 502, 503, 504]
    )
    func retryableStatuses(status: Int) async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            fake.server.faults.enqueue(.status(status), count: 2)
            try await fake.client.delete(.providerKeys, id: seeded.id)
            #expect(fake.server.requestLog.entries().map(\.status) == [status, status, 204])
            #expect(fake.client.stats.retries == 2)
        }
    }

    @Test func createRetriedAfter429() async throws {
        try await FakeFixture.run { fake in
            fake.server.faults.enqueue(.rateLimited(retryAfter: "0"), count: 1, method: "POST")
            let key = TestRecord(try await fake.client.create(.providerKeys, ["providerId": "openai", "name": "n", "value": "sk-000000000001"]))
            #expect(fake.server.requestLog.entries().map(\.status) == [429, 201])
            #expect(fake.server.account.count(.providerKeys) == 1)
            #expect(fake.server.account.get(.providerKeys, id: key.id) != nil)
            #expect(fake.client.stats.retries == 1)
        }
    }

    @Test func retryAfterHTTPDateIsHonoured() async throws {
        try await FakeFixture.run { fake in
            // A date in the past means "now".
            fake.server.faults.enqueue(.rateLimited(retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT"), count: 1)
            _ = try await fake.client.list(.providerKeys)
            #expect(fake.server.requestLog.entries().map(\.status) == [429, 200])
        }
    }

    @Test(
        "POST is not retried on an error status other than 429",
        arguments: [500, 502, 503, 504, 408]
    )
    func createNotRetriedOnServerError(status: Int) async throws {
        try await FakeFixture.run { fake in
            fake.server.faults.enqueue(.status(status), count: 1, method: "POST")
            let error = try #require(
                await captureError {
                    try await fake.client.create(.providerKeys, ["providerId": "openai", "name": "n", "value": "v"])
                }
            )
            #expect(error.status == status && error.attempts == 1)
            #expect(fake.server.requestLog.count(method: "POST") == 1)
            #expect(fake.client.stats.retries == 0)
            #expect(fake.server.account.count(.providerKeys) == 0)
        }
    }

    @Test func rotateNotRetriedOn503() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            fake.server.faults.enqueue(.serviceUnavailable, count: 1)
            let error = try #require(
                await captureError {
                    try await fake.client.perform(.providerKeys, action: "rotate", id: seeded.id, ["value": "sk-x", "name": "n"])
                }
            )
            #expect(error.status == 503 && error.code == "ERR_NGROK_503" && error.operation == "providerKeys.rotate")
            #expect(fake.server.requestLog.count == 1)
        }
    }

    @Test func createWithDroppedResponseIsNotRepeated() async throws {
        try await FakeFixture.run { fake in
            fake.server.faults.enqueue(.dropResponseAfterApplying, count: 1, method: "POST")
            let error = try #require(
                await captureError {
                    try await fake.client.create(.providerKeys, ["providerId": "openai", "name": "n", "value": "sk-DROPPED-SECRET"])
                }
            )
            #expect(error.code == NgrokAIError.Code.network)
            #expect(error.status == nil)
            #expect(error.message.contains("outcome is unknown"))
            #expect(error.attempts == 1)
            #expect(!"\(error)".contains("sk-DROPPED-SECRET"))
            #expect(fake.server.account.count(.providerKeys) == 1, "applied exactly once")
            #expect(fake.server.account.mutationCount(.providerKeys, of: .created) == 1)
            #expect(fake.server.requestLog.count(method: "POST") == 1)
            #expect(fake.client.stats.retries == 0)
        }
    }

    @Test func rotateWithDroppedResponseIsNotRepeated() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            fake.server.faults.enqueue(.dropResponseAfterApplying, count: 1, method: "POST")
            let error = try #require(
                await captureError {
                    try await fake.client.perform(.providerKeys, action: "rotate", id: seeded.id, ["value": "sk-new", "name": "n"])
                }
            )
            #expect(error.code == NgrokAIError.Code.network && error.message.contains("outcome is unknown"))
            #expect(fake.server.account.mutationCount(.providerKeys, of: .action("rotate")) == 1)
            #expect(fake.server.account.secret(.providerKeys, id: seeded.id, field: "value") == "sk-new")
        }
    }

    @Test func patchWithDroppedResponseIsRetried() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            fake.server.faults.enqueue(.dropResponseAfterApplying, count: 1, method: "PATCH")
            let key = TestRecord(try await fake.client.update(.providerKeys, id: seeded.id, ["description": "d"]))
            #expect(key.description == "d")
            #expect(fake.server.requestLog.entries().map(\.status) == [0, 200])
            #expect(fake.client.stats.retries == 1)
        }
    }

    @Test func getRetriedAfterResetMidResponse() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            fake.server.faults.enqueue(.resetMidResponse, count: 2, method: "GET")
            let key = TestRecord(try await fake.client.get(.providerKeys, id: seeded.id))
            #expect(key.id == seeded.id)
            #expect(fake.server.requestLog.entries().map(\.status) == [0, 0, 200])
            #expect(fake.client.stats.retries == 2)
        }
    }

    @Test func resetMidResponseUntilRetriesRunOut() async throws {
        let retry = RetryPolicy(maxRetries: 1, baseDelay: .milliseconds(1), jitter: .none)
        try await FakeFixture.run(retry: retry) { fake in
            fake.server.faults.enqueue(.resetMidResponse, count: 5)
            let error = try #require(await captureError { try await fake.client.list(.providerKeys) })
            #expect(error.code == NgrokAIError.Code.network)
            #expect(error.status == nil)
            #expect(error.attempts == 2)
            #expect(error.message.contains("while reading the 200 response"))
        }
    }

    @Test func timeoutWithoutRetries() async throws {
        try await FakeFixture.run(retry: .none, requestTimeout: .milliseconds(200)) { fake in
            fake.server.faults.enqueue(.delay(milliseconds: 3_000), count: 1)
            let error = try #require(await captureError { try await fake.client.get(.providerKeys, id: "pk_slow") })
            #expect(error.code == NgrokAIError.Code.timeout)
            #expect(error.status == nil)
            #expect(error.operation == "providerKeys.get" && error.id == "pk_slow")
            #expect(error.attempts == 1)
            #expect(error.message.contains("no response within"))
        }
    }

    @Test func getRetriedAfterTimeout() async throws {
        // The retry must finish within the timeout, so it is generous for a loaded machine.
        try await FakeFixture.run(requestTimeout: .seconds(3)) { fake in
            let seeded = fake.seed()
            fake.server.faults.enqueue(.delay(milliseconds: 30_000), count: 1)
            let key = TestRecord(try await fake.client.get(.providerKeys, id: seeded.id))
            #expect(key.id == seeded.id)
            #expect(fake.client.stats.retries == 1)
            #expect(fake.client.stats.requestsSent == 2)
        }
    }

    @Test func createNotRetriedAfterTimeout() async throws {
        try await FakeFixture.run(requestTimeout: .milliseconds(300)) { fake in
            fake.server.faults.enqueue(.delay(milliseconds: 3_000), count: 1, method: "POST")
            let error = try #require(
                await captureError {
                    try await fake.client.create(.providerKeys, ["providerId": "openai", "name": "n", "value": "v"])
                }
            )
            #expect(error.code == NgrokAIError.Code.timeout)
            #expect(error.message.contains("outcome is unknown"))
            #expect(error.attempts == 1)
            #expect(fake.client.stats.requestsSent == 1)
        }
    }

    @Test func cancellationStopsPromptly() async throws {
        try await FakeFixture.run(requestTimeout: .seconds(60)) { fake in
            fake.server.faults.enqueue(.delay(milliseconds: 30_000), count: 1)
            let client = fake.client
            let clock = ContinuousClock()
            let started = clock.now
            let task = Task { try await client.list(.providerKeys) }
            // Cancel once the attempt is under way (polling the client's own counter, no sleeps).
            while client.stats.requestsSent == 0 { await Task.yield() }
            task.cancel()
            let error = try #require(await captureError { try await task.value })
            #expect(error.code == NgrokAIError.Code.cancelled)
            #expect(error.status == nil)
            #expect(error.attempts == 1)
            #expect(clock.now - started < .seconds(20))
        }
    }

    @Test func cancellationDuringBackoff() async throws {
        let retry = RetryPolicy(maxRetries: 3, baseDelay: .seconds(60), maxDelay: .seconds(60), jitter: .none)
        try await FakeFixture.run(retry: retry) { fake in
            fake.server.faults.enqueue(.serviceUnavailable, count: 5)
            let client = fake.client
            let clock = ContinuousClock()
            let started = clock.now
            let task = Task { try await client.list(.providerKeys) }
            // Wait (without sleeping) until the first 503 has been answered, then cancel the backoff.
            while fake.server.requestLog.count == 0 { await Task.yield() }
            task.cancel()
            let error = try #require(await captureError { try await task.value })
            #expect(error.code == NgrokAIError.Code.cancelled)
            #expect(clock.now - started < .seconds(30))
            #expect(fake.server.requestLog.count == 1)
        }
    }
}

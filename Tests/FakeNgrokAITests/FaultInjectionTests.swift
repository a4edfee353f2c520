import FakeNgrokAI
import Foundation
import Testing
import TestSupport

@Suite struct FaultInjectionTests {
    static var createBody: [String: Any] { ["providerId": "openai", "name": "n", "value": "sk-0123456789abcdef"] }

    @Test func scriptedRateLimitBurstWithVerbatimRetryAfter() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let httpDate = "Wed, 21 Oct 2026 07:28:00 GMT"
            server.faults.enqueue(.rateLimited(retryAfter: httpDate))
            server.faults.enqueue(.rateLimited(seconds: 3), count: 3)
            #expect(server.faults.pendingScriptedCount == 4)

            let first = try await client.get("/provider-keys")
            #expect(first.status == 429)
            #expect(first.header("Retry-After") == httpDate)
            #expect(first.errorBody?.errorCode == "ERR_NGROK_429")
            #expect(first.errorBody?.statusCode == 429)
            for _ in 0..<3 {
                let limited = try await client.post("/provider-keys", json: Self.createBody)
                #expect(limited.status == 429)
                #expect(limited.header("Retry-After") == "3")
            }
            #expect(server.account.count(.providerKeys) == 0, "rate-limited requests must not be applied")
            #expect(try await client.get("/provider-keys").status == 200)
            #expect(server.faults.injectedCount(of: .rateLimited) == 4)
            #expect(server.faults.pendingScriptedCount == 0)
        }
    }

    @Test func scriptedFaultsMatchMethodAndPathPrefix() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let key = server.account.seedKey(name: "k")
            server.faults.enqueue(.serviceUnavailable, method: "post")
            server.faults.enqueue(.status(502), pathPrefix: "/provider-keys/")

            #expect(try await client.get("/provider-keys").status == 200)
            let unavailable = try await client.post("/provider-keys", json: Self.createBody)
            #expect(unavailable.status == 503)
            #expect(unavailable.errorBody?.errorCode == "ERR_NGROK_503")
            #expect(server.account.count(.providerKeys) == 1)
            let badGateway = try await client.get("/provider-keys/\(key.id)")
            #expect(badGateway.status == 502)
            #expect(badGateway.errorBody?.errorCode == "ERR_NGROK_502")
            #expect(try await client.post("/provider-keys", json: Self.createBody).status == 201)
            #expect(server.account.count(.providerKeys) == 2)
            #expect(server.faults.injectedCount(of: .serviceUnavailable) == 1)
            #expect(server.faults.injectedCount(of: .status) == 1)
        }
    }

    @Test(arguments: [500, 502, 504, 408, 418])
    func anyStatusWithErrorBody(status: Int) async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            server.faults.enqueue(.status(status), method: "PATCH")
            let key = server.account.seedKey(name: "before")
            let response = try await client.patch("/provider-keys/\(key.id)", json: ["name": "after"])
            #expect(response.status == status)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.errorBody?.errorCode == "ERR_NGROK_\(status)")
            #expect(response.errorBody?.statusCode == status)
            #expect(server.account.get(.providerKeys, id: key.id)?.name == "before")
            #expect(server.requestLog.last?.status == status)
            #expect(server.requestLog.last?.fault == .status(status))
        }
    }

    @Test func malformedBodyIsA200WithInvalidJSON() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            server.faults.enqueue(.malformedBody, count: 2)
            let list = try await client.get("/provider-keys")
            #expect(list.status == 200)
            #expect(list.header("Content-Type") == "application/json")
            #expect(!list.body.isEmpty)
            #expect(throws: (any Error).self) { try list.json() }
            let create = try await client.post("/provider-keys", json: Self.createBody)
            #expect(create.status == 200)
            #expect(throws: (any Error).self) { try create.json() }
            #expect(server.account.count(.providerKeys) == 0, "a malformed response's request is not applied")
            #expect(server.faults.injectedCount(of: .malformedBody) == 2)
        }
    }

    @Test func resetMidResponseClosesTheConnectionAfterPartOfTheBody() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            server.faults.enqueue(.resetMidResponse)
            let error = await #expect(throws: TestHTTPError.self) {
                _ = try await client.post("/provider-keys", json: Self.createBody)
            }
            guard case .connectionClosed(let partial)? = error else {
                Issue.record("expected connectionClosed, got \(String(describing: error))")
                return
            }
            let head = try #require(partial)
            #expect(head.status == 200)
            let promised = try #require(head.header("Content-Length").flatMap { Int($0) })
            #expect(head.body.count < promised)
            #expect(server.account.count(.providerKeys) == 0)
            #expect(server.requestLog.last?.status == 0)
            #expect(server.faults.injectedCount(of: .resetMidResponse) == 1)
            #expect(try await client.post("/provider-keys", json: Self.createBody).status == 201)
        }
    }

    @Test func dropResponseAfterApplyingAppliesTheMutation() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            server.faults.enqueue(.dropResponseAfterApplying, method: "POST")
            let error = await #expect(throws: TestHTTPError.self) {
                _ = try await client.post("/provider-keys", json: Self.createBody)
            }
            guard case .connectionClosed(let partial)? = error else {
                Issue.record("expected connectionClosed, got \(String(describing: error))")
                return
            }
            #expect(partial == nil, "no byte of the response is sent")
            #expect(server.account.count(.providerKeys) == 1, "the create was applied")
            let id = try #require(server.account.all(.providerKeys).first?.id)
            #expect(server.account.history(.providerKeys, id: id).map(\.kind) == [.created])
            #expect(server.requestLog.last?.status == 0)
            #expect(server.requestLog.last?.fault == .dropResponseAfterApplying)
            #expect(server.faults.injectedCount(of: .dropResponseAfterApplying) == 1)
        }
    }

    @Test func respondLateAppliesAtOnceAndAnswersAfterTheDelay() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let clock = ContinuousClock()
            server.faults.enqueue(.respondLate(milliseconds: 300), method: "POST")
            let start = clock.now
            let response = try await client.post("/provider-keys", json: Self.createBody)
            #expect(response.status == 201)
            #expect(clock.now - start >= .milliseconds(300))
            #expect(server.account.count(.providerKeys) == 1)
            #expect(server.requestLog.last?.fault == .respondLate(milliseconds: 300))
            #expect(server.faults.injectedCount(of: .respondLate) == 1)
        }
    }

    @Test func delayAndLatencyAreAddedWithoutBlockingTheEventLoop() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let clock = ContinuousClock()
            server.faults.enqueue(.delay(milliseconds: 200))
            var start = clock.now
            #expect(try await client.get("/provider-keys").status == 200)
            #expect(clock.now - start >= .milliseconds(200))
            #expect(server.faults.injectedCount(of: .delay) == 1)

            server.faults.latencyMilliseconds = 300
            #expect(server.faults.latency == .milliseconds(300))
            // 10 concurrent requests on a one-thread event loop: the latencies overlap.
            start = clock.now
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await client.get("/provider-keys").status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = clock.now - start
            #expect(statuses == Array(repeating: 200, count: 10))
            #expect(elapsed >= .milliseconds(300))
            // Served one at a time, each answer would come 300 ms after the previous one at the
            // earliest. Counted on the server's clock, so a busy machine does not fail the test.
            let answered = server.requestLog.entries().suffix(10).map(\.receivedAt).sorted()
            let together = zip(answered, answered.dropFirst()).filter { $1.timeIntervalSince($0) < 0.25 }.count
            #expect(together >= 5, "latency must not be served one request at a time (\(together) of 9 answers together)")
        }
    }

    @Test func faultsSpareUnauthenticatedRequests() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, _) async throws in
            server.faults.enqueue(.serviceUnavailable)
            let anonymous = TestHTTPClient(port: server.port, token: nil)
            #expect(try await anonymous.get("/provider-keys").status == 401)
            #expect(server.faults.pendingScriptedCount == 1)
        }
    }

    @Test func probabilisticFaultsAtCertainty() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let key = server.account.seedKey(name: "k")
            server.faults.rateLimitedFraction = 1
            let limited = try await client.get("/provider-keys")
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "1")
            server.faults.retryAfterSeconds = 7
            #expect(try await client.get("/provider-keys").header("Retry-After") == "7")

            server.faults.rateLimitedFraction = 0
            server.faults.serviceUnavailableFraction = 1
            #expect(try await client.get("/provider-keys").status == 503)

            server.faults.serviceUnavailableFraction = 0
            server.faults.malformedBodyFraction = 1
            await #expect(throws: (any Error).self) { try await client.get("/provider-keys").json() }

            server.faults.malformedBodyFraction = 0
            server.faults.resetMidResponseFraction = 1
            await #expect(throws: TestHTTPError.self) { _ = try await client.get("/provider-keys") }

            server.faults.resetMidResponseFraction = 0
            server.faults.dropResponseAfterApplyingFraction = 1
            await #expect(throws: TestHTTPError.self) {
                _ = try await client.patch("/provider-keys/\(key.id)", json: ["name": "dropped but applied"])
            }
            #expect(server.account.get(.providerKeys, id: key.id)?.name == "dropped but applied")

            // A scripted fault wins over the probabilistic ones.
            server.faults.enqueue(.status(500))
            #expect(try await client.get("/provider-keys").status == 500)

            server.faults.reset()
            #expect(try await client.get("/provider-keys").status == 200)
            #expect(server.faults.injectedCount(of: .rateLimited) == 2)
            #expect(server.faults.totalInjectedCount == 7)
            server.faults.reset(clearCounts: true)
            #expect(server.faults.totalInjectedCount == 0)
        }
    }

    /// The same seed and request sequence give the same faults.
    @Test func probabilisticFaultsAreDeterministicForASeed() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            try await withFakeNgrokAIServer(testConfiguration(seed: seed)) { (server, _) async throws in
                server.faults.rateLimitedFraction = 0.3
                server.faults.serviceUnavailableFraction = 0.2
                let connection = try await TestHTTPConnection.connect(port: server.port)
                var result: [Int] = []
                for _ in 0..<200 {
                    let response = try await connection.send(
                        method: "GET", path: "/provider-keys", headers: [("Authorization", "Bearer fake-token")])
                    result.append(response.status)
                }
                await connection.close()
                #expect(server.faults.injectedCount(of: .rateLimited) == result.filter { $0 == 429 }.count)
                #expect(server.faults.injectedCount(of: .serviceUnavailable) == result.filter { $0 == 503 }.count)
                return result
            }
        }
        let first = try await statuses(seed: 42)
        #expect(try await statuses(seed: 42) == first)
        #expect(try await statuses(seed: 43) != first)
        let limited = first.filter { $0 == 429 }.count
        let unavailable = first.filter { $0 == 503 }.count
        #expect((30...90).contains(limited), "\(limited) of 200 at 30%")
        #expect((15...65).contains(unavailable), "\(unavailable) of 200 at 20%")
        #expect(first.filter { $0 == 200 }.count == 200 - limited - unavailable)
    }
}

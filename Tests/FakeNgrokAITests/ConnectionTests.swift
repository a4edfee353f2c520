import FakeNgrokAI
import Foundation
import Testing
import TestSupport

@Suite struct ConnectionTests {
    static let auth = [("Authorization", "Bearer fake-token")]

    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, _) async throws in
            let connection = try await TestHTTPConnection.connect(port: server.port)
            for index in 0..<50 {
                let body = try jsonBytes(["providerId": "openai", "name": "k\(index)", "value": "sk-0123456789abcdef"])
                let created = try await connection.send(method: "POST", path: "/provider-keys", headers: Self.auth, body: body)
                #expect(created.status == 201)
                #expect(created.header("Connection") == nil)
                let listed = try await connection.send(method: "GET", path: "/provider-keys?limit=1", headers: Self.auth)
                #expect(listed.status == 200)
                // Errors keep the connection too.
                #expect(try await connection.send(method: "GET", path: "/nope", headers: Self.auth).status == 404)
            }
            #expect(connection.isActive)
            #expect(server.account.count(.providerKeys) == 50)
            await connection.close()
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, _) async throws in
            let connection = try await TestHTTPConnection.connect(port: server.port)
            let response = try await connection.send(
                method: "GET", path: "/provider-keys", headers: Self.auth + [("Connection", "close")])
            #expect(response.status == 200)
            #expect(response.header("Connection")?.lowercased() == "close")
            await connection.waitUntilClosed()
            #expect(!connection.isActive)
        }
    }

    @Test func concurrentConnections() async throws {
        try await withFakeNgrokAIServer(FakeNgrokAIConfiguration(initialKeys: SampleAccount.make(count: 30), eventLoopThreads: 2)) { (server, _) async throws in
            let port = server.port
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let connection = try await TestHTTPConnection.connect(port: port)
                        var statuses: [Int] = []
                        for _ in 0..<40 {
                            statuses.append(try await connection.send(method: "GET", path: "/provider-keys?limit=10", headers: Self.auth).status)
                        }
                        await connection.close()
                        return statuses
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count == 640)
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(server.requestLog.count(method: "GET") == 640)
        }
    }

    @Test func shutdownClosesOpenConnections() async throws {
        let server = try await FakeNgrokAIServer.start(configuration: testConfiguration())
        let connection = try await TestHTTPConnection.connect(port: server.port)
        #expect(try await connection.send(method: "GET", path: "/provider-keys", headers: Self.auth).status == 200)
        try await server.shutdown()
        await connection.waitUntilClosed()
        #expect(!connection.isActive)
        await #expect(throws: (any Error).self) { _ = try await TestHTTPConnection.connect(port: server.port) }
    }
}

import FakeNgrokAI
import Foundation
import Testing
import TestSupport

@Suite struct RequestLogTests {
    @Test func recordsMethodURIPathHeadersBodyAndStatus() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let body = try jsonBytes(["providerId": "openai", "name": "logged", "value": "sk-0123456789abcdef"])
            let created = try await client.send(
                method: "POST", path: "/provider-keys", headers: [("Content-Type", "application/json"), ("X-Trace", "t-1")], body: body)
            #expect(created.status == 201)
            _ = try await client.get("/provider-keys/aigpk_missing%2Fid?x=1")
            _ = try await TestHTTPClient(port: server.port, token: nil).get("/provider-keys?limit=5")

            let entries = server.requestLog.entries()
            #expect(entries.count == 3)
            #expect(entries[0].method == "POST")
            #expect(entries[0].uri == "/provider-keys")
            #expect(entries[0].body == body)
            #expect(entries[0].bodyText.contains("logged"))
            #expect(entries[0].status == 201)
            #expect(entries[0].header("x-trace") == "t-1")
            #expect(entries[0].header("Authorization") == "Bearer fake-token")
            #expect(entries[0].fault == nil)
            #expect(entries[1].method == "GET")
            #expect(entries[1].uri == "/provider-keys/aigpk_missing%2Fid?x=1")
            #expect(entries[1].path == "/provider-keys/aigpk_missing/id")
            #expect(entries[1].status == 404)
            #expect(entries[1].body.isEmpty)
            #expect(entries[2].status == 401)
            #expect(entries[2].header("Authorization") == nil)

            #expect(server.requestLog.count(method: "GET") == 2)
            #expect(server.requestLog.count(method: "post") == 1)
            #expect(server.requestLog.count(method: "DELETE") == 0)
            server.requestLog.clear()
            #expect(server.requestLog.entries().isEmpty)
            #expect(server.requestLog.count == 0)
        }
    }

    @Test func capacityKeepsTheMostRecent() async throws {
        var configuration = testConfiguration()
        configuration.requestLogCapacity = 2
        try await withFakeNgrokAIServer(configuration) { (server, client) async throws in
            for index in 0..<3 {
                _ = try await client.get("/provider-keys?n=\(index)")
            }
            #expect(server.requestLog.capacity == 2)
            #expect(server.requestLog.entries().map(\.uri) == ["/provider-keys?n=1", "/provider-keys?n=2"])
            #expect(server.requestLog.totalCount == 3)
        }
    }

    @Test func seedingReplacesARecordAndItsRendering() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let key = server.account.seedKey(name: "before")
            #expect(try await client.get("/provider-keys/\(key.id)").json()["name"] as? String == "before")
            server.account.seedKey(id: key.id, name: "after")
            #expect(try await client.get("/provider-keys/\(key.id)").json()["name"] as? String == "after")
            #expect(try await client.get("/provider-keys").records().first?["name"] as? String == "after")
            #expect(server.account.count(.providerKeys) == 1)
        }
    }
}

import FakeNgrokAI
import Foundation
import NgrokAI
import Testing
import TestSupport

/// Exact requests on the wire, and responses decoded, against the fake over loopback HTTP.
@Suite("Client requests")
struct ClientRequestTests {
    func expectStandardHeaders(
        _ request: RecordedRequest, hasBody: Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(request.header("Authorization") == "Bearer fake-token", sourceLocation: sourceLocation)
        #expect(request.header("Accept") == "application/json", sourceLocation: sourceLocation)
        #expect(request.header("User-Agent") == FakeFixture.userAgent, sourceLocation: sourceLocation)
        if hasBody {
            #expect(request.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
            #expect(request.header("Content-Length") == "\(request.body.count)", sourceLocation: sourceLocation)
        } else {
            #expect(request.header("Content-Type") == nil, sourceLocation: sourceLocation)
            #expect(request.body.isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test func getSendsExactRequestAndDecodes() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed(name: "prod", description: "main key", metadata: #"{"team":"ml"}"#)
            let key = TestRecord(try await fake.client.get(.providerKeys, id: seeded.id))

            let log = fake.server.requestLog.entries()
            try #require(log.count == 1)
            #expect(log[0].method == "GET")
            #expect(log[0].uri == "/provider-keys/\(seeded.id)")
            #expect(log[0].status == 200)
            expectStandardHeaders(log[0], hasBody: false)

            #expect(key.id == seeded.id)
            #expect(key.name == "prod")
            #expect(key.description == "main key")
            #expect(key.metadata == #"{"team":"ml"}"#)
            #expect(key.providerId == "openai")
            #expect(key.keyRedacted == seeded.keyRedacted)
            #expect(key.uri == fake.server.baseURL + "/provider-keys/" + seeded.id)
            #expect(key["createdBy"]?["id"] == .string(AccountStore.defaultUserID))
            #expect(key.lastUsed == nil)
            #expect(key.fields["lastUsed"] == .null)
            #expect(key.fields["id"] == .string(seeded.id))
            #expect(key.fields.count == 12)
        }
    }

    static let oddIDs: [(id: String, encoded: String)] = [
        ("a/b", "a%2Fb"),
        ("what?x=1", "what%3Fx%3D1"),
        ("hash#tag", "hash%23tag"),
        ("100%", "100%25"),
        ("with space", "with%20space"),
        ("é", "%C3%A9"),
        ("../up", "..%2Fup"),
        ("..", "%2E%2E"),
        ("a/b?c#d%e f/é+", "a%2Fb%3Fc%23d%25e%20f%2F%C3%A9%2B"),
    ]

    @Test("ids are sent as one encoded segment", arguments: oddIDs)
    func oddIDsKeepThePath(id: String, encoded: String) async throws {
        try await FakeFixture.run { fake in
            fake.seed(id: id, name: "odd")
            let client = fake.client

            let got = TestRecord(try await client.get(.providerKeys, id: id))
            #expect(got.id == id)
            let updated = TestRecord(try await client.update(.providerKeys, id: id, ["name": "renamed"]))
            #expect(updated.id == id && updated.name == "renamed")
            let rotated = TestRecord(try await client.perform(.providerKeys, action: "rotate", id: id, ["value": "sk-new-value-123456", "name": "r"]))
            #expect(rotated.id == id)
            try await client.delete(.providerKeys, id: id)

            let log = fake.server.requestLog.entries()
            #expect(log.map(\.method) == ["GET", "PATCH", "POST", "DELETE"])
            #expect(
                log.map(\.uri) == [
                    "/provider-keys/\(encoded)", "/provider-keys/\(encoded)", "/provider-keys/\(encoded)/rotate",
                    "/provider-keys/\(encoded)",
                ]
            )
            #expect(log.map(\.path) == ["/provider-keys/\(id)", "/provider-keys/\(id)", "/provider-keys/\(id)/rotate", "/provider-keys/\(id)"])
            #expect(log.map(\.status) == [200, 200, 200, 204])
            #expect(fake.server.account.get(.providerKeys, id: id) == nil)
        }
    }

    @Test func createSendsExactlyTheGivenFields() async throws {
        try await FakeFixture.run { fake in
            let before = fake.server.account.count(.providerKeys)
            let key = TestRecord(try await fake.client.create(.providerKeys, ["providerId": "anthropic", "name": "new", "value": "sk-ant-secret-0001", "metadata": "m"]))
            let log = fake.server.requestLog.entries()
            try #require(log.count == 1)
            #expect(log[0].method == "POST")
            #expect(log[0].uri == "/provider-keys")
            expectStandardHeaders(log[0], hasBody: true)
            #expect(
                log[0].json == ["providerId": "anthropic", "name": "new", "value": "sk-ant-secret-0001", "metadata": "m"]
            )
            #expect(log[0].json?["description"] == nil, "absent fields are not sent")

            #expect(fake.server.account.count(.providerKeys) == before + 1)
            #expect(fake.server.account.secret(.providerKeys, id: key.id, field: "value") == "sk-ant-secret-0001")
            #expect(key.providerId == "anthropic" && key.name == "new" && key.metadata == "m")
            #expect(key.description == nil)
            #expect(key.keyRedacted != nil && key.keyRedacted != "sk-ant-secret-0001")
        }
    }

    @Test func updateSendsSetClearAndOmitsUnchanged() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed(name: "old", description: "desc", metadata: "meta")
            let key = TestRecord(try await fake.client.update(.providerKeys, id: seeded.id, ["name": "new", "description": .null]))
            let request = try #require(fake.server.requestLog.entries().first)
            #expect(request.method == "PATCH")
            #expect(request.uri == "/provider-keys/\(seeded.id)")
            expectStandardHeaders(request, hasBody: true)
            let body = try #require(request.json?.objectValue)
            #expect(body == ["name": .string("new"), "description": .null])
            #expect(body.keys.contains("description") && !body.keys.contains("metadata"))

            #expect(key.name == "new" && key.description == nil && key.metadata == "meta")
            #expect(fake.server.account.get(.providerKeys, id: seeded.id)?.description == nil)
        }
    }

    @Test func emptyUpdateSendsEmptyObject() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            _ = try await fake.client.update(.providerKeys, id: seeded.id, [:])
            #expect(fake.server.requestLog.entries().first?.json == .object([:]))
        }
    }

    @Test func rotateSendsValueAndName() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            let key = TestRecord(try await fake.client.perform(.providerKeys, action: "rotate", id: seeded.id, ["value": "sk-rotated-000000001", "name": "rotated"]))
            let request = try #require(fake.server.requestLog.entries().first)
            #expect(request.method == "POST" && request.uri == "/provider-keys/\(seeded.id)/rotate")
            expectStandardHeaders(request, hasBody: true)
            #expect(request.json == ["value": "sk-rotated-000000001", "name": "rotated"])
            #expect(key.name == "rotated")
            #expect(fake.server.account.secret(.providerKeys, id: seeded.id, field: "value") == "sk-rotated-000000001")
        }
    }

    @Test func deleteSendsNoBody() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            try await fake.client.delete(.providerKeys, id: seeded.id)
            let request = try #require(fake.server.requestLog.entries().first)
            #expect(request.method == "DELETE" && request.uri == "/provider-keys/\(seeded.id)" && request.status == 204)
            expectStandardHeaders(request, hasBody: false)
            #expect(fake.server.account.count(.providerKeys) == 0)
        }
    }

    @Test func listQueryAndPagination() async throws {
        try await FakeFixture.run { fake in
            for index in 0..<7 { fake.seed(name: "k\(index)") }
            fake.server.account.seedKey(providerId: "anthropic", name: "other")
            let expected = fake.server.account.all(.providerKeys).filter { $0.providerId == "openai" }.map(\.id)

            var page = try await fake.client.list(.providerKeys, parameters: ["provider": "openai", "limit": 3])
            var ids = page.records.map { $0["id"]?.stringValue ?? "" }
            var pages = 1
            while let next = page.nextPageURI {
                page = try await fake.client.list(.providerKeys, nextPageURI: next)
                ids += page.records.map { $0["id"]?.stringValue ?? "" }
                pages += 1
            }
            #expect(ids == expected)
            #expect(pages == 3)

            let log = fake.server.requestLog.entries()
            #expect(log.count == 3)
            #expect(log.allSatisfy { $0.method == "GET" && $0.body.isEmpty })
            #expect(log[0].uri == "/provider-keys?limit=3&provider=openai")
            #expect(log[1].uri.hasPrefix("/provider-keys?") && log[1].uri.contains("beforeId="))
            for request in log { expectStandardHeaders(request, hasBody: false) }
        }
    }

    @Test func listEncodesQueryValues() async throws {
        try await FakeFixture.run { fake in
            let page = try await fake.client.list(.providerKeys, parameters: ["provider": "a b&c=d/é", "limit": 100, "beforeId": "x?y#z"])
            #expect(page.records.isEmpty && page.nextPageURI == nil)
            let request = try #require(fake.server.requestLog.entries().first)
            #expect(request.uri == "/provider-keys?beforeId=x%3Fy%23z&limit=100&provider=a%20b%26c%3Dd%2F%C3%A9")
        }
    }

    @Test func nextPageURIOnAnotherOriginIsRefused() async throws {
        try await FakeFixture.run { fake in
            let port = fake.server.port
            for uri in [
                "http://127.0.0.2:\(port)/provider-keys?beforeId=x",
                "https://127.0.0.1:\(port)/provider-keys",
                "http://127.0.0.1:\(port + 1)/provider-keys",
                "https://evil.example/provider-keys",
                "//evil.example/provider-keys",
            ] {
                let error = try #require(await captureError { try await fake.client.list(.providerKeys, nextPageURI: uri) })
                #expect(error.code == NgrokAIError.Code.config, "\(uri)")
                #expect(error.operation == "providerKeys.list")
                #expect(error.status == nil)
            }
            #expect(fake.server.requestLog.count == 0)
            #expect(fake.client.stats.requestsSent == 0)

            // The same origin, spelled differently, and a bare path are fine.
            _ = try await fake.client.list(.providerKeys, nextPageURI: "HTTP://127.0.0.1:\(port)/provider-keys?limit=1")
            _ = try await fake.client.list(.providerKeys, nextPageURI: "/provider-keys?limit=2")
            #expect(fake.server.requestLog.entries().map(\.uri) == ["/provider-keys?limit=1", "/provider-keys?limit=2"])
        }
    }

    @Test func statsCountByMethod() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            _ = try await fake.client.get(.providerKeys, id: seeded.id)
            _ = try await fake.client.list(.providerKeys)
            _ = try await fake.client.update(.providerKeys, id: seeded.id, ["name": "x"])
            try await fake.client.delete(.providerKeys, id: seeded.id)
            let stats = fake.client.stats
            #expect(stats.requestsSent == 4)
            #expect(stats.retries == 0)
            #expect(stats.requestsByMethod == ["GET": 2, "PATCH": 1, "DELETE": 1])
            #expect(stats.failedCalls == 0)
        }
    }

    @Test func concurrentCallsShareOneLazyClient() async throws {
        try await FakeFixture.run { fake in
            let seeded = fake.seed()
            let client = fake.client
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<200 {
                    group.addTask { try await client.get(.providerKeys, id: seeded.id)["id"]?.stringValue ?? "" }
                }
                for try await id in group { #expect(id == seeded.id) }
            }
            #expect(client.stats.requestsSent == 200)
            #expect(fake.server.requestLog.count(method: "GET") == 200)
        }
    }

    @Test func logsEachRequestWithoutSecrets() async throws {
        let (logger, storage) = CapturingLogHandler.make()
        try await FakeFixture.run(logger: logger) { fake in
            fake.server.faults.enqueue(.serviceUnavailable, count: 1, method: "PATCH")
            let created = TestRecord(try await fake.client.create(.providerKeys, ["providerId": "openai", "name": "n", "value": "sk-VERY-SECRET-VALUE"]))
            _ = try await fake.client.update(.providerKeys, id: created.id, ["name": "m"])
        }
        let lines = storage.all
        let debug = lines.filter { $0.level == .debug }
        let info = lines.filter { $0.level == .info }
        #expect(debug.count == 3, "one line per attempt")
        #expect(info.count == 1, "one line per retry")
        #expect(debug.first?.metadata["method"]?.description == "POST")
        #expect(debug.first?.metadata["status"]?.description == "201")
        #expect(debug.first?.metadata["duration_ms"] != nil)
        #expect(debug.first?.metadata["attempt"]?.description == "1")
        #expect(info.first?.metadata["attempt"]?.description == "2")
        #expect(info.first?.metadata["reason"]?.description == "503")
        #expect(info.first?.metadata["method"]?.description == "PATCH")
        for line in lines {
            #expect(!line.text.contains("sk-VERY-SECRET-VALUE"))
            #expect(!line.text.contains("fake-token"))
        }
    }
}

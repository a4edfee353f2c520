import FakeNgrokAI
import Foundation
import Testing
import TestSupport

@Suite struct ValidationTests {
    static func create(_ fields: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = ["providerId": "openai", "name": "n", "value": "sk-0123456789abcdef"]
        for (key, value) in fields { body[key] = value }
        return body
    }

    func expect400(_ response: TestHTTPResponse, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 400, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.errorBody?.errorCode == "ERR_NGROK_400", sourceLocation: sourceLocation)
        #expect(response.errorBody?.statusCode == 400, sourceLocation: sourceLocation)
        for word in words {
            #expect(response.errorBody?.msg.contains(word) == true, "\(response.text) should mention \(word)", sourceLocation: sourceLocation)
        }
    }

    /// (field, limit) with strings of exactly `limit` code points in multi-byte characters.
    @Test(arguments: [("name", 255), ("description", 255), ("metadata", 4096)])
    func lengthLimitsCountCodePoints(field: String, limit: Int) async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let atLimit = String(repeating: "é", count: limit - 1) + "😀"  // 2- and 4-byte UTF-8
            #expect(atLimit.unicodeScalars.count == limit)
            #expect(atLimit.utf8.count > limit)
            let created = try await client.post("/provider-keys", json: Self.create([field: atLimit]))
            #expect(created.status == 201, "\(created.text)")
            #expect(try created.json()[field] as? String == atLimit)
            let id = try #require(try created.json()["id"] as? String)

            let overLimit = atLimit + "ü"
            expect400(try await client.post("/provider-keys", json: Self.create([field: overLimit])), mentioning: [field, "\(limit)"])
            expect400(try await client.patch("/provider-keys/\(id)", json: [field: overLimit]), mentioning: [field, "\(limit)"])

            // Combining sequences: one grapheme, two code points each.
            let combining = String(repeating: "e\u{301}", count: limit / 2 + 1)
            #expect(combining.count <= limit && combining.unicodeScalars.count > limit)
            expect400(try await client.patch("/provider-keys/\(id)", json: [field: combining]), mentioning: [field])

            let patched = try await client.patch("/provider-keys/\(id)", json: [field: atLimit])
            #expect(patched.status == 200)
            #expect(server.account.count(.providerKeys) == 1)
            let stored = try #require(server.account.get(.providerKeys, id: id))
            let storedValue: String? =
                switch field {
                case "name": stored.name
                case "description": stored.description
                default: stored.metadata
                }
            #expect(storedValue == atLimit)
        }
    }

    @Test func rotateNameLimit() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let key = server.account.seedKey(name: "k")
            let ok = try await client.post("/provider-keys/\(key.id)/rotate", json: ["value": "v2", "name": String(repeating: "ß", count: 255)])
            #expect(ok.status == 200)
            expect400(
                try await client.post("/provider-keys/\(key.id)/rotate", json: ["value": "v3", "name": String(repeating: "ß", count: 256)]),
                mentioning: ["name", "255"]
            )
            #expect(server.account.secret(.providerKeys, id: key.id, field: "value") == "v2")
        }
    }

    @Test func malformedBodiesAre400AndApplyNothing() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let key = server.account.seedKey(name: "original", description: "keep")
            let path = "/provider-keys/\(key.id)"
            let cases: [(String, String, [UInt8], [String])] = [
                ("POST", "/provider-keys", try jsonBytes(Self.create(["extra": 1])), ["extra"]),
                ("POST", "/provider-keys", try jsonBytes(Self.create(["name": 5])), ["name", "string"]),
                ("POST", "/provider-keys", try jsonBytes(Self.create(["name": NSNull()])), ["name"]),
                ("POST", "/provider-keys", try jsonBytes(Self.create(["name": ""])), ["name", "empty"]),
                ("POST", "/provider-keys", try jsonBytes(Self.create(["description": true])), ["description"]),
                ("POST", "/provider-keys", try jsonBytes(Self.create(["metadata": ["team": "ml"]])), ["metadata"]),
                ("POST", "/provider-keys", try jsonBytes(["name": "n", "value": "v"]), ["providerId"]),
                ("POST", "/provider-keys", try jsonBytes(["providerId": "openai", "name": "n"]), ["value"]),
                ("POST", "/provider-keys", try jsonBytes(["providerId": "openai", "value": "v"]), ["name"]),
                ("POST", "/provider-keys", Array(#"{"providerId": "openai", "name": "n", "value": "v""#.utf8), ["JSON"]),
                ("POST", "/provider-keys", Array("not json".utf8), ["JSON"]),
                ("POST", "/provider-keys", [], ["empty"]),
                ("POST", "/provider-keys", try jsonBytes([1, 2]), ["object"]),
                ("POST", "/provider-keys", try jsonBytes("a string"), ["object"]),
                ("PATCH", path, try jsonBytes(["value": "sk-new"]), ["value"]),
                ("PATCH", path, try jsonBytes(["name": NSNull()]), ["name"]),
                ("PATCH", path, try jsonBytes(["name": ""]), ["name"]),
                ("PATCH", path, try jsonBytes(["description": 3]), ["description"]),
                ("PATCH", path, try jsonBytes(["metadata": [1]]), ["metadata"]),
                ("PATCH", path, Array("{".utf8), ["JSON"]),
                ("PATCH", path, try jsonBytes(NSNull()), ["object"]),
                ("POST", path + "/rotate", try jsonBytes(["value": "v"]), ["name"]),
                ("POST", path + "/rotate", try jsonBytes(["name": "n"]), ["value"]),
                ("POST", path + "/rotate", try jsonBytes(["value": "v", "name": "n", "description": "d"]), ["description"]),
                ("POST", path + "/rotate", try jsonBytes(["value": 1, "name": "n"]), ["value"]),
            ]
            for (method, path, body, words) in cases {
                let response = try await client.send(method: method, path: path, headers: [("Content-Type", "application/json")], body: body)
                expect400(response, mentioning: words)
            }
            #expect(server.account.count(.providerKeys) == 1)
            let unchanged = try #require(server.account.get(.providerKeys, id: key.id))
            #expect(unchanged == key)
            #expect(server.account.changeCount(.providerKeys, id: key.id) == 0)
        }
    }

    @Test func unknownRoutesAndMethods() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let key = server.account.seedKey(name: "k")
            for path in ["/", "/foo", "/provider-keys/\(key.id)/bar", "/provider-keys/", "/users/usr_fake", "/provider-keys/\(key.id)/rotate/x"] {
                let response = try await client.get(path)
                #expect(response.status == 404, "\(path)")
                #expect(response.errorBody?.errorCode == "ERR_NGROK_404")
            }
            for (method, path) in [
                ("PUT", "/provider-keys"), ("DELETE", "/provider-keys"), ("PUT", "/provider-keys/\(key.id)"),
                ("POST", "/provider-keys/\(key.id)"), ("GET", "/provider-keys/\(key.id)/rotate"),
            ] {
                let response = try await client.send(method: method, path: path)
                #expect(response.status == 405, "\(method) \(path)")
                #expect(response.errorBody?.errorCode == "ERR_NGROK_405")
                #expect(response.header("Allow") != nil)
            }
            #expect(server.account.get(.providerKeys, id: key.id) == key)
        }
    }
}

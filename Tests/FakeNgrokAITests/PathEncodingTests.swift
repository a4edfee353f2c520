import FakeNgrokAI
import Foundation
import Testing
import TestSupport

@Suite struct PathEncodingTests {
    @Test func percentEncodedIDIsOneSegment() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let id = "aigpk_a/b c?d#e%f+g"
            let encoded = "aigpk_a%2Fb%20c%3Fd%23e%25f%2Bg"
            server.account.seedKey(id: id, providerId: "openai", name: "odd id")

            let fetched = try await client.get("/provider-keys/\(encoded)")
            #expect(fetched.status == 200, "\(fetched.text)")
            #expect(try fetched.json()["id"] as? String == id)
            #expect(try fetched.json()["uri"] as? String == server.baseURL + "/provider-keys/" + encoded)

            let lowercaseEscapes = try await client.get("/provider-keys/aigpk_a%2fb%20c%3fd%23e%25f%2bg")
            #expect(lowercaseEscapes.status == 200)

            let patched = try await client.patch("/provider-keys/\(encoded)", json: ["description": "found"])
            #expect(try patched.json()["description"] as? String == "found")
            let rotated = try await client.post("/provider-keys/\(encoded)/rotate", json: ["value": "sk-new-value-123456", "name": "r"])
            #expect(rotated.status == 200)
            #expect(server.account.secret(.providerKeys, id: id, field: "value") == "sk-new-value-123456")

            // An unencoded slash splits the id into two segments.
            #expect(try await client.get("/provider-keys/aigpk_a/b").status == 404)

            let deleted = try await client.delete("/provider-keys/\(encoded)")
            #expect(deleted.status == 204)
            #expect(server.account.get(.providerKeys, id: id) == nil)

            let log = server.requestLog.entries()
            #expect(log.first?.uri == "/provider-keys/\(encoded)")
            #expect(log.first?.path == "/provider-keys/\(id)")
        }
    }

    @Test func plusIsNotASpaceInPaths() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            server.account.seedKey(id: "aigpk_a+b", name: "plus")
            server.account.seedKey(id: "aigpk_a b", name: "space")
            #expect(try await client.get("/provider-keys/aigpk_a+b").json()["name"] as? String == "plus")
            #expect(try await client.get("/provider-keys/aigpk_a%20b").json()["name"] as? String == "space")
        }
    }

    @Test func malformedEscapeIs400() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (_, client) async throws in
            let response = try await client.get("/provider-keys/aigpk_%zz")
            #expect(response.status == 400)
            #expect(response.errorBody?.errorCode == "ERR_NGROK_400")
        }
    }

    @Test func cursorIDsAreEncodedInNextPageURI() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            server.account.seedKey(id: "aigpk_x/1", name: "one")
            server.account.seedKey(id: "aigpk_x/2", name: "two")
            server.account.seedKey(id: "aigpk_x/3 &=", name: "three")
            let first = try await client.get("/provider-keys?limit=1")
            #expect(try first.ids() == ["aigpk_x/3 &="])
            let next = try #require(try first.nextPageURI())
            #expect(next == server.baseURL + "/provider-keys?limit=1&beforeId=aigpk_x%2F3%20%26%3D")
            let pages = try await collectPages(client: client, base: server.baseURL, firstPath: "/provider-keys?limit=1")
            #expect(pages == [["aigpk_x/3 &="], ["aigpk_x/2"], ["aigpk_x/1"]])
        }
    }
}

import FakeNgrokAI
import Foundation
import Testing
import TestSupport

@Suite struct ProviderKeyLifecycleTests {
    static let recordFields: Set<String> = [
        "id", "uri", "createdAt", "updatedAt", "providerId", "name", "keyRedacted", "createdBy",
        "lastUpdatedBy", "description", "metadata", "lastUsed",
    ]

    @Test func createGetListPatchRotateDelete() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let base = server.baseURL
            let secret = "sk-proj-abcdefghij0123456789wxyz"
            let rotatedSecret = "sk-proj-ZYXWVUTSRQ9876543210mnop"
            var responses: [TestHTTPResponse] = []

            // Create.
            let created = try await client.post(
                "/provider-keys",
                json: ["providerId": "openai", "name": "openai-prod-01", "value": secret, "metadata": #"{"team":"ml"}"#]
            )
            responses.append(created)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.header("Content-Type") == "application/json")
            let record = try created.json()
            #expect(Set(record.keys) == Self.recordFields)
            let id = try #require(record["id"] as? String)
            #expect(id.hasPrefix("aigpk_"))
            #expect(record["uri"] as? String == base + "/provider-keys/" + id)
            #expect(record["providerId"] as? String == "openai")
            #expect(record["name"] as? String == "openai-prod-01")
            #expect(record["keyRedacted"] as? String == "sk-proj-ab***wxyz")
            #expect(record["description"] is NSNull)
            #expect(record["metadata"] as? String == #"{"team":"ml"}"#)
            #expect(record["lastUsed"] is NSNull)
            #expect(record["createdAt"] as? String == record["updatedAt"] as? String)
            let createdBy = try #require(record["createdBy"] as? [String: Any])
            #expect(createdBy["id"] as? String == "usr_fake")
            #expect(createdBy["uri"] as? String == base + "/users/usr_fake")
            #expect(server.account.secret(.providerKeys, id: id, field: "value") == secret)
            let createdAt = try rfc3339(record["createdAt"])

            // Get.
            let fetched = try await client.get("/provider-keys/\(id)")
            responses.append(fetched)
            #expect(fetched.status == 200)
            #expect(NSDictionary(dictionary: try fetched.json()) == NSDictionary(dictionary: record))

            // List.
            let listed = try await client.get("/provider-keys")
            responses.append(listed)
            #expect(try listed.ids() == [id])
            #expect(try listed.json()["uri"] as? String == base + "/provider-keys")
            #expect(try listed.nextPageURI() == nil)

            // Patch: null clears description, absent fields stay, name changes.
            let described = try await client.patch("/provider-keys/\(id)", json: ["description": "chat assistant"])
            responses.append(described)
            #expect(try described.json()["description"] as? String == "chat assistant")
            #expect(try described.json()["metadata"] as? String == #"{"team":"ml"}"#)
            let firstUpdate = try rfc3339(try described.json()["updatedAt"])
            #expect(firstUpdate > createdAt)

            let patched = try await client.patch(
                "/provider-keys/\(id)", json: ["description": NSNull(), "name": "renamed", "metadata": NSNull()])
            responses.append(patched)
            #expect(patched.status == 200, "\(patched.text)")
            let afterPatch = try patched.json()
            #expect(afterPatch["name"] as? String == "renamed")
            #expect(afterPatch["description"] is NSNull)
            #expect(afterPatch["metadata"] is NSNull)
            #expect(afterPatch["providerId"] as? String == "openai")
            #expect(afterPatch["keyRedacted"] as? String == "sk-proj-ab***wxyz")
            #expect(afterPatch["createdAt"] as? String == record["createdAt"] as? String)
            #expect(try rfc3339(afterPatch["updatedAt"]) > firstUpdate)
            #expect((afterPatch["lastUpdatedBy"] as? [String: Any])?["id"] as? String == "usr_fake")

            let nameOnly = try await client.patch("/provider-keys/\(id)", json: ["metadata": "owner: bob"])
            #expect(try nameOnly.json()["name"] as? String == "renamed")
            #expect(try nameOnly.json()["description"] is NSNull)
            #expect(try nameOnly.json()["metadata"] as? String == "owner: bob")

            // Rotate.
            let rotated = try await client.post("/provider-keys/\(id)/rotate", json: ["value": rotatedSecret, "name": "rotated"])
            responses.append(rotated)
            #expect(rotated.status == 200, "\(rotated.text)")
            let afterRotate = try rotated.json()
            #expect(afterRotate["keyRedacted"] as? String == "sk-proj-ZY***mnop")
            #expect(afterRotate["name"] as? String == "rotated")
            #expect(afterRotate["metadata"] as? String == "owner: bob")
            #expect(try rfc3339(afterRotate["updatedAt"]) > (try rfc3339(try nameOnly.json()["updatedAt"])))
            #expect(server.account.secret(.providerKeys, id: id, field: "value") == rotatedSecret)
            let refetched = try await client.get("/provider-keys/\(id)").json()
            #expect(NSDictionary(dictionary: refetched) == NSDictionary(dictionary: afterRotate))
            #expect(try await client.get("/provider-keys").records().first?["name"] as? String == "rotated")
            #expect(server.account.changeCount(.providerKeys, id: id) == 4)
            #expect(server.account.history(.providerKeys, id: id).map(\.kind) == [.created, .updated, .updated, .updated, .action("rotate")])

            // The secret is write-only.
            for response in responses {
                #expect(!response.text.contains(secret))
                #expect(!response.text.contains(rotatedSecret))
                #expect(!response.text.contains("\"value\""))
            }

            // Delete.
            let deleted = try await client.delete("/provider-keys/\(id)")
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)
            let gone = try await client.get("/provider-keys/\(id)")
            #expect(gone.status == 404)
            #expect(gone.errorBody?.errorCode == "ERR_NGROK_404")
            #expect(gone.errorBody?.msg.contains(id) == true)
            #expect(try await client.delete("/provider-keys/\(id)").status == 404)
            #expect(try await client.patch("/provider-keys/\(id)", json: ["name": "x"]).status == 404)
            #expect(try await client.post("/provider-keys/\(id)/rotate", json: ["value": "v", "name": "x"]).status == 404)
            #expect(try await client.get("/provider-keys").ids() == [])
            #expect(server.account.count(.providerKeys) == 0)
            #expect(server.account.history(.providerKeys, id: id).last?.kind == .deleted)
        }
    }

    @Test func optionalFieldsOnCreateAndEmptyPatch() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let created = try await client.post(
                "/provider-keys",
                json: ["providerId": "anthropic", "name": "a", "value": "short", "description": "d", "metadata": NSNull()]
            )
            #expect(created.status == 201)
            let record = try created.json()
            #expect(record["description"] as? String == "d")
            #expect(record["metadata"] is NSNull)
            let redacted = try #require(record["keyRedacted"] as? String)
            #expect(redacted.contains("***"))
            #expect(!redacted.contains("short"))
            let id = try #require(record["id"] as? String)

            let untouched = try await client.patch("/provider-keys/\(id)", json: [String: Any]())
            #expect(untouched.status == 200)
            #expect(try untouched.json()["name"] as? String == "a")
            #expect(try untouched.json()["description"] as? String == "d")
        }
    }

    @Test func newKeysSortAfterSeededOnes() async throws {
        let seeded: [String: JSONValue] = [
            "id": "aigpk_zzzzzzzz", "providerId": "openai", "name": "foreign", "createdAt": "1970-01-01T00:00:00Z",
        ]
        try await withFakeNgrokAIServer(testConfiguration(keys: SampleAccount.make(count: 5) + [seeded])) { (server, client) async throws in
            var previous = server.account.all(.providerKeys).first!.id
            #expect(previous == "aigpk_zzzzzzzz")
            for index in 0..<3 {
                let created = try await client.post(
                    "/provider-keys", json: ["providerId": "groq", "name": "k\(index)", "value": "gsk_0123456789abcdef"])
                let id = try #require(try created.json()["id"] as? String)
                #expect(id > previous)
                previous = id
            }
            let inserted = server.account.seedKey(name: "seeded later")
            #expect(inserted.id > previous)
            #expect(try await client.get("/provider-keys?limit=1").ids() == [inserted.id])
        }
    }

    @Test func redaction() {
        #expect(AccountStore.redact("sk-proj-abcdefghij0123456789wxyz") == "sk-proj-ab***wxyz")
        #expect(AccountStore.redact("0123456789abcd") == "0123456789***abcd")
        for value in ["", "a", "ab", "abcdef", "0123456789abc", "ééééééééé"] {
            let redacted = AccountStore.redact(value)
            #expect(redacted.contains("***"))
            if !value.isEmpty {
                #expect(!redacted.contains(value))
            }
        }
    }
}

import FakeNgrokAI
import Foundation
import Testing
import TestSupport

@Suite struct SnapshotTests {
    @Test func saveLoadRoundTrip() async throws {
        try await withFakeNgrokAIServer(.sandbox(seed: 3)) { (server, client) async throws in
            let secret = "sk-proj-secret-never-in-snapshot-0001"
            let created = try await client.post("/provider-keys", json: ["providerId": "openai", "name": "fresh", "value": secret])
            let id = try #require(try created.json()["id"] as? String)
            _ = try await client.patch("/provider-keys/\(id)", json: ["description": "with \"quotes\" and / and ünïcödé"])

            let snapshot = server.account.snapshotJSON(only: [.providerKeys])
            let text = String(decoding: snapshot, as: UTF8.self)
            #expect(!text.contains(secret))
            #expect(!text.contains("\"value\""))
            for key in server.account.all(.providerKeys) {
                if let value = server.account.secret(.providerKeys, id: key.id, field: "value") {
                    #expect(!text.contains(value))
                }
            }
            #expect(text.contains("\n  "), "pretty-printed")
            let object = try #require(try JSONSerialization.jsonObject(with: snapshot) as? [String: Any])
            #expect(Array(object.keys) == ["aiGatewayProviderKeys"])
            let records = try #require(object["aiGatewayProviderKeys"] as? [[String: Any]])
            #expect(records.count == 41)
            let ids = records.compactMap { $0["id"] as? String }
            #expect(ids == ids.sorted(by: >))
            #expect(ids == server.account.all(.providerKeys).map(\.id))
            // Sorted keys: createdAt comes before id in every record.
            let createdAtIndex = try #require(text.range(of: "\"createdAt\""))
            let idIndex = try #require(text.range(of: "\"id\""))
            #expect(createdAtIndex.lowerBound < idIndex.lowerBound)

            let restored = AccountStore()
            try restored.load(snapshotJSON: snapshot)
            #expect(restored.count(.providerKeys) == server.account.count(.providerKeys))
            for (original, copy) in zip(server.account.all(.providerKeys), restored.all(.providerKeys)) {
                #expect(restored.secret(.providerKeys, id: copy.id, field: "value") == nil)
                #expect(copy == original)
            }
            #expect(restored.snapshotJSON(only: [.providerKeys]) == snapshot, "save → load → save is stable")

            // A restored server serves the same records.
            try await withFakeNgrokAIServer(testConfiguration()) { (copyServer, copyClient) async throws in
                try copyServer.account.load(snapshotJSON: snapshot)
                let original = try await client.get("/provider-keys/\(id)").json()
                var copy = try await copyClient.get("/provider-keys/\(id)").json()
                #expect(copy["keyRedacted"] as? String == original["keyRedacted"] as? String)
                #expect(copy["updatedAt"] as? String == original["updatedAt"] as? String)
                copy["uri"] = original["uri"]
                copy["createdBy"] = original["createdBy"]
                copy["lastUpdatedBy"] = original["lastUpdatedBy"]
                #expect(NSDictionary(dictionary: copy) == NSDictionary(dictionary: original))
                #expect(copyServer.account.count(.providerKeys) == 41)
            }
        }
    }

    @Test func loadsAListResponseAsReturnedByTheAPI() async throws {
        try await withFakeNgrokAIServer(.sandbox(seed: 5, keyCount: 12)) { (server, client) async throws in
            let page = try await client.get("/provider-keys?limit=10")
            #expect(try page.nextPageURI() != nil)
            let store = AccountStore()
            store.seedKey(name: "replaced by load")
            try store.load(snapshotJSON: Data(page.body))
            #expect(store.all(.providerKeys).map(\.id) == (try page.ids()))
            #expect(store.all(.providerKeys).allSatisfy { store.secret(.providerKeys, id: $0.id, field: "value") == nil })
        }
    }

    @Test func loadsHandWrittenRecordsWithValues() throws {
        let json = #"""
            {"aiGatewayProviderKeys": [
              {"id": "aigpk_hand1", "providerId": "openai", "name": "hand", "createdAt": "2026-01-02T03:04:05Z",
               "value": "sk-handwritten-0123456789"},
              {"id": "aigpk_hand2", "providerId": "groq", "name": "frac", "createdAt": "2026-01-02T03:04:05.250Z",
               "updatedAt": "2026-01-03T00:00:00Z", "keyRedacted": "gsk_kept***0000", "description": null,
               "metadata": "owner: bob", "lastUsed": "2026-02-01T00:00:00+02:00",
               "createdBy": {"id": "usr_2ana", "uri": "https://api.ngrok.ai/users/usr_2ana"}}
            ], "uri": "ignored", "nextPageUri": null}
            """#
        let store = AccountStore()
        try store.load(snapshotJSON: Data(json.utf8))
        let hand = try #require(store.get(.providerKeys, id: "aigpk_hand1"))
        #expect(store.secret(.providerKeys, id: hand.id, field: "value") == "sk-handwritten-0123456789")
        #expect(hand.keyRedacted == "sk-handwri***6789")
        let frac = try #require(store.get(.providerKeys, id: "aigpk_hand2"))
        #expect(frac.keyRedacted == "gsk_kept***0000")
        #expect(frac["createdBy"]?["id"] == "usr_2ana")
        #expect(frac["lastUpdatedBy"]?["id"] == "usr_2ana")
        #expect(frac.createdAt == "2026-01-02T03:04:05.250Z")
        #expect(frac.lastUsed == "2026-01-31T22:00:00Z")
        #expect(store.all(.providerKeys).map(\.id) == ["aigpk_hand2", "aigpk_hand1"])
    }

    @Test(arguments: [
        "not json",
        "[]",
        #"{"keys": []}"#,
        #"{"aiGatewayProviderKeys": [{"id": "a", "providerId": "openai", "createdAt": "2026-01-01T00:00:00Z"}]}"#,
        #"{"aiGatewayProviderKeys": [{"id": "a", "providerId": "openai", "name": "n", "createdAt": "yesterday"}]}"#,
        #"{"aiGatewayProviderKeys": [{"id": "a", "providerId": "openai", "name": 5, "createdAt": "2026-01-01T00:00:00Z"}]}"#,
        #"{"aiGatewayProviderKeys": [{"id": "a", "providerId": "o", "name": "n", "createdAt": "2026-01-01T00:00:00Z"}, {"id": "a", "providerId": "o", "name": "m", "createdAt": "2026-01-01T00:00:00Z"}]}"#,
    ])
    func invalidSnapshotsAreRefused(json: String) {
        let store = AccountStore()
        let kept = store.seedKey(name: "kept")
        #expect(throws: (any Error).self) { try store.load(snapshotJSON: Data(json.utf8)) }
        #expect(store.all(.providerKeys) == [kept], "a failed load changes nothing")
    }
}


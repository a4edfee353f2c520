import FakeNgrokAI
import Foundation
import NgrokAICatalogue
import Testing
import TestSupport

/// What a write leaves out, the fake stores as the API does: the catalogue's defaults, at the
/// top level (a firewall policy's `mode`, `onError`) and in nested lists (a provider model's
/// `unsupportedParams`), also for records loaded from an older snapshot.
@Suite struct DefaultsTests {
    @Test func aBareFirewallPolicyGetsModeAndOnErrorDefaults() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (_, client) async throws in
            let created = try await client.post("/firewall-policies", json: ["name": "p2"])
            #expect(created.status == 201, "\(created.text)")
            let record = try created.json()
            #expect(record["mode"] as? String == "enforce", "\(created.text)")
            #expect(record["onError"] as? String == "block", "\(created.text)")
            let id = try #require(record["id"] as? String)
            let read = try await client.get("/firewall-policies/\(id)").json()
            #expect(read["mode"] as? String == "enforce")
            #expect(read["onError"] as? String == "block")
            let audit = try await client.post("/firewall-policies", json: ["name": "p3", "mode": "audit", "onError": "log"]).json()
            #expect(audit["mode"] as? String == "audit")
            #expect(audit["onError"] as? String == "log")
        }
    }

    @Test func providerModelsWrittenWithoutUnsupportedParamsHaveAnEmptyList() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (_, client) async throws in
            let created = try await client.post("/providers", json: ["providerId": "my-vllm", "name": "mine", "baseUrl": "https://vllm.example.com/v1", "models": [["modelId": "a"]]])
            #expect(created.status == 201, "\(created.text)")
            let models = try #require(try created.json()["models"] as? [[String: Any]])
            #expect(models.count == 1)
            #expect(models.first?["unsupportedParams"] as? [Any] != nil, "\(created.text)")
            #expect((models.first?["unsupportedParams"] as? [Any])?.isEmpty == true)
            let id = try #require(try created.json()["id"] as? String)
            let patched = try await client.patch("/providers/\(id)", json: ["models": [["modelId": "m"], ["modelId": "n", "unsupportedParams": ["logprobs"]]]])
            #expect(patched.status == 200, "\(patched.text)")
            let after = try #require(try patched.json()["models"] as? [[String: Any]])
            #expect(after.map { $0["modelId"] as? String } == ["m", "n"])
            #expect(after.map { ($0["unsupportedParams"] as? [String]) ?? ["<absent>"] } == [[], ["logprobs"]], "\(patched.text)")
        }
    }

    @Test func anOlderSnapshotsProviderModelsLoadWithAnEmptyList() throws {
        let envelope = try #require(Resource.providers.envelope)
        let file: JSONValue = [
            envelope: [[
                "id": "aigp_old", "providerId": "my-vllm", "name": "old", "baseUrl": "https://vllm.example.com/v1", "createdAt": "2026-01-01T00:00:00Z",
                "models": [["id": "aigpm_a", "modelId": "a"]],
            ]],
        ]
        let account = AccountStore(seed: 1)
        try account.load(snapshotJSON: JSONEncoder().encode(file))
        let record = try #require(account.record(.providers, id: "aigp_old"))
        let models = try #require(record["models"]?.arrayValue)
        #expect(models.first?["unsupportedParams"] == .array([]), "\(record)")
    }
}

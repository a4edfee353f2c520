import FakeNgrokAI
import Foundation
import NgrokAICatalogue
import Testing
import TestSupport

/// `GET /v1/models` lists the account's own models too: each custom provider's models that the
/// built-in catalogue does not hold, `owned_by` `organization_owned`, with no known prices.
@Suite struct OwnModelsTests {
    @Test func theSampleCustomProvidersModelIsListed() throws {
        let keys = SampleAccount.make(seed: 1)
        let account = AccountStore(seed: 1)
        for key in keys { account.insert(.providerKeys, fields: key) }
        SampleAccount.seedRest(account, keys: keys, seed: 1, today: SampleAccount.referenceDate)
        let own = account.models.filter { $0["owned_by"] == "organization_owned" }
        #expect(own.compactMap { $0["id"]?.stringValue } == ["qwen2.5-32b-instruct"], "\(own)")
        let qwen = try #require(own.first)
        for name in ["id", "name", "created", "architecture", "slug", "object", "owned_by", "providers"] {
            #expect(qwen[name] != nil, "\(name) is required in a model")
        }
        let provider = try #require(qwen["providers"]?.arrayValue?.first)
        #expect(provider["id"] == "internal-vllm")
        #expect(provider["model_id"] == "internal-vllm:qwen2.5-32b-instruct")
        #expect(provider["pricing"]?["rates"] == .array([]), "prices unknown")
        for name in ["model_id", "id", "display_name", "context_length", "status", "pricing", "supported_api_formats", "supports_implicit_caching"] {
            #expect(provider[name] != nil, "\(name) is required in a model's provider")
        }
        // The built-in llama model (which the custom provider also serves) is not listed twice.
        #expect(account.models.filter { $0["id"] == "llama-3.3-70b-instruct" }.count == 1)
    }

    @Test func aNewCustomProviderModelAppearsAndGoesWithIt() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (_, client) async throws in
            let created = try await client.post(
                "/providers",
                json: ["providerId": "my-vllm", "name": "Mine", "baseUrl": "https://vllm.example.com/v1", "models": [["modelId": "house-model"]],
                       "supportedApiSurfaces": [["format": "openai", "surface": "chat-completions", "supportedParams": [["name": "temperature"]]]]])
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(try created.json()["id"] as? String)
            let listed = try #require(try await client.get("/v1/models").json()["data"] as? [[String: Any]])
            let mine = try #require(listed.first { $0["id"] as? String == "house-model" }, "\(listed)")
            #expect(mine["owned_by"] as? String == "organization_owned")
            let providers = try #require(mine["providers"] as? [[String: Any]])
            #expect(providers.first?["model_id"] as? String == "my-vllm:house-model")
            let formats = try #require(providers.first?["supported_api_formats"] as? [[String: Any]])
            #expect(formats.first?["parameters"] as? [String] == ["temperature"])
            #expect(try await client.delete("/providers/\(id)").status == 204)
            let after = try #require(try await client.get("/v1/models").json()["data"] as? [[String: Any]])
            #expect(!after.contains { $0["id"] as? String == "house-model" })
        }
    }
}

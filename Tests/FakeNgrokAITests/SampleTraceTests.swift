import FakeNgrokAI
import Foundation
import NgrokAICatalogue
import Testing
import TestSupport

/// The sample account's usage and request traces tell the truth about themselves: each cost
/// part follows from its tokens and the model catalogue's price, the total is the parts' sum,
/// a request names one virtual model (or none) in all its attempts, and a failed attempt's
/// `retryAction` says what the next attempt did.
@Suite struct SampleTraceTests {
    /// Units of 0.00001 US dollars of a decimal string.
    static func units(_ value: Any?) -> Int64? {
        guard let text = value as? String, let number = Double(text) else { return nil }
        return Int64((number * 100_000).rounded())
    }

    /// Per-token prices of `model` at `provider`, by rate type, from `GET /v1/models`.
    static func prices(_ catalogue: [[String: Any]], model: String, provider: String) -> [String: Double] {
        let entry = catalogue.first { $0["id"] as? String == model }
        let served = (entry?["providers"] as? [[String: Any]])?.first { $0["id"] as? String == provider }
        var out: [String: Double] = [:]
        for rate in (served?["pricing"] as? [String: Any])?["rates"] as? [[String: Any]] ?? [] {
            if let type = rate["type"] as? String, let price = (rate["price"] as? String).flatMap(Double.init) { out[type] = price }
        }
        return out
    }

    @Test func everySampleRequestsCostsVirtualModelAndRetriesAreConsistent() async throws {
        var configuration = testConfiguration()
        configuration.sampleAccount = true
        try await withFakeNgrokAIServer(configuration) { (_, client) async throws in
            let catalogue = try #require(try await client.get("/v1/models").json()["data"] as? [[String: Any]])
            let virtual = try #require(try await client.get("/virtual-models").json()["aiGatewayVirtualModels"] as? [[String: Any]])
            let lists = Dictionary(uniqueKeysWithValues: virtual.map { ($0["name"] as? String ?? "", $0["models"] as? [String] ?? []) })
            var events: [[String: Any]] = []
            let start = RFC3339.string(from: Date().addingTimeInterval(-90 * 86_400))
            var path: String? = "/usage?includeRetries=true&limit=100&startTime=\(start)"
            while let current = path {
                let page = try await client.get(current)
                #expect(page.status == 200, "\(page.text)")
                events += try #require(try page.json()["aiGatewayUsage"] as? [[String: Any]], "\(page.text.prefix(300))")
                path = try (page.json()["nextPageUri"] as? String).map { String($0[$0.range(of: "/usage")!.lowerBound...]) }
            }
            #expect(events.count > 1_000)
            var byRequest: [String: [[String: Any]]] = [:]
            var readsPriced = 0
            for event in events {
                let model = event["model"] as? String ?? "", provider = event["provider"] as? String ?? ""
                let price = Self.prices(catalogue, model: model, provider: provider)
                let tokens = { (name: String) in (event[name] as? Int).map(Int64.init) ?? -1 }
                func expected(_ count: Int64, _ rate: String) -> Int64 { Int64((Double(count) * (price[rate] ?? 0) * 100_000).rounded()) }
                let id = event["id"] as? String ?? "?"
                let input = tokens("inputTokens"), output = tokens("outputTokens"), read = tokens("cacheReadTokens"), write = tokens("cacheWriteTokens")
                let parts = ["inputTokenCost", "outputTokenCost", "cacheReadCost", "cacheWriteCost", "ngrokProcessingFee"].map { Self.units(event[$0]) ?? -1 }
                #expect(parts[1] == expected(output, "completion"), "\(id): outputTokenCost for \(output) tokens")
                if output == 0 { #expect(parts[1] == 0, "\(id): no output, no output cost") }
                #expect(parts[2] == expected(read, "input_cache_read"), "\(id): cacheReadCost for \(read) tokens")
                if read > 0, (price["input_cache_read"] ?? 0) > 0 { #expect(parts[2] > 0, "\(id)"); readsPriced += 1 }
                #expect(parts[3] == expected(write, "input_cache_write"), "\(id): cacheWriteCost for \(write) tokens")
                #expect(parts[0] == expected(input - read - write, "prompt"), "\(id): inputTokenCost")
                #expect(Self.units(event["totalCost"]) == parts.reduce(0, +), "\(id): totalCost is the sum of its parts")
                byRequest[event["requestId"] as? String ?? "", default: []].append(event)
            }
            #expect(readsPriced > 100)
            var retried = 0
            for (request, attempts) in byRequest {
                let named = Set(attempts.map { $0["virtualModel"] as? String ?? "" })
                #expect(named.count == 1, "\(request): every attempt names the same virtual model (\(named))")
                if let name = named.first, !name.isEmpty, let first = attempts.first {
                    let target = "\(first["provider"] as? String ?? ""):\(first["model"] as? String ?? "")"
                    #expect(lists[name]?.contains(target) == true, "\(request): \(target) is not in \(name)")
                }
                guard attempts.count > 1 else { continue }
                retried += 1
                let trace = try await client.get("/usage/requests/\(request)")
                #expect(trace.status == 200, "\(trace.text)")
                let steps = try #require(try trace.json()["attempts"] as? [[String: Any]])
                for (i, step) in steps.enumerated() {
                    let event = step["event"] as? [String: Any] ?? [:]
                    let action = step["retryAction"] as? String
                    if event["isError"] as? Bool != true {
                        #expect(action == "succeeded")
                        continue
                    }
                    guard i + 1 < steps.count, let next = steps[i + 1]["event"] as? [String: Any] else {
                        #expect(action == "exhausted", "\(request)")
                        continue
                    }
                    let sameBackend = next["provider"] as? String == event["provider"] as? String && next["model"] as? String == event["model"] as? String
                    let sameKey = next["providerKeyId"] as? String == event["providerKeyId"] as? String
                    let want = !sameBackend ? "next_backend" : sameKey ? "retry_same_backend" : "next_key"
                    #expect(action == want, "\(request) attempt \(i + 1): \(action ?? "nil"), the next attempt says \(want)")
                }
            }
            #expect(retried > 50)
        }
    }
}

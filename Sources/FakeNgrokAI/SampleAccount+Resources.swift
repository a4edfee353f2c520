import Foundation

/// The rest of the sample account, around its provider keys: a custom provider, access key
/// configurations that route to the sample's keys, access keys, API keys, the gateway
/// configuration, credits, and usage events. Deterministic for a seed; usage events are dated
/// in the 60 days before the day the sandbox starts (UTC), so "the last 30 days" always has data.
extension SampleAccount {
    /// Seeds everything but the provider keys into `account`; `keys` are the account's keys
    /// (``make(seed:count:baseURL:referenceDate:)``'s records).
    public static func seedRest(_ account: AccountStore, keys: [[String: JSONValue]], seed: UInt64 = 1, today: Date = Date()) {
        var random = SeededRandom(seed: seed ^ 0x7265_7374)
        let reference = referenceDate.timeIntervalSince1970
        func time(_ daysAgo: Double) -> JSONValue {
            .string(RFC3339.string(from: Date(timeIntervalSince1970: (reference - daysAgo * 86_400).rounded())))
        }
        func stamps(_ created: Double, _ updated: Double? = nil) -> [String: JSONValue] {
            ["createdAt": time(created), "updatedAt": time(updated ?? created)]
        }
        let byProvider = Dictionary(grouping: keys.reversed()) { $0["providerId"]?.stringValue ?? "" }
        func keyIDs(_ provider: String, _ count: Int) -> [JSONValue] {
            (byProvider[provider] ?? []).prefix(count).map { .object(["id": $0["id"] ?? .null]) }
        }

        account.insert(.providers, fields: [
            "providerId": "internal-vllm", "name": "Internal vLLM", "baseUrl": "https://vllm.internal.example.com/v1",
            "metadata": #"{"owner":"platform@example.com","team":"platform"}"#,
            "supportedApiSurfaces": [["format": "openai", "surface": "chat-completions", "supportedParams": [["name": "temperature"], ["name": "max_tokens"]]]],
            "models": [["id": "aigpm_llama70b", "modelId": "llama-3.3-70b-instruct"], ["id": "aigpm_qwen32b", "modelId": "qwen2.5-32b-instruct"]],
        ].merging(stamps(200, 40)) { a, _ in a })

        let configurations: [(String, String?, JSONValue, JSONValue)] = [
            ("openai-only", "Only OpenAI models, served by our OpenAI keys",
             ["providers": ["allow": ["openai"]]],
             ["rules": [["provider": "openai", "steps": [["type": "user", "keys": .array(keyIDs("openai", 2)), "keySelectionStrategy": "ordered"]]]]]),
            ("anthropic-prod", "Production traffic to Claude models",
             ["providers": ["allow": ["anthropic"]], "models": ["allow": ["anthropic:claude-sonnet-4-5", "anthropic:claude-haiku-4-5"]]],
             ["rules": [["provider": "anthropic", "steps": [["type": "user", "keys": .array(keyIDs("anthropic", 2))], ["type": "ngrok"]]]]]),
            ("research", nil,
             ["providers": ["allow": ["openai", "google", "internal-vllm"]]],
             ["rules": [
                ["provider": "google", "steps": [["type": "user", "keys": .array(keyIDs("google", 1))]]],
                ["model": "openai:gpt-4o-mini", "steps": [["type": "user", "keys": .array(keyIDs("openai", 1))], ["type": "ngrok"]]],
             ]]),
        ]
        var configurationIDs: [String] = []
        for (index, (name, description, access, router)) in configurations.enumerated() {
            var fields: [String: JSONValue] = ["name": .string(name), "access": access, "router": router]
            if let description { fields["description"] = .string(description) }
            if index != 2 { fields["metadata"] = .string(#"{"owner":"\#(["ana", "bob", "chen"][index])@example.com"}"#) }
            account.insert(.accessKeyConfigurations, fields: fields.merging(stamps(Double(300 - index * 40))) { a, _ in a })
            configurationIDs.append(account.records(.accessKeyConfigurations).first!["id"]!.stringValue!)
        }

        // (name, configuration index or nil, created days ago, last used days ago or nil)
        let accessKeys: [(String, Int?, Double, Double?)] = [
            ("support-bot", 1, 280, 0.2), ("search-backend", 0, 250, 0.5), ("ml-notebooks", 2, 210, 3),
            ("legacy-batch", nil, 400, 150), ("ci-evals", 0, 120, 1), ("intern-sandbox", 2, 95, nil),
        ]
        for (name, configuration, created, lastUsed) in accessKeys {
            var fields: [String: JSONValue] = [
                "name": .string(name), "keyRedacted": .string("ngak_\(name.prefix(3))***\(random.int(in: 1000...9999))"),
            ]
            if let configuration { fields["accessKeyConfigurationId"] = .string(configurationIDs[configuration]) }
            if let lastUsed { fields["lastUsed"] = time(lastUsed) }
            if name == "support-bot" { fields["metadata"] = #"{"owner":"ana@example.com","costCenter":"cs-100"}"# }
            if name == "legacy-batch" { fields["description"] = "Nightly batch from the old pipeline; due for removal" }
            account.insert(.accessKeys, fields: fields.merging(stamps(created)) { a, _ in a })
        }

        let apiKeys: [(String, Double, Double?)] = [
            ("luagate-automation", 60, 0.1), ("terraform", 180, 6), ("old-ci", 500, 200), ("dashboard-export", 30, nil),
        ]
        for (name, created, lastUsed) in apiKeys {
            var fields: [String: JSONValue] = [
                "name": .string(name), "keyRedacted": .string("ngapi_\(name.prefix(3))***\(random.int(in: 1000...9999))"),
            ]
            if let lastUsed { fields["lastUsed"] = time(lastUsed) }
            if name == "terraform" { fields["description"] = "Infrastructure as code" }
            account.insert(.apiKeys, fields: fields.merging(stamps(created)) { a, _ in a })
        }

        account.setSingleton(.gatewayConfig, [
            "accountId": "ac_2fakeaccount", "totalTimeout": "2m", "perRequestTimeout": "30s", "maxInputTokens": 128_000,
            "metadata": #"{"owner":"platform@example.com"}"#,
        ])
        account.setCredits(balanceCents: 125_000, transactions: [
            ["type": "credits", "category": "purchase", "amountCents": 100_000, "createdAt": time(90)],
            ["type": "credits", "category": "promotional", "amountCents": 50_000, "createdAt": time(60), "expiresAt": time(-305)],
            ["type": "usageInvoice", "createdAt": time(0), "periodStart": time(31), "periodEnd": time(0),
             "invoiceUrl": "https://billing.example.com/invoices/in_fake_1", "totalCents": 18_250, "appliedCreditsCents": 18_250,
             "amountDueCents": 0, "amountPaidCents": 0, "amountRemainingCents": 0],
            ["type": "usageInvoicePreview", "createdAt": time(-1), "periodStart": time(0), "periodEnd": time(-30),
             "totalCents": 6_740, "appliedCreditsCents": 6_740, "amountDueCents": 0, "amountPaidCents": 0, "amountRemainingCents": 0],
        ])
        // Usage comes from the keys in use: not the stale one, nor the one never used.
        let active = Set(accessKeys.filter { ($0.3 ?? 999) < 60 }.map(\.0))
        let keyIDs = account.records(.accessKeys).filter { active.contains($0["name"]?.stringValue ?? "") }
            .compactMap { $0["id"]?.stringValue }
        account.setUsage(usage(accessKeyIDs: keyIDs, keys: keys, today: today, random: &random))
    }

    /// About 3,000 usage events over the 60 days before `today` (UTC midnight).
    static func usage(accessKeyIDs: [String], keys: [[String: JSONValue]], today: Date, random: inout SeededRandom) -> [[String: JSONValue]] {
        let midnight = (today.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        // (provider, display, model, display, dollars per million input, per million output)
        let models: [(String, String, String, String, Double, Double)] = [
            ("openai", "OpenAI", "gpt-4o", "GPT-4o", 2.5, 10), ("openai", "OpenAI", "gpt-4o-mini", "GPT-4o mini", 0.15, 0.6),
            ("anthropic", "Anthropic", "claude-sonnet-4-5", "Claude Sonnet 4.5", 3, 15),
            ("anthropic", "Anthropic", "claude-haiku-4-5", "Claude Haiku 4.5", 1, 5),
            ("google", "Google", "gemini-2.5-flash", "Gemini 2.5 Flash", 0.3, 2.5),
            ("internal-vllm", "Internal vLLM", "llama-3.3-70b-instruct", "Llama 3.3 70B", 0, 0),
        ]
        let byProvider = Dictionary(grouping: keys) { $0["providerId"]?.stringValue ?? "" }
        var events: [[String: JSONValue]] = []
        events.reserveCapacity(3_200)
        var serial = 0
        for day in 0..<60 {
            for _ in 0..<(40 + random.below(21)) {
                let at = midnight - Double(day + 1) * 86_400 + Double(random.below(86_400))
                let (provider, providerName, model, modelName, inPrice, outPrice) = random.pick(models)
                let accessKey = accessKeyIDs.isEmpty ? "aigak_none" : accessKeyIDs[random.below(accessKeyIDs.count)]
                let requestID = "req_" + String(random.next() % 1_000_000_000_000, radix: 36)
                let retried = random.chance(0.08)
                let gaveUp = random.chance(0.02)  // the last attempt failed too
                for attempt in 1...(retried ? 2 : 1) {
                    serial += 1
                    let failed = (retried && attempt == 1) || (gaveUp && attempt == (retried ? 2 : 1))
                    let input = Int64(random.int(in: 200...6_000))
                    let output = failed ? 0 : Int64(random.int(in: 20...1_500))
                    let cost = (Double(input) * inPrice + Double(output) * outPrice) / 1_000_000
                    let key = byProvider[provider].flatMap { $0.isEmpty ? nil : $0[random.below($0.count)] }
                    var event: [String: JSONValue] = [
                        "id": .string("aigue_" + String(format: "%07d", serial)),
                        "eventTime": .string(RFC3339.string(from: Date(timeIntervalSince1970: at + Double(attempt - 1) * 2))),
                        "requestId": .string(requestID), "accessKeyId": .string(accessKey),
                        "provider": .string(provider), "providerDisplayName": .string(providerName),
                        "model": .string(model), "modelDisplayName": .string(modelName),
                        "attemptNumber": .int(Int64(attempt)), "isFinalAttempt": .bool(attempt == (retried ? 2 : 1)),
                        "statusCode": .int(failed ? 529 : 200), "timedOut": .bool(false), "isError": .bool(failed),
                        "isStreaming": .bool(random.chance(0.4)), "stopReason": .string(failed ? "error" : random.pick(["stop", "stop", "length"])),
                        "inputTokens": .int(input), "outputTokens": .int(output),
                        "cacheReadTokens": .int(random.chance(0.3) ? input / 2 : 0),
                        "reasoningTokens": .int(model.hasPrefix("claude") && random.chance(0.3) ? output / 3 : 0),
                        "totalCost": .string(String(format: "%.5f", cost)),
                        "keySource": .string(key == nil ? "ngrok" : "user"),
                    ]
                    if let key {
                        event["providerKeyId"] = key["id"]
                        event["providerKeyDisplayName"] = key["name"]
                    }
                    events.append(event)
                }
            }
        }
        return events
    }
}

import Foundation

/// The rest of the sample account, around its provider keys: a custom provider, access key
/// configurations that route to the sample's keys, access keys, API keys, the gateway
/// configuration, credits, and usage events. Deterministic for a seed; usage events are dated
/// in the 60 days before the day the sandbox starts (UTC), so "the last 30 days" always has data,
/// and every key's `lastUsed` agrees with them (``SampleAccount/usage(accessKeys:keys:today:random:)``).
extension SampleAccount {
    /// Seeds everything but the provider keys into `account`; `keys` are the account's keys
    /// (``make(seed:count:baseURL:referenceDate:)``'s records).
    public static func seedRest(_ account: AccountStore, keys: [[String: JSONValue]], seed: UInt64 = 1, today: Date = Date()) {
        var random = SeededRandom(seed: seed ^ 0x7265_7374)
        let reference = referenceDate.timeIntervalSince1970
        func time(_ daysAgo: Double) -> JSONValue {
            .string(RFC3339.string(from: Date(timeIntervalSince1970: (reference - daysAgo * 86_400).rounded())))
        }
        // When keys were last used is relative to the day the sandbox starts, as usage is.
        let midnight = (today.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        func before(today daysAgo: Double) -> JSONValue {
            .string(RFC3339.string(from: Date(timeIntervalSince1970: (midnight - daysAgo * 86_400).rounded())))
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

        // (name, configuration index or nil, created days ago, last used days ago or nil). A key
        // used in the last 60 days gets its `lastUsed` from its usage events, below.
        let accessKeys: [(String, Int?, Double, Double?)] = [
            ("support-bot", 1, 280, 0.2), ("search-backend", 0, 250, 0.5), ("ml-notebooks", 2, 210, 3),
            ("legacy-batch", nil, 400, 150), ("ci-evals", 0, 120, 1), ("intern-sandbox", 2, 95, nil),
        ]
        for (name, configuration, created, lastUsed) in accessKeys {
            var fields: [String: JSONValue] = [
                "name": .string(name), "keyRedacted": .string("ngak_\(name.prefix(3))***\(random.int(in: 1000...9999))"),
            ]
            if let configuration { fields["accessKeyConfigurationId"] = .string(configurationIDs[configuration]) }
            if let lastUsed, lastUsed >= usageDays { fields["lastUsed"] = before(today: lastUsed) }
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
            if let lastUsed { fields["lastUsed"] = before(today: lastUsed) }
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
        // Purchase history (`credits.purchaseStatus`): one declined, one bought through the API.
        account.seedPurchases([
            (["id": "aigcp_2SampleDeclined0001", "status": "failed", "amountCents": 5_000, "currency": "usd", "createdAt": time(20),
              "expiresAt": time(-345), "failureCode": "card_declined", "failureMessage": "The card was declined."], nil),
            (["id": "aigcp_2SampleTopUp00000002", "status": "succeeded", "amountCents": 20_000, "currency": "usd", "createdAt": time(10),
              "expiresAt": time(-355), "failureCode": .null, "failureMessage": .null], "sample-top-up-2"),
        ])
        // Usage comes from the keys in use (not the stale one, nor the one never used), each
        // calling only the providers its configuration allows; then `lastUsed` follows from it.
        let allowed: [Set<String>] = configurations.map { configuration in
            Set(configuration.2["providers"]?["allow"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        let inUse = accessKeys.filter { ($0.3 ?? .infinity) < usageDays }
        let callers = account.records(.accessKeys).compactMap { record -> UsageCaller? in
            guard let key = inUse.first(where: { $0.0 == record["name"]?.stringValue }), let id = record["id"]?.stringValue
            else { return nil }
            return UsageCaller(accessKeyID: id, providers: key.1.map { allowed[$0] })
        }
        let events = usage(accessKeys: callers, keys: keys, today: today, random: &random)
        account.setUsage(events)
        account.setLastUsed(from: events, accessKeys: callers.map(\.accessKeyID), providerKeys: keys.filter(usesProviderKey))
        seedCatalogue(account)
    }
}

import Foundation

/// The sample account's model catalogue (the models its usage calls, with prices for its
/// providers), virtual models, firewall policies (one account-wide through the gateway
/// configuration, one a configuration's own), and the usage fields of the current API
/// (cache writes, estimates, per-part costs, `virtualModel`). Request traces follow from the
/// usage events (``AccountStore/attempts(requestID:)``).
extension SampleAccount {
    /// Seeds the parts above into `account`, after ``seedRest(_:keys:seed:today:)``'s records.
    static func seedCatalogue(_ account: AccountStore) {
        account.setModels(modelCatalogue)
        let created = JSONValue.string(RFC3339.string(from: referenceDate.addingTimeInterval(-20 * 86_400)))
        let virtual: [(String, String?, [String])] = [
            ("chat-default", "What the support bot asks for: Claude first, GPT-4o when it is down",
             ["anthropic:claude-sonnet-4-5", "openai:gpt-4o"]),
            ("cheap-fast", "Small models, cheapest first", ["openai:gpt-4o-mini", "google:gemini-2.5-flash", "anthropic:claude-haiku-4-5"]),
            ("let-ngrok-pick", nil, [Resource.autoModel]),
        ]
        for (name, description, models) in virtual {
            var fields: [String: JSONValue] = [
                "name": .string(name), "models": .array(models.map { .string($0) }), "warnings": [], "createdAt": created,
            ]
            if let description { fields["description"] = .string(description) }
            account.insert(.virtualModels, fields: fields)
        }
        // Rule members beyond `tier`, `name` and `instructions` are not shown on ngrok.com; these
        // (`toolNames`, `regex`, `phase`) are the sample's guesses, sent as given.
        let baseline = account.insert(.firewallPolicies, fields: [
            "name": "account-baseline", "description": "Blocks shell tools and leaked secrets for every key",
            "mode": "enforce", "onError": "block", "createdAt": created,
            "rules": [
                ["name": "No shell access", "tier": "hardDeny", "phase": "response", "toolNames": ["shell", "exec_*"]],
                ["name": "No AWS secrets in prompts", "tier": "hardDeny", "phase": "request", "regex": "AKIA[0-9A-Z]{16}"],
            ],
        ])
        let support = account.insert(.firewallPolicies, fields: [
            "name": "support-bot-guard", "description": "Keeps the support bot on support topics (report only for now)",
            "mode": "audit", "onError": "log", "createdAt": created,
            "environment": [["name": "product", "value": "helpdesk"]],
            "rules": [
                ["name": "Stay on support", "tier": "softDeny", "phase": "request",
                 "instructions": "Refuse requests that are not about using our product."],
                ["name": "Allow ticket tools", "tier": "allow", "phase": "response", "toolNames": ["tickets_*"]],
            ],
        ])
        var config = account.singletonFields(.gatewayConfig) ?? [:]
        config["firewallPolicyId"] = .string(baseline)
        account.setSingleton(.gatewayConfig, config)
        if let anthropic = account.records(.accessKeyConfigurations).first(where: { $0["name"] == "anthropic-prod" }),
           let id = anthropic["id"]?.stringValue
        {
            account.seedField(.accessKeyConfigurations, id: id, "firewallPolicyId", .string(support))
        }
        // The custom provider's models as the current API reads them back: each with its
        // unsupported parameters (none, or some), one served under another upstream id.
        if let vllm = account.records(.providers).first(where: { $0["providerId"] == "internal-vllm" }),
           let id = vllm["id"]?.stringValue, case .array(let models)? = vllm["models"]
        {
            account.seedField(.providers, id: id, "models", .array(models.map { model in
                guard case .object(var fields) = model else { return model }
                let llama = fields["modelId"] == "llama-3.3-70b-instruct"
                fields["unsupportedParams"] = llama ? ["logprobs", "parallel_tool_calls"] : []
                if llama { fields["providerModelId"] = "meta-llama/Llama-3.3-70B-Instruct" }
                return .object(fields)
            }))
        }
        account.setUsage(account.usageEvents.map(currentEvent))
    }

    /// An event of ``usage(accessKeys:keys:today:random:)`` with the fields the API added since:
    /// ngrok's token estimates, cache writes on some Claude calls, its cost in parts (each from
    /// its tokens and the model catalogue's price for the event's provider; the total their sum),
    /// and the virtual model some requests named (one choice per request, so every attempt of a
    /// request agrees). Derived from the event itself (deterministic).
    static func currentEvent(_ event: [String: JSONValue]) -> [String: JSONValue] {
        var out = event
        let input = event["inputTokens"]?.intValue ?? 0
        let output = event["outputTokens"]?.intValue ?? 0
        let cacheRead = event["cacheReadTokens"]?.intValue ?? 0
        let model = event["model"]?.stringValue ?? ""
        let provider = event["provider"]?.stringValue ?? ""
        // One number per request (its id), not per event.
        let request = (event["requestId"]?.stringValue ?? "").unicodeScalars.reduce(Int64(0)) { ($0 * 31 + Int64($1.value)) % 1_000_003 }
        let writes = model.hasPrefix("claude") && request % 5 == 0 ? input / 4 : 0
        let price = prices(model: model, provider: provider)
        /// Tokens at a per-token price, in units of 0.00001 US dollars.
        func cost(_ tokens: Int64, _ rate: String) -> Int64 { Int64((Double(tokens) * (price[rate] ?? 0) * 100_000).rounded()) }
        func money(_ units: Int64) -> JSONValue { .string(String(format: "%d.%05d", units / 100_000, units % 100_000)) }
        let inputCost = cost(max(0, input - cacheRead - writes), "prompt")
        let outputCost = cost(output, "completion")
        let readCost = cost(cacheRead, "input_cache_read")
        let writeCost = cost(writes, "input_cache_write")
        let providerCost = inputCost + outputCost + readCost + writeCost
        let fee = (providerCost * 5 + 50) / 100
        out["cacheWriteTokens"] = .int(writes)
        out["cacheWrite5mTokens"] = .int(writes)
        out["cacheWrite1hTokens"] = .int(0)
        out["inputTokensEstimate"] = .int(input + input / 50)
        out["outputTokensEstimate"] = .int(output + output / 40)
        out["usageEstimated"] = .bool(provider == "internal-vllm")
        out["ngrokProcessingFee"] = money(fee)
        out["inputTokenCost"] = money(inputCost)
        out["outputTokenCost"] = money(outputCost)
        out["cacheReadCost"] = money(readCost)
        out["cacheWriteCost"] = money(writeCost)
        out["cacheWrite5mCost"] = money(writeCost)
        out["cacheWrite1hCost"] = money(0)
        out["totalCost"] = money(providerCost + fee)
        if request % 3 == 0, ["claude-sonnet-4-5", "gpt-4o"].contains(model) { out["virtualModel"] = "chat-default" }
        if request % 4 == 1, ["gpt-4o-mini", "gemini-2.5-flash", "claude-haiku-4-5"].contains(model) { out["virtualModel"] = "cheap-fast" }
        return out
    }

    /// The per-token prices (US dollars) of `model` served by `provider` in ``modelCatalogue``,
    /// by rate type (`prompt`, `completion`, `input_cache_read`, `input_cache_write`).
    static func prices(model: String, provider: String) -> [String: Double] {
        guard let entry = modelCatalogue.first(where: { $0["id"]?.stringValue == model }),
              let served = entry["providers"]?.arrayValue?.first(where: { $0["id"]?.stringValue == provider })
        else { return [:] }
        var out: [String: Double] = [:]
        for rate in served["pricing"]?["rates"]?.arrayValue ?? [] {
            if let type = rate["type"]?.stringValue, let price = rate["price"]?.stringValue.flatMap(Double.init) { out[type] = price }
        }
        return out
    }

    /// The models the sample's usage calls, as `GET /v1/models` lists them, with prices in US
    /// dollars per token (`claude-sonnet-4-5` has two providers at different prices).
    static let modelCatalogue: [JSONValue] = [
        model("gpt-4o", "GPT-4o", [provider("openai", "OpenAI", "gpt-4o", 2.5, 10, context: 128_000, uptime: 99.7)]),
        model("gpt-4o-mini", "GPT-4o mini", [provider("openai", "OpenAI", "gpt-4o-mini", 0.15, 0.6, context: 128_000, uptime: 99.9)]),
        model("claude-sonnet-4-5", "Claude Sonnet 4.5", [
            provider("anthropic", "Anthropic", "claude-sonnet-4-5", 3, 15, context: 200_000, uptime: 98.9, format: "anthropic"),
            provider("google", "Google Vertex", "claude-sonnet-4-5", 3.3, 16.5, context: 200_000, uptime: 99.95, format: "anthropic"),
        ]),
        model("claude-haiku-4-5", "Claude Haiku 4.5", [
            provider("anthropic", "Anthropic", "claude-haiku-4-5", 1, 5, context: 200_000, uptime: 99.5, format: "anthropic"),
        ]),
        model("gemini-2.5-flash", "Gemini 2.5 Flash", [
            provider("google", "Google", "gemini-2.5-flash", 0.3, 2.5, context: 1_048_576, uptime: 99.2, format: "google"),
        ]),
        model("llama-3.3-70b-instruct", "Llama 3.3 70B", [
            provider("groq", "Groq", "llama-3.3-70b-instruct", 0.59, 0.79, context: 131_072, uptime: 99.1),
            provider("internal-vllm", "Internal vLLM", "llama-3.3-70b-instruct", 0, 0, context: 0, uptime: nil, active: false),
        ]),
    ]

    private static func model(_ id: String, _ name: String, _ providers: [JSONValue], owner: String = "ngrok") -> JSONValue {
        .object([
            "id": .string(id), "name": .string(name), "created": .int(1_760_000_000), "slug": .string(id), "object": "model",
            "owned_by": .string(owner), "providers": .array(providers),
            "architecture": ["modality": "text->text", "input_modalities": ["text"], "output_modalities": ["text"]],
        ])
    }

    private static func provider(
        _ id: String, _ display: String, _ model: String, _ input: Double, _ output: Double, context: Int64, uptime: Double?,
        format: String = "openai", active: Bool = true
    ) -> JSONValue {
        func perToken(_ dollarsPerMillion: Double) -> JSONValue { .string(String(format: "%.10f", dollarsPerMillion / 1_000_000)) }
        var metrics: [String: JSONValue] = [:]
        if let uptime {
            metrics = [
                "uptime_last_1h": .double(uptime), "uptime_last_1d": .double(min(100, uptime + 0.05)),
                "latency_last_1h": ["p50": .double(420 + input * 10), "p95": .double(1_300 + input * 30), "window_minutes": 60],
            ]
        }
        // Cache reads at a tenth (Anthropic), a quarter (Google) or half (OpenAI) of the prompt
        // price; Anthropic's cache writes at 1.25 times it.
        var rates: [JSONValue] = [
            ["type": "prompt", "unit": "token", "price": perToken(input)],
            ["type": "completion", "unit": "token", "price": perToken(output)],
            ["type": "input_cache_read", "unit": "token",
             "price": perToken(input * (format == "anthropic" ? 0.1 : format == "google" ? 0.25 : 0.5))],
        ]
        if format == "anthropic" { rates.append(["type": "input_cache_write", "unit": "token", "price": perToken(input * 1.25)]) }
        var out: [String: JSONValue] = [
            "model_id": .string("\(id):\(model)"), "id": .string(id), "display_name": .string(display),
            "context_length": .int(context), "supports_implicit_caching": .bool(id == "openai"),
            "status": .string(active ? "active" : "inactive"),
            "pricing": ["currency": "USD", "rates": .array(rates)],
            "supported_api_formats": [[
                "format": .string(format), "name": "chat-completions", "path": "/v1/chat/completions",
                "parameters": ["temperature", "max_tokens", "tools"],
            ]],
        ]
        if !metrics.isEmpty { out["metrics"] = .object(metrics) }
        return .object(out)
    }
}

extension AccountStore {
    /// Sets one field of a seeded record in place (seeding, not a change: no history entry).
    func seedField(_ resource: Resource, id: String, _ name: String, _ value: JSONValue) {
        state.withLockedValue { state in
            guard var stored = state.tables[resource.name]?.records[id] else { return }
            stored.fields[name] = value
            state.tables[resource.name]!.put(stored)
        }
    }
}

import Foundation

/// The sample account's usage events, and the `lastUsed` of its keys derived from them, so that
/// "which keys did nobody use" gives the same answer from `lastUsed` as from usage: a key used
/// in the window has as `lastUsed` the time of its latest event; a key with no event in the
/// window was never used (no `lastUsed`) or last used before the window began.
extension SampleAccount {
    /// How many days before the sandbox starts usage events cover.
    static let usageDays: Double = 60

    /// An access key that sends requests, and the providers its configuration allows (nil: all).
    struct UsageCaller {
        var accessKeyID: String
        var providers: Set<String>?
    }

    /// Whether a provider key of ``make(seed:count:baseURL:referenceDate:)`` is one in current
    /// use, whose usage events (and so whose `lastUsed`) the usage makes: one that `make` dates
    /// as used within the 30 days before its reference date. Never-used keys and stale keys
    /// (last used more than 90 days before) keep what `make` gave them.
    static func usesProviderKey(_ key: [String: JSONValue]) -> Bool {
        guard let text = key["lastUsed"]?.stringValue, let lastUsed = RFC3339.date(from: text) else { return false }
        return lastUsed >= referenceDate.addingTimeInterval(-30 * 86_400)
    }

    /// About 3,000 usage events over the ``usageDays`` days before `today` (UTC midnight), newest
    /// last. Each request comes from one of `accessKeys`, to a model of a provider its
    /// configuration allows, served by a provider key of that provider in current use
    /// (``usesProviderKey(_:)``) and created before the request, else by ngrok's own key.
    static func usage(accessKeys: [UsageCaller], keys: [[String: JSONValue]], today: Date, random: inout SeededRandom)
        -> [[String: JSONValue]]
    {
        let midnight = (today.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        // (provider, display, model, display, dollars per million input, per million output)
        let models: [(String, String, String, String, Double, Double)] = [
            ("openai", "OpenAI", "gpt-4o", "GPT-4o", 2.5, 10), ("openai", "OpenAI", "gpt-4o-mini", "GPT-4o mini", 0.15, 0.6),
            ("anthropic", "Anthropic", "claude-sonnet-4-5", "Claude Sonnet 4.5", 3, 15),
            ("anthropic", "Anthropic", "claude-haiku-4-5", "Claude Haiku 4.5", 1, 5),
            ("google", "Google", "gemini-2.5-flash", "Gemini 2.5 Flash", 0.3, 2.5),
            ("internal-vllm", "Internal vLLM", "llama-3.3-70b-instruct", "Llama 3.3 70B", 0, 0),
        ]
        let serving = Dictionary(grouping: keys.filter(usesProviderKey)) { $0["providerId"]?.stringValue ?? "" }
            .mapValues { keys in
                keys.map { key in
                    (key: key, created: key["createdAt"]?.stringValue.flatMap(RFC3339.date(from:))?.timeIntervalSince1970 ?? 0)
                }
            }
        var events: [[String: JSONValue]] = []
        events.reserveCapacity(3_200)
        var serial = 0
        for day in 0..<Int(usageDays) {
            for _ in 0..<(40 + random.below(21)) {
                let at = midnight - Double(day + 1) * 86_400 + Double(random.below(86_400))
                let caller = accessKeys.isEmpty ? nil : accessKeys[random.below(accessKeys.count)]
                let allowedModels = models.filter { caller?.providers?.contains($0.0) ?? true }
                let (provider, providerName, model, modelName, inPrice, outPrice) = random.pick(allowedModels.isEmpty ? models : allowedModels)
                let requestID = "req_" + String(random.next() % 1_000_000_000_000, radix: 36)
                let retried = random.chance(0.08)
                let gaveUp = random.chance(0.02)  // the last attempt failed too
                for attempt in 1...(retried ? 2 : 1) {
                    serial += 1
                    let time = at + Double(attempt - 1) * 2
                    let failed = (retried && attempt == 1) || (gaveUp && attempt == (retried ? 2 : 1))
                    let input = Int64(random.int(in: 200...6_000))
                    let output = failed ? 0 : Int64(random.int(in: 20...1_500))
                    let cost = (Double(input) * inPrice + Double(output) * outPrice) / 1_000_000
                    let candidates = (serving[provider] ?? []).filter { $0.created <= time }
                    let key = candidates.isEmpty ? nil : candidates[random.below(candidates.count)].key
                    var event: [String: JSONValue] = [
                        "id": .string("aigue_" + String(format: "%07d", serial)),
                        "eventTime": .string(RFC3339.string(from: Date(timeIntervalSince1970: time))),
                        "requestId": .string(requestID), "accessKeyId": .string(caller?.accessKeyID ?? "aigak_none"),
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

    /// The latest event time of each key in `events`, by access key id and by provider key id.
    static func latestUse(in events: [[String: JSONValue]]) -> (accessKeys: [String: Date], providerKeys: [String: Date]) {
        var accessKeys: [String: Date] = [:]
        var providerKeys: [String: Date] = [:]
        for event in events {
            guard let text = event["eventTime"]?.stringValue, let time = RFC3339.date(from: text) else { continue }
            if let id = event["accessKeyId"]?.stringValue { accessKeys[id] = max(accessKeys[id] ?? time, time) }
            if let id = event["providerKeyId"]?.stringValue { providerKeys[id] = max(providerKeys[id] ?? time, time) }
        }
        return (accessKeys, providerKeys)
    }
}

extension AccountStore {
    /// Sets the `lastUsed` of the seeded keys that `events` speak for (`accessKeys`, `providerKeys`)
    /// to their latest event, or removes it when they have none. In place: seeding, not a change
    /// (no history entry, `updatedAt` kept).
    func setLastUsed(from events: [[String: JSONValue]], accessKeys: [String], providerKeys: [[String: JSONValue]]) {
        let latest = SampleAccount.latestUse(in: events)
        let providerKeyIDs = providerKeys.compactMap { $0["id"]?.stringValue }
        state.withLockedValue { state in
            for (resource, ids, times) in [
                (Resource.accessKeys, accessKeys, latest.accessKeys), (Resource.providerKeys, providerKeyIDs, latest.providerKeys),
            ] {
                for id in ids {
                    guard var stored = state.tables[resource.name]?.records[id] else { continue }
                    stored.fields["lastUsed"] = times[id].map { .string(RFC3339.string(from: $0)) }
                    state.tables[resource.name]!.put(stored)
                }
            }
        }
    }
}

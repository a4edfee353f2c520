import Foundation

/// A realistic, deterministic sample account: provider keys across several providers with
/// typical names, descriptions, metadata (mostly JSON, some null, a few free-form strings),
/// stale and never-used keys, all dated relative to a fixed reference date.
public enum SampleAccount {
    /// The default number of keys.
    public static let defaultCount = 40

    /// The fixed "today" of the sample data: 2026-11-01T00:00:00Z.
    public static let referenceDate = Date(timeIntervalSince1970: 1_793_491_200)

    /// The providers used, most common first.
    public static let providers = ["openai", "anthropic", "google", "mistral", "groq", "deepseek"]

    private static let day: TimeInterval = 86_400

    /// Makes `count` provider keys for `seed`, newest first (descending id order, as the API
    /// lists them), as ``AccountStore/insert(_:fields:secrets:)`` takes them (with `value`).
    /// Ids sort in creation order; `createdAt` lies within two years before `referenceDate`.
    /// At least three keys (when `count` >= 6) were last used more than 90 days before
    /// `referenceDate`, and some were never used. `baseURL` is accepted for symmetry with the
    /// server but unused: records render their URIs relative to whichever server serves them.
    public static func make(
        seed: UInt64 = 1,
        count: Int = defaultCount,
        baseURL: String? = nil,
        referenceDate: Date = SampleAccount.referenceDate
    ) -> [[String: JSONValue]] {
        guard count > 0 else { return [] }
        var random = SeededRandom(seed: seed ^ 0x7361_6D70_6C65)
        var ids = RecordIDGenerator(seed: seed)
        let reference = referenceDate.timeIntervalSince1970

        // Creation ages in seconds, oldest first, between 2 years and 1 day before the reference.
        let ages = (0..<count).map { _ in Double(random.int(in: Int(day)...Int(730 * day))) }.sorted(by: >)
        let legacyCount = count >= 6 ? max(3, count * 3 / 20) : 0

        var usedNames = Set<String>()
        var perProviderProd: [String: Int] = [:]
        var keys: [[String: JSONValue]] = []
        var lastID: String?
        for (index, age) in ages.enumerated() {
            let createdAt = reference - age
            let provider = pickProvider(&random)
            let isLegacy = index < legacyCount
            let name = uniqueName(
                baseName(provider: provider, legacy: isLegacy, random: &random, prodCounters: &perProviderProd),
                used: &usedNames
            )
            let updatedAt = random.chance(0.5) ? createdAt : createdAt + Double(random.int(in: 0...Int(age)))
            let lastUsed: TimeInterval?
            if isLegacy {
                // Stale: last used between creation and 91+ days before the reference.
                let latest = reference - 91 * day
                lastUsed = createdAt + Double(random.int(in: 0...max(0, Int(latest - createdAt))))
            } else if random.chance(0.15) || index == legacyCount {
                // Never used (at least one key is).
                lastUsed = nil
            } else if age > 100 * day && random.chance(0.15) {
                lastUsed = reference - Double(random.int(in: Int(91 * day)...Int(age)))
            } else {
                lastUsed = reference - Double(random.int(in: 0...Int(min(age, 30 * day))))
            }
            let user = random.chance(0.7) ? AccountStore.defaultUserID : random.pick(["usr_2ana", "usr_2bob"])
            let id = ids.next(after: lastID)
            lastID = id
            func time(_ seconds: TimeInterval) -> JSONValue { .string(RFC3339.string(from: Date(timeIntervalSince1970: seconds))) }
            var key: [String: JSONValue] = [
                "id": .string(id), "providerId": .string(provider), "name": .string(name),
                "value": .string(secret(provider: provider, random: &random)),
            ]
            key["description"] = description(legacy: isLegacy, provider: provider, random: &random).map(JSONValue.string)
            key["metadata"] = metadata(random: &random).map(JSONValue.string)
            key["createdAt"] = time(createdAt)
            key["updatedAt"] = time(updatedAt)
            key["lastUsed"] = lastUsed.map(time)
            key["createdBy"] = .object(["id": .string(user)])
            key["lastUpdatedBy"] = .object(["id": .string(random.chance(0.8) ? user : AccountStore.defaultUserID)])
            keys.append(key)
        }
        return keys.reversed()
    }

    // MARK: - Pieces

    private static func pickProvider(_ random: inout SeededRandom) -> String {
        let weights = [30, 25, 15, 10, 10, 10]
        var draw = random.below(weights.reduce(0, +))
        for (provider, weight) in zip(providers, weights) {
            if draw < weight { return provider }
            draw -= weight
        }
        return providers[0]
    }

    private static func baseName(
        provider: String,
        legacy: Bool,
        random: inout SeededRandom,
        prodCounters: inout [String: Int]
    ) -> String {
        if legacy {
            return random.pick(["legacy-\(provider)", "legacy-\(provider)-prod", "legacy-\(provider)-batch"])
        }
        switch random.below(10) {
        case 0...3:
            prodCounters[provider, default: 0] += 1
            let number = prodCounters[provider]!
            return "\(provider)-prod-" + (number < 10 ? "0\(number)" : "\(number)")
        case 4: return "\(provider)-staging"
        case 5: return "\(provider)-dev"
        case 6: return "ci-\(provider)"
        default:
            return random.pick([
                "Team ML Key", "Research sandbox", "Support bot", "Batch summarizer", "Search relevance",
                "Équipe Paris", "Data platform", "Eval harness",
            ])
        }
    }

    private static func uniqueName(_ name: String, used: inout Set<String>) -> String {
        var candidate = name
        var suffix = 2
        while used.contains(candidate) {
            candidate = "\(name)-\(suffix)"
            suffix += 1
        }
        used.insert(candidate)
        return candidate
    }

    private static func description(legacy: Bool, provider: String, random: inout SeededRandom) -> String? {
        if legacy {
            return random.chance(0.3) ? nil : "Migrated from the old gateway; scheduled for removal"
        }
        if random.chance(0.3) { return nil }
        return random.pick([
            "Production traffic for the customer chat assistant",
            "Staging environment, safe to rotate",
            "Nightly batch summarization jobs",
            "Owned by the ML platform team",
            "Rotated quarterly, see the runbook",
            "Shared key for internal experiments",
            "Clé de l'équipe Paris 🇫🇷",
            "Fallback \(provider) key for outages",
        ])
    }

    private struct Metadata: Encodable {
        var team: String
        var env: String
        var owner: String
    }

    private static func metadata(random: inout SeededRandom) -> String? {
        let draw = random.unit()
        if draw < 0.25 { return nil }
        if draw < 0.35 {
            return random.pick(["owner: bob", "team=search;env=dev", "rotate before Q3"])
        }
        let value = Metadata(
            team: random.pick(["ml", "search", "support", "platform", "growth"]),
            env: random.pick(["prod", "prod", "staging", "dev"]),
            owner: random.pick(["ana@example.com", "bob@example.com", "chen@example.com", "dana@example.com"])
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func secret(provider: String, random: inout SeededRandom) -> String {
        let alphanumerics = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        func chars(_ count: Int) -> String {
            String((0..<count).map { _ in alphanumerics[random.below(alphanumerics.count)] })
        }
        switch provider {
        case "openai": return "sk-proj-" + chars(48)
        case "anthropic": return "sk-ant-api03-" + chars(40)
        case "google": return "AIza" + chars(35)
        case "groq": return "gsk_" + chars(52)
        case "deepseek": return "sk-" + chars(32)
        default: return chars(32)
        }
    }
}

import FakeNgrokAI
import Foundation
import NgrokAICatalogue
import Testing

/// The sample account's keys say when they were last used as its usage events do, so that
/// "find unused keys" rehearsed in the sandbox gives the answers the usage gives.
@Suite struct SampleAccountUsageTests {
    static let day: TimeInterval = 86_400

    struct Seeded {
        var account: AccountStore
        var events: [[String: JSONValue]]
        /// The first moment usage covers: 60 days before the UTC midnight of `today`.
        var windowStart: Date
    }

    static func seeded(seed: UInt64, today: Date) -> Seeded {
        let keys = SampleAccount.make(seed: seed)
        let account = AccountStore(seed: seed)
        for key in keys { account.insert(.providerKeys, fields: key) }
        SampleAccount.seedRest(account, keys: keys, seed: seed, today: today)
        let midnight = (today.timeIntervalSince1970 / day).rounded(.down) * day
        return Seeded(account: account, events: account.usageEvents, windowStart: Date(timeIntervalSince1970: midnight - 60 * day))
    }

    static func date(_ value: JSONValue?) -> Date? { value?.stringValue.flatMap(RFC3339.date(from:)) }

    static let days: [(seed: UInt64, today: Date)] = [
        (1, Date()), (2, Date()), (17, Date()),
        (1, SampleAccount.referenceDate), (1, SampleAccount.referenceDate.addingTimeInterval(400 * day)),
    ]

    /// For every provider key and access key: used in the window, `lastUsed` is its latest
    /// event; not used in it, `lastUsed` is absent (never used) or earlier than the window.
    @Test(arguments: days.indices)
    func lastUsedAgreesWithUsageForEveryKey(_ i: Int) throws {
        let (seed, today) = Self.days[i]
        let s = Self.seeded(seed: seed, today: today)
        for (resource, field) in [(Resource.providerKeys, "providerKeyId"), (Resource.accessKeys, "accessKeyId")] {
            let records = s.account.records(resource)
            #expect(!records.isEmpty)
            var used = 0
            for record in records {
                let id = try #require(record["id"]?.stringValue)
                let name = record["name"]?.stringValue ?? id
                let times = s.events.filter { $0[field]?.stringValue == id }.compactMap { Self.date($0["eventTime"]) }
                let lastUsed = Self.date(record["lastUsed"])
                if let latest = times.max() {
                    used += 1
                    #expect(lastUsed == latest, "\(resource.name) \(name): lastUsed \(String(describing: lastUsed)), latest event \(latest)")
                } else if let lastUsed {
                    #expect(lastUsed < s.windowStart, "\(resource.name) \(name): lastUsed \(lastUsed) but no event since \(s.windowStart)")
                }
                let created = try #require(Self.date(record["createdAt"]))
                if let lastUsed { #expect(lastUsed >= created, "\(resource.name) \(name) used before it was made") }
                #expect(times.allSatisfy { $0 >= created }, "\(resource.name) \(name) has events before it was made")
                #expect(lastUsed.map { $0 <= today } ?? true, "\(resource.name) \(name) used in the future")
            }
            #expect(used > 0, "some \(resource.name) are in use")
            #expect(used < records.count, "some \(resource.name) are not")
        }
    }

    /// Requests only reach providers the access key's configuration allows.
    @Test func usageKeepsToEachAccessKeysConfiguration() throws {
        let s = Self.seeded(seed: 1, today: Date())
        let configurations = Dictionary(uniqueKeysWithValues: s.account.records(.accessKeyConfigurations).compactMap { c in
            c["id"]?.stringValue.map { ($0, Set(c["access"]?["providers"]?["allow"]?.arrayValue?.compactMap(\.stringValue) ?? [])) }
        })
        let allowed = Dictionary(uniqueKeysWithValues: s.account.records(.accessKeys).compactMap { k in
            k["id"]?.stringValue.map { ($0, k["accessKeyConfiguration"]?["id"]?.stringValue.flatMap { configurations[$0] }) }
        })
        #expect(s.events.count > 2_000)
        for event in s.events {
            let key = try #require(event["accessKeyId"]?.stringValue)
            let provider = try #require(event["provider"]?.stringValue)
            if let providers = try #require(allowed[key]) { #expect(providers.contains(provider), "\(key) → \(provider)") }
        }
    }
}

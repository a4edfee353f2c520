import FakeNgrokAI
import Foundation
import Testing
import TestSupport

@Suite struct SampleAccountTests {
    static let ninetyDaysBeforeReference = SampleAccount.referenceDate.addingTimeInterval(-90 * 86_400)

    @Test func deterministicForASeed() {
        let first = SampleAccount.make(seed: 1)
        #expect(first == SampleAccount.make(seed: 1))
        #expect(first.count == 40)
        #expect(first != SampleAccount.make(seed: 2))
        #expect(SampleAccount.make(seed: 1, count: 0).isEmpty)
        #expect(SampleAccount.make(seed: 9, count: 7).count == 7)
    }

    @Test(arguments: [1, 2, 3, 17, 2026] as [UInt64])
    func realisticContent(seed: UInt64) throws {
        let made = SampleAccount.make(seed: seed)
        let account = AccountStore()
        for key in made { account.insert(.providerKeys, fields: key) }
        let keys = account.all(.providerKeys)
        let reference = SampleAccount.referenceDate
        let twoYearsBefore = reference.addingTimeInterval(-731 * 86_400)
        func date(_ text: String?) -> Date? { text.flatMap(RFC3339.date(from:)) }

        let ids = keys.map(\.id)
        #expect(ids == made.map { $0["id"]?.stringValue ?? "" }, "as the API lists them")
        #expect(ids == ids.sorted(by: >), "newest first")
        #expect(Set(ids).count == ids.count)
        let created = keys.compactMap { date($0.createdAt) }
        #expect(created == created.sorted(by: >) && created.count == keys.count, "ids sort in creation order")
        #expect(Set(keys.map(\.name)).count == keys.count, "names are unique")
        #expect(Set(keys.compactMap(\.providerId)).isSubset(of: Set(SampleAccount.providers)))
        #expect(Set(keys.compactMap(\.providerId)).count >= 4)

        for key in keys {
            let createdAt = try #require(date(key.createdAt))
            let updatedAt = try #require(date(key.updatedAt))
            #expect(createdAt > twoYearsBefore && createdAt < reference)
            #expect(updatedAt >= createdAt && updatedAt <= reference)
            if let lastUsed = date(key.lastUsed) {
                #expect(lastUsed >= createdAt && lastUsed <= reference)
            }
            let value = try #require(account.secret(.providerKeys, id: key.id, field: "value"))
            #expect(key.keyRedacted == AccountStore.redact(value))
            #expect(!(key.keyRedacted ?? value).contains(value))
            #expect(key.name.unicodeScalars.count <= 255)
            #expect((key.description?.unicodeScalars.count ?? 0) <= 255)
        }
        let stale = keys.filter { (date($0.lastUsed) ?? .distantFuture) < Self.ninetyDaysBeforeReference }
        #expect(stale.count >= 3)
        #expect(keys.contains { $0.lastUsed == nil })
        #expect(keys.contains { $0.name.hasPrefix("legacy-") })
        #expect(keys.contains { $0.description == nil })
        #expect(keys.contains { $0.description != nil })
        #expect(keys.contains { $0.metadata == nil })
        let jsonMetadata = keys.compactMap(\.metadata).filter {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any]
        }
        #expect(!jsonMetadata.isEmpty)
    }

    @Test func seedOneHasEveryKindOfMetadata() {
        let metadata = SampleAccount.make(seed: 1).compactMap { $0["metadata"]?.stringValue }
        let json = metadata.filter { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] }
        #expect(json.contains { $0.contains("\"team\"") && $0.contains("\"owner\"") && $0.contains("\"env\"") })
        #expect(metadata.count > json.count, "a few metadata strings are not JSON")
    }

    @Test func sandboxServesMoreThanOnePageAt25() async throws {
        try await withFakeNgrokAIServer(.sandbox()) { (server, client) async throws in
            #expect(server.account.count(.providerKeys) == 40)
            let pages = try await collectPages(client: client, base: server.baseURL, firstPath: "/provider-keys?limit=25")
            #expect(pages.map(\.count) == [25, 15])
            #expect(pages.flatMap { $0 } == SampleAccount.make(seed: 1).map { $0["id"]?.stringValue ?? "" })
            let first = try await client.get("/provider-keys?limit=25")
            // Every record renders with all fields.
            for record in try first.records() {
                #expect(record.count == 12)
            }
        }
    }
}

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
        let keys = SampleAccount.make(seed: seed)
        let reference = SampleAccount.referenceDate
        let twoYearsBefore = reference.addingTimeInterval(-731 * 86_400)

        let ids = keys.map(\.id)
        #expect(ids == ids.sorted(by: >), "newest first")
        #expect(Set(ids).count == ids.count)
        #expect(keys.map(\.createdAt) == keys.map(\.createdAt).sorted(by: >), "ids sort in creation order")
        #expect(Set(keys.map(\.name)).count == keys.count, "names are unique")
        #expect(Set(keys.map(\.providerId)).isSubset(of: Set(SampleAccount.providers)))
        #expect(Set(keys.map(\.providerId)).count >= 4)

        for key in keys {
            #expect(key.createdAt > twoYearsBefore && key.createdAt < reference)
            #expect(key.updatedAt >= key.createdAt && key.updatedAt <= reference)
            if let lastUsed = key.lastUsed {
                #expect(lastUsed >= key.createdAt && lastUsed <= reference)
            }
            let value = try #require(key.value)
            #expect(key.keyRedacted == FakeProviderKey.redact(value))
            #expect(!key.keyRedacted.contains(value))
            #expect(key.name.unicodeScalars.count <= 255)
            #expect((key.description?.unicodeScalars.count ?? 0) <= 255)
        }
        let stale = keys.filter { ($0.lastUsed ?? .distantFuture) < Self.ninetyDaysBeforeReference }
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
        let metadata = SampleAccount.make(seed: 1).compactMap(\.metadata)
        let json = metadata.filter { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] }
        #expect(json.contains { $0.contains("\"team\"") && $0.contains("\"owner\"") && $0.contains("\"env\"") })
        #expect(metadata.count > json.count, "a few metadata strings are not JSON")
    }

    @Test func sandboxServesMoreThanOnePageAt25() async throws {
        try await withFakeNgrokAIServer(.sandbox()) { (server, client) async throws in
            #expect(server.store.count == 40)
            let pages = try await collectPages(client: client, base: server.baseURL, firstPath: "/provider-keys?limit=25")
            #expect(pages.map(\.count) == [25, 15])
            #expect(pages.flatMap { $0 } == SampleAccount.make(seed: 1).map(\.id))
            let first = try await client.get("/provider-keys?limit=25")
            // Every record renders with all fields.
            for record in try first.records() {
                #expect(record.count == 12)
            }
        }
    }
}

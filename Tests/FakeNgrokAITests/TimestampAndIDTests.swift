import FakeNgrokAI
import Foundation
import Testing

@Suite struct TimestampAndIDTests {
    @Test func rfc3339Formatting() throws {
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_795_773_600)) == "2026-11-27T10:00:00Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_795_773_600.123)) == "2026-11-27T10:00:00.123Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(RFC3339.string(from: SampleAccount.referenceDate) == "2026-11-01T00:00:00Z")
        for text in ["2026-11-27T10:00:00Z", "2026-11-27T10:00:00.001Z", "2024-02-29T23:59:59.999Z"] {
            let date = try #require(RFC3339.date(from: text))
            #expect(RFC3339.string(from: date) == text)
        }
        #expect(RFC3339.date(from: "not a date") == nil)
    }

    @Test func generatedIDsSortInInsertionOrderAfterForeignOnes() {
        let store = AccountStore(seed: 3)
        var previous = ""
        for index in 0..<300 {
            let id = store.seedKey(name: "k\(index)").id
            #expect(id > previous)
            #expect(id.hasPrefix("aigpk_"))
            previous = id
        }
        store.seedKey(id: "aigpk_~~~", name: "foreign")
        for index in 0..<3 {
            let id = store.seedKey(name: "after\(index)").id
            #expect(id > "aigpk_~~~")
            #expect(id > previous)
            previous = id
        }
        #expect(store.all(.providerKeys).map(\.id) == store.all(.providerKeys).map(\.id).sorted(by: >))
        #expect(store.all(.providerKeys).first?.id == previous)
    }

    @Test func timestampsOfUpdatesAreStrictlyIncreasing() async throws {
        let store = AccountStore()
        let dates = (0..<50).compactMap { store.seedKey(name: "k\($0)").createdAt.flatMap(RFC3339.date(from:)) }
        #expect(dates.count == 50)
        #expect(zip(dates, dates.dropFirst()).allSatisfy { $0 < $1 })
    }
}

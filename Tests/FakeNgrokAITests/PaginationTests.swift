import FakeNgrokAI
import Foundation
import Testing
import TestSupport

@Suite struct PaginationTests {
    /// 250 keys: 100 openai, 100 anthropic, 50 google, interleaved.
    static func seed(_ store: AccountStore) {
        for index in 0..<250 {
            let provider = ["openai", "openai", "anthropic", "anthropic", "google"][index % 5]
            store.seedKey(providerId: provider, name: "key-\(index)")
        }
    }

    @Test(arguments: [
        (100, nil), (7, nil), (50, nil), (83, nil), (1, nil),
        (100, "openai"), (7, "anthropic"), (25, "google"), (7, "google"), (100, "google"), (3, "nobody"),
    ] as [(Int, String?)])
    func everyKeyExactlyOnceInDescendingOrder(limit: Int, provider: String?) async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            Self.seed(server.account)
            let expected = server.account.all(.providerKeys).filter { provider == nil || $0.providerId == provider }.map(\.id)
            #expect(expected == expected.sorted(by: >))
            var first = "/provider-keys?limit=\(limit)"
            if let provider {
                first += "&provider=\(provider)"
            }
            let pages = try await collectPages(client: client, base: server.baseURL, firstPath: first)
            let ids = pages.flatMap { $0 }
            #expect(ids == expected)
            #expect(Set(ids).count == ids.count)
            let expectedPages = max(1, (expected.count + limit - 1) / limit)
            #expect(pages.count == expectedPages, "an exact multiple must not produce an empty last page")
            #expect(pages.dropLast().allSatisfy { $0.count == limit })
        }
    }

    @Test func nextPageURIKeepsTheQueryAndSetsBeforeID() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            Self.seed(server.account)
            let response = try await client.get("/provider-keys?provider=google&limit=10")
            let ids = try response.ids()
            let next = try #require(try response.nextPageURI())
            #expect(next == server.baseURL + "/provider-keys?provider=google&limit=10&beforeId=\(ids.last!)")
            let second = try await client.get(try target(of: next, base: server.baseURL))
            let secondNext = try #require(try second.nextPageURI())
            #expect(secondNext == server.baseURL + "/provider-keys?provider=google&limit=10&beforeId=\(try second.ids().last!)")
        }
    }

    @Test func defaultLimitIs100() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            Self.seed(server.account)
            let response = try await client.get("/provider-keys")
            #expect(try response.ids().count == 100)
            #expect(try response.nextPageURI() != nil)
        }
    }

    @Test func beforeIDIsAnExclusiveCursor() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            Self.seed(server.account)
            let all = server.account.all(.providerKeys).map(\.id)
            let page = try await client.get("/provider-keys?limit=3&beforeId=\(all[10])")
            #expect(try page.ids() == Array(all[11..<14]))
            let beforeEverything = try await client.get("/provider-keys?beforeId=aigpk_")
            #expect(try beforeEverything.ids() == [])
            #expect(try beforeEverything.nextPageURI() == nil)
            let lastTwo = try await client.get("/provider-keys?limit=2&beforeId=\(all[all.count - 2])")
            #expect(try lastTwo.ids() == [all.last!])
            #expect(try lastTwo.nextPageURI() == nil)
        }
    }

    @Test(arguments: ["0", "101", "abc", "", "-1", "1.5", "1e2", "99999999999999999999"])
    func invalidLimitsAre400(limit: String) async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (_, client) async throws in
            let response = try await client.get("/provider-keys?limit=\(limit)")
            #expect(response.status == 400)
            let error = try #require(response.errorBody)
            #expect(error.errorCode == "ERR_NGROK_400")
            #expect(error.msg.contains("limit"))
        }
    }

    @Test func limitBounds() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            Self.seed(server.account)
            #expect(try await client.get("/provider-keys?limit=1").ids().count == 1)
            #expect(try await client.get("/provider-keys?limit=100").ids().count == 100)
        }
    }
}

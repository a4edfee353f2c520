import FakeNgrokAI
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import NgrokAI

/// `listAll`: every page once, the next one asked for while the current one is decoded.
@Suite struct ListAllTests {
    @Test(arguments: [
        (#"{"a":[],"nextPageUri":"http://h/p?beforeId=x","uri":"u"}"#, "http://h/p?beforeId=x"),
        (#"{"a":[], "nextPageUri" :  "http://h/p" }"#, "http://h/p"),
        (#"{"a":[{"nextPageUri":"inner"}],"nextPageUri":"outer"}"#, "outer"),
        (#"{"a":[],"nextPageUri":null}"#, nil),
        (#"{"a":[]}"#, nil),
        (#"{"nextPageUri":"http:\/\/h\/p"}"#, nil),
        (#"{"nextPageUri":"http://h/p"#, nil),
        (#"{"nextPageUri":""}"#, nil),
        (#"{"nextPageUri":5}"#, nil),
        (#""nextPageUri""#, nil),
        ("", nil),
    ] as [(String, String?)])
    func peekReadsTheLastPlainStringMember(_ body: String, _ expected: String?) {
        #expect(NextPageURI.peek(ByteBuffer(string: body)) == expected)
    }

    @Test func everyPageIsAskedForOnce() async throws {
        try await FakeFixture.run { f in
            for i in 1...25 { f.seed(name: "k\(i)") }
            let sent = NIOLockedValueBox(0)
            let all = try await f.client.listAll(.providerKeys, parameters: ["limit": 10], willSend: { sent.withLockedValue { $0 += 1 } })
            #expect(all.count == 25)
            #expect(Set(all.compactMap { $0["name"]?.stringValue }) == Set((1...25).map { "k\($0)" }))
            var paged: [String] = []
            var page = try await f.client.list(.providerKeys, parameters: ["limit": 10])
            paged += Self.ids(page.records)
            while let next = page.nextPageURI {
                page = try await f.client.list(.providerKeys, nextPageURI: next)
                paged += Self.ids(page.records)
            }
            #expect(Self.ids(all) == paged, "the same records in the same order as page by page")
            #expect(sent.withLockedValue { $0 } == 3)
            #expect(f.server.requestLog.count == 6, "3 pages by listAll, 3 by hand: none asked for twice")
        }
    }

    static func ids(_ records: [[String: JSONValue]]) -> [String] { records.compactMap { $0["id"]?.stringValue } }

    @Test func aFailedNextPageFailsTheList() async throws {
        try await FakeFixture.run { f in
            for i in 1...25 { f.seed(name: "k\(i)") }
            let sent = NIOLockedValueBox(0)
            let server = f.server
            let error = await captureError {
                try await f.client.listAll(.providerKeys, parameters: ["limit": 10], willSend: {
                    // The second page is asked for while the first is decoded: make it fail.
                    if sent.withLockedValue({ $0 += 1; return $0 }) == 2 { server.faults.enqueue(.status(400), count: 1) }
                })
            }
            #expect(error?.status == 400)
            #expect(error?.operation == "providerKeys.list")
            #expect(f.server.requestLog.count == 2)
        }
    }
}

import FakeNgrokAI
import Foundation
import Testing
import TestSupport

/// A configuration for one test's server: one event loop thread is plenty.
func testConfiguration(
    keys: [[String: JSONValue]] = [],
    seed: UInt64 = 1,
    token: String = "fake-token"
) -> FakeNgrokAIConfiguration {
    FakeNgrokAIConfiguration(token: token, seed: seed, initialKeys: keys, eventLoopThreads: 1)
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension TestHTTPResponse {
    /// The ngrok-style error body, if the body is one.
    var errorBody: FakeErrorBody? {
        try? JSONDecoder().decode(FakeErrorBody.self, from: Data(body))
    }

    /// The records of a list response.
    func records() throws -> [[String: Any]] {
        guard let records = try json()["aiGatewayProviderKeys"] as? [[String: Any]] else {
            throw TestFailure("no aiGatewayProviderKeys in \(text)")
        }
        return records
    }

    /// The ids of a list response, in order.
    func ids() throws -> [String] {
        try records().map { $0["id"] as? String ?? "<no id>" }
    }

    /// `nextPageUri` of a list response (nil when JSON null); throws when the field is absent.
    func nextPageURI() throws -> String? {
        let object = try json()
        guard let value = object["nextPageUri"] else { throw TestFailure("no nextPageUri in \(text)") }
        if value is NSNull { return nil }
        guard let uri = value as? String else { throw TestFailure("nextPageUri is not a string: \(text)") }
        return uri
    }
}

/// The request target of an absolute URL under `base`.
func target(of absoluteURL: String, base: String) throws -> String {
    guard absoluteURL.hasPrefix(base) else { throw TestFailure("\(absoluteURL) is not under \(base)") }
    return String(absoluteURL.dropFirst(base.count))
}

/// Follows `nextPageUri` from `firstPath` to the end; returns the ids of each page.
func collectPages(client: TestHTTPClient, base: String, firstPath: String) async throws -> [[String]] {
    var pages: [[String]] = []
    var path: String? = firstPath
    while let current = path {
        let response = try await client.get(current)
        #expect(response.status == 200, "\(current): \(response.text)")
        #expect(try response.json()["uri"] as? String == base + current)
        pages.append(try response.ids())
        path = try response.nextPageURI().map { try target(of: $0, base: base) }
        if pages.count > 1000 { throw TestFailure("pagination does not end") }
    }
    return pages
}

/// JSON bytes of a JSONSerialization-compatible value.
func jsonBytes(_ value: Any) throws -> [UInt8] {
    Array(try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]))
}

func rfc3339(_ value: Any?) throws -> Date {
    guard let text = value as? String, let date = RFC3339.date(from: text) else {
        throw TestFailure("not an RFC 3339 timestamp: \(String(describing: value))")
    }
    return date
}

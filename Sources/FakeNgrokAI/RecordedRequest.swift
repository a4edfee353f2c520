import Foundation

/// One request the fake received, with what it answered.
public struct RecordedRequest: Sendable {
    /// The HTTP method, e.g. `PATCH`.
    public var method: String
    /// The raw request target, e.g. `/provider-keys/a%2Fb?x=1`.
    public var uri: String
    /// The percent-decoded path, e.g. `/provider-keys/a/b`.
    public var path: String
    /// The request headers in order, names as sent.
    public var headers: [(String, String)]
    /// The request body.
    public var body: [UInt8]
    /// The status answered, or 0 when the connection was closed before a complete response
    /// (dropped, reset mid-response, or the client left during the latency).
    public var status: Int
    /// The injected fault, if any.
    public var fault: Fault?
    /// When the request was complete.
    public var receivedAt: Date

    /// The first value of a header (case-insensitive name).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    /// The body as UTF-8 text.
    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }
}

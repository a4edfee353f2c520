import Foundation

/// A response received by `TestHTTPClient`.
public struct TestHTTPResponse: Sendable {
    public var status: Int
    /// Response headers in order.
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header (case-insensitive name).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    /// The body as UTF-8 text.
    public var text: String {
        String(decoding: body, as: UTF8.self)
    }

    /// The body parsed as a JSON object; throws if it is not one.
    public func json() throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(body))
        guard let object = value as? [String: Any] else {
            throw TestHTTPError.notAJSONObject(text)
        }
        return object
    }
}

/// Why a `TestHTTPClient` request produced no complete response.
public enum TestHTTPError: Error, Sendable {
    /// The server closed the connection before the response was complete; `partial` holds
    /// what arrived (nil when nothing did).
    case connectionClosed(partial: TestHTTPResponse?)
    /// The response body is not a JSON object.
    case notAJSONObject(String)
}

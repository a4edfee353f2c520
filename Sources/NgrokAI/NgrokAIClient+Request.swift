import Foundation
import NIOHTTP1

/// Requests the catalogue does not describe: `api.request` in scripts, and credit purchases
/// (a POST that carries an `Idempotency-Key`). The same token, timeouts, retry policy and
/// error values as every other call; only paths on the configured API.
extension NgrokAIClient {
    /// The methods ``request(_:path:query:body:operation:id:idempotencyKey:)`` sends.
    public static let requestMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

    /// The methods that change something (journaled, counted by `--max-changes`).
    public static let mutatingMethods: Set<String> = ["POST", "PUT", "PATCH", "DELETE"]

    /// Methods HTTP defines as safe to repeat; a POST is repeated only with an idempotency key,
    /// and a PATCH not at all (any method is retried after a 429).
    public static let repeatableMethods: Set<String> = ["GET", "HEAD", "PUT", "DELETE"]

    /// Why `path` is not a path of the API, or nil when it is: it must start with `/`, hold
    /// no scheme, host, query, fragment or `.`/`..` segment, and only URL path characters.
    public static func pathProblem(_ path: String) -> String? {
        guard path.hasPrefix("/") else {
            return path.contains("://") ? "must be a path, not a URL (the host is the configured API's)" : "must start with '/'"
        }
        if path.hasPrefix("//") { return "must be a path, not a URL (the host is the configured API's)" }
        if path.contains("?") || path.contains("#") { return "must not hold '?' or '#' (give query parameters in 'query')" }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let decoded = segment.replacingOccurrences(of: "%2E", with: ".").replacingOccurrences(of: "%2e", with: ".")
            if decoded == "." || decoded == ".." { return "must not hold '.' or '..' segments" }
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/%".unicodeScalars)
        if let bad = path.unicodeScalars.first(where: { !allowed.contains($0) }) {
            return "must hold only URL path characters (percent-encode '\(bad.escaped(asASCII: true))')"
        }
        return nil
    }

    /// Sends `method path` (with `query` items, not yet encoded, and `body`, JSON bytes) and
    /// returns the decoded response body, nil when it is empty (204, HEAD). An
    /// `idempotencyKey` is sent as `Idempotency-Key`, and makes a POST safe to retry.
    public func request(
        _ method: String, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        operation: String, id: String? = nil, idempotencyKey: String? = nil
    ) async throws(NgrokAIError) -> JSONValue? {
        guard Self.requestMethods.contains(method) else {
            throw NgrokAIError(
                code: NgrokAIError.Code.validation,
                message: "unknown method \(method) (one of \(Self.requestMethods.joined(separator: ", ")))",
                operation: operation, id: id)
        }
        if let problem = Self.pathProblem(path) {
            var error = NgrokAIError.validation(operation: operation, id: id, field: "path", rule: problem)
            error.message = "path: \(problem)"
            throw error
        }
        var target = path
        if !query.isEmpty {
            target += "?" + query.map { "\($0.0.percentEncodedComponent)=\($0.1.percentEncodedComponent)" }.joined(separator: "&")
        }
        var endpoint = Endpoint(method: HTTPMethod(rawValue: method), path: target, operation: operation, id: id)
        if let idempotencyKey {
            endpoint.extraHeaders = [("Idempotency-Key", idempotencyKey)]
            endpoint.repeatable = true
        } else {
            endpoint.repeatable = Self.repeatableMethods.contains(method)
        }
        let response = try await perform(endpoint, body: body)
        if response.body.readableBytes == 0 || method == "HEAD" { return nil }
        return try decode(endpoint, response) { $0 }
    }
}

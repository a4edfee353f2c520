import FakeNgrokAI
import Foundation

/// A minimal HTTP client for tests of the fake: each call opens a fresh connection, sends one
/// request (with `Authorization: Bearer <token>` unless told otherwise) and closes it.
public struct TestHTTPClient: Sendable {
    public var host: String
    public var port: Int
    /// The bearer token sent by default; nil sends no Authorization header.
    public var token: String?

    public init(host: String = "127.0.0.1", port: Int, token: String?) {
        self.host = host
        self.port = port
        self.token = token
    }

    /// A client for `server`, authorized with its token.
    public init(server: FakeNgrokAIServer) {
        self.init(port: server.port, token: server.token)
    }

    /// Sends one request on a new connection. `path` is the raw request target.
    public func send(
        method: String,
        path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> TestHTTPResponse {
        let connection = try await TestHTTPConnection.connect(host: host, port: port)
        var all = headers
        if let token, !headers.contains(where: { $0.0.lowercased() == "authorization" }) {
            all.append(("Authorization", "Bearer \(token)"))
        }
        do {
            let response = try await connection.send(method: method, path: path, headers: all, body: body)
            await connection.close()
            return response
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Sends `json` (any JSONSerialization-compatible value) as an `application/json` body.
    public func send(method: String, path: String, json: Any, headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        let bytes = try Array(JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]))
        return try await send(method: method, path: path, headers: headers + [("Content-Type", "application/json")], body: bytes)
    }

    public func get(_ path: String) async throws -> TestHTTPResponse {
        try await send(method: "GET", path: path)
    }

    public func post(_ path: String, json: Any) async throws -> TestHTTPResponse {
        try await send(method: "POST", path: path, json: json)
    }

    public func patch(_ path: String, json: Any) async throws -> TestHTTPResponse {
        try await send(method: "PATCH", path: path, json: json)
    }

    public func delete(_ path: String) async throws -> TestHTTPResponse {
        try await send(method: "DELETE", path: path)
    }
}

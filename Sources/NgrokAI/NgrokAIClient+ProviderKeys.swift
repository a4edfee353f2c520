import Foundation
import NIOCore
import NIOFoundationCompat

extension NgrokAIClient {
    /// Lists provider keys, newest first, one page at a time.
    ///
    /// - Parameters:
    ///   - provider: Only keys of this provider (e.g. `openai`).
    ///   - limit: Page size, `1...100`.
    ///   - beforeId: Start after this id (the API's cursor).
    public func listProviderKeys(provider: String? = nil, limit: Int? = nil, beforeId: String? = nil) async throws
        -> ProviderKeyPage
    {
        let endpoint = Endpoint.list(provider: provider, limit: limit, beforeId: beforeId)
        let check = Validator(operation: endpoint.operation, id: nil)
        if let provider { try check.nonEmpty(provider, field: "provider") }
        if let beforeId { try check.nonEmpty(beforeId, field: "beforeId") }
        try check.within(limit, FieldLimits.listLimit, field: "limit")
        return try await page(endpoint)
    }

    /// Fetches the page at a ``ProviderKeyPage/nextPageURI``.
    ///
    /// The URI must be on the base URL's scheme, host and port (or be a path), so the token is
    /// never sent anywhere else; otherwise the call fails with code ``NgrokAIError/Code/config``.
    public func listProviderKeys(nextPageURI: String) async throws -> ProviderKeyPage {
        let operation = Endpoint.Operation.list
        try Validator(operation: operation, id: nil).nonEmpty(nextPageURI, field: "nextPageURI")
        let base: BaseURL
        switch prepared {
        case .success(let value): base = value.base
        case .failure(var error):
            error.operation = operation
            throw error
        }
        let refuse = { (why: String) in
            NgrokAIError(
                code: NgrokAIError.Code.config, message: "refusing next page URI \"\(nextPageURI)\": \(why)",
                operation: operation
            )
        }
        guard let components = URLComponents(string: nextPageURI) else { throw refuse("not a valid URL") }
        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        guard path.hasPrefix("/") else { throw refuse("not an absolute path") }
        if let query = components.percentEncodedQuery { path += "?" + query }
        if components.scheme != nil || components.host != nil {
            guard base.isSameOrigin(scheme: components.scheme, host: components.percentEncodedHost, port: components.port)
            else {
                throw refuse("it is not on the API's origin \(base.scheme)://\(base.host):\(base.port)")
            }
            if components.percentEncodedUser != nil || components.percentEncodedPassword != nil {
                throw refuse("it contains user info")
            }
        }
        let origin = base.prefix.dropLast(base.pathPrefix.count)
        var endpoint = Endpoint(method: .GET, path: path, operation: operation)
        endpoint.absoluteURL = origin + path
        return try await page(endpoint)
    }

    private func page(_ endpoint: Endpoint) async throws -> ProviderKeyPage {
        let response = try await perform(endpoint)
        return try decode(endpoint, response) { json in try ProviderKeyPage(json: json) }
    }

    /// Fetches one provider key.
    public func getProviderKey(id: String) async throws -> ProviderKey {
        let endpoint = Endpoint.get(id: id)
        try Validator(operation: endpoint.operation, id: id).nonEmpty(id, field: "id")
        return try await record(endpoint)
    }

    /// Creates a provider key.
    public func createProviderKey(_ create: ProviderKeyCreate) async throws -> ProviderKey {
        let endpoint = Endpoint.create()
        try create.validate(Validator(operation: endpoint.operation, id: nil))
        return try await record(endpoint, body: try encode(create, endpoint))
    }

    /// Changes a provider key's name, description or metadata; unchanged fields are not sent.
    public func updateProviderKey(id: String, _ update: ProviderKeyUpdate) async throws -> ProviderKey {
        let endpoint = Endpoint.update(id: id)
        let check = Validator(operation: endpoint.operation, id: id)
        try check.nonEmpty(id, field: "id")
        try update.validate(check)
        return try await record(endpoint, body: try encode(update, endpoint))
    }

    /// Deletes a provider key.
    public func deleteProviderKey(id: String) async throws {
        let endpoint = Endpoint.delete(id: id)
        try Validator(operation: endpoint.operation, id: id).nonEmpty(id, field: "id")
        _ = try await perform(endpoint)
    }

    /// Replaces a provider key's secret value (and sets its name).
    public func rotateProviderKey(id: String, _ rotate: ProviderKeyRotate) async throws -> ProviderKey {
        let endpoint = Endpoint.rotate(id: id)
        let check = Validator(operation: endpoint.operation, id: id)
        try check.nonEmpty(id, field: "id")
        try rotate.validate(check)
        return try await record(endpoint, body: try encode(rotate, endpoint))
    }

    private func record(_ endpoint: Endpoint, body: [UInt8]? = nil) async throws -> ProviderKey {
        let response = try await perform(endpoint, body: body)
        return try decode(endpoint, response) { json in try ProviderKey(json: json) }
    }

    /// Encodes a request body. (Encoding plain strings can't fail; the error path is for form.)
    private func encode(_ value: some Encodable, _ endpoint: Endpoint) throws(NgrokAIError) -> [UInt8] {
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw NgrokAIError(
                code: NgrokAIError.Code.validation, message: "cannot encode the request body",
                operation: endpoint.operation, id: endpoint.id
            )
        }
    }

    /// Parses a 2xx body and builds the result; failures are code ``NgrokAIError/Code/decode``.
    /// The body itself is never put in the error (it could echo something secret).
    private func decode<T>(_ endpoint: Endpoint, _ response: SuccessResponse, _ build: (JSONValue) throws -> T)
        throws(NgrokAIError) -> T
    {
        let data = Data(buffer: response.body, byteTransferStrategy: .noCopy)
        let json: JSONValue
        do {
            json = try JSONValue(parsing: data)
        } catch {
            throw decodeError(endpoint, response, "the \(response.status.code) response is not valid JSON (\(data.count) bytes)")
        }
        do {
            return try build(json)
        } catch let error as DecodingError {
            throw decodeError(endpoint, response, "unexpected \(response.status.code) response: \(Self.describe(error))")
        } catch {
            throw decodeError(endpoint, response, "unexpected \(response.status.code) response: \(error)")
        }
    }

    private func decodeError(_ endpoint: Endpoint, _ response: SuccessResponse, _ message: String) -> NgrokAIError {
        statsBox.withLockedValue { $0.failedCalls += 1 }
        return NgrokAIError(
            status: Int(response.status.code), code: NgrokAIError.Code.decode, message: message,
            operation: endpoint.operation, id: endpoint.id, attempts: response.attempts
        )
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            return context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}

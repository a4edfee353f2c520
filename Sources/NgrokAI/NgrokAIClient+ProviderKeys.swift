/// Typed provider-key calls: the generic operations of ``Resource/providerKeys`` with records
/// decoded as ``ProviderKey``.
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
        var parameters: [String: JSONValue] = [:]
        if let provider { parameters["provider"] = .string(provider) }
        if let limit { parameters["limit"] = .int(Int64(limit)) }
        if let beforeId { parameters["beforeId"] = .string(beforeId) }
        return try ProviderKeyPage(try await list(.providerKeys, parameters: parameters))
    }

    /// Fetches the page at a ``ProviderKeyPage/nextPageURI``.
    ///
    /// The URI must be on the base URL's scheme, host and port (or be a path), so the token is
    /// never sent anywhere else; otherwise the call fails with code ``NgrokAIError/Code/config``.
    public func listProviderKeys(nextPageURI: String) async throws -> ProviderKeyPage {
        try ProviderKeyPage(try await list(.providerKeys, nextPageURI: nextPageURI))
    }

    /// Fetches one provider key.
    public func getProviderKey(id: String) async throws -> ProviderKey {
        try ProviderKey(decoding: try await get(.providerKeys, id: id), operation: "providerKeys.get", id: id)
    }

    /// Creates a provider key.
    public func createProviderKey(_ create: ProviderKeyCreate) async throws -> ProviderKey {
        try ProviderKey(decoding: try await self.create(.providerKeys, create.fields), operation: "providerKeys.create", id: nil)
    }

    /// Changes a provider key's name, description or metadata; unchanged fields are not sent.
    public func updateProviderKey(id: String, _ update: ProviderKeyUpdate) async throws -> ProviderKey {
        try ProviderKey(
            decoding: try await self.update(.providerKeys, id: id, update.fields), operation: "providerKeys.update", id: id)
    }

    /// Deletes a provider key.
    public func deleteProviderKey(id: String) async throws {
        try await delete(.providerKeys, id: id)
    }

    /// Replaces a provider key's secret value (and sets its name).
    public func rotateProviderKey(id: String, _ rotate: ProviderKeyRotate) async throws -> ProviderKey {
        try ProviderKey(
            decoding: try await perform(.providerKeys, action: "rotate", id: id, rotate.fields),
            operation: "providerKeys.rotate", id: id)
    }
}

extension ProviderKey {
    /// A record the generic client returned, typed; a field of the wrong type is a `decode` error.
    init(decoding fields: [String: JSONValue], operation: String, id: String?) throws(NgrokAIError) {
        do {
            try self.init(fields: fields)
        } catch let error as DecodingError {
            throw NgrokAIError(code: NgrokAIError.Code.decode, message: "unexpected response: \(error.summary)", operation: operation, id: id)
        } catch {
            throw NgrokAIError(code: NgrokAIError.Code.decode, message: "unexpected response: \(error)", operation: operation, id: id)
        }
    }
}

extension ProviderKeyPage {
    init(_ page: RecordPage) throws(NgrokAIError) {
        var keys: [ProviderKey] = []
        keys.reserveCapacity(page.records.count)
        for record in page.records {
            keys.append(try ProviderKey(decoding: record, operation: "providerKeys.list", id: nil))
        }
        self.init(keys: keys, uri: page.fields["uri"]?.stringValue, nextPageURI: page.nextPageURI, fields: page.fields)
    }
}

extension DecodingError {
    var summary: String {
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            return context.debugDescription
        @unknown default:
            return "\(self)"
        }
    }
}

extension ProviderKeyCreate {
    /// The body as catalogue fields.
    var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = ["providerId": .string(providerId), "name": .string(name), "value": .string(value)]
        if let description { fields["description"] = .string(description) }
        if let metadata { fields["metadata"] = .string(metadata) }
        return fields
    }
}

extension ProviderKeyUpdate {
    /// The PATCH body as catalogue fields (`.clear` is JSON null).
    var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        for (name, patch) in [("name", name), ("description", description), ("metadata", metadata)] {
            switch patch {
            case .unchanged: break
            case .clear: fields[name] = .null
            case .set(let value): fields[name] = .string(value)
            }
        }
        return fields
    }
}

extension ProviderKeyRotate {
    /// The body as catalogue fields.
    var fields: [String: JSONValue] { ["value": .string(value), "name": .string(name)] }
}

import Foundation

/// A fully received request, as the router sees it.
struct IncomingRequest: Sendable {
    var method: String
    var target: RequestTarget
    var body: [UInt8]
}

/// Maps requests to the provider-key operations and renders their responses.
struct APIRouter: Sendable {
    let store: ProviderKeyStore
    /// `http://127.0.0.1:PORT`, used in every URI the API returns.
    let baseURL: String
    /// The user the fake acts as.
    var userID = FakeProviderKey.defaultUserID

    static let maxNameLength = 255
    static let maxDescriptionLength = 255
    static let maxMetadataLength = 4096
    static let maxProviderIDLength = 255
    static let maxValueLength = 16_384

    /// Answers one authenticated request (never a fault).
    func respond(to request: IncomingRequest) throws(APIError) -> APIResponse {
        guard let segments = request.target.segments else {
            throw .badRequest("request path contains an invalid percent-encoding")
        }
        guard segments.first == "provider-keys" else {
            throw .notFound("no such resource: \(request.target.rawPath)")
        }
        let path = String(request.target.rawPath)
        switch segments.count {
        case 1:
            switch request.method {
            case "GET": return try list(request.target)
            case "POST": return try create(request.body)
            default: throw .methodNotAllowed(request.method, path: path, allowed: ["GET", "POST"])
            }
        case 2 where !segments[1].isEmpty:
            let id = segments[1]
            switch request.method {
            case "GET": return try get(id)
            case "PATCH": return try update(id, request.body)
            case "DELETE": return try delete(id)
            default: throw .methodNotAllowed(request.method, path: path, allowed: ["GET", "PATCH", "DELETE"])
            }
        case 3 where !segments[1].isEmpty && segments[2] == "rotate":
            guard request.method == "POST" else {
                throw .methodNotAllowed(request.method, path: path, allowed: ["POST"])
            }
            return try rotate(segments[1], request.body)
        default:
            throw .notFound("no such resource: \(path)")
        }
    }

    // MARK: - Routes

    private func list(_ target: RequestTarget) throws(APIError) -> APIResponse {
        var limit = 100
        if let text = target.queryValue("limit") {
            guard let value = Int(text), (1...100).contains(value) else {
                throw .badRequest("limit must be an integer between 1 and 100, got \"\(text)\"")
            }
            limit = value
        }
        let beforeID = target.queryValue("beforeId").flatMap { $0.isEmpty ? nil : $0 }
        let provider = target.queryValue("provider").flatMap { $0.isEmpty ? nil : $0 }
        let page = store.page(beforeID: beforeID, limit: limit, provider: provider, baseURL: baseURL)
        var nextPageURI: String?
        if page.hasMore, let last = page.lastID {
            nextPageURI = baseURL + target.settingQuery("beforeId", to: last)
        }
        // The records are pre-rendered JSON objects: join them into the list object
        // `{"aiGatewayProviderKeys":[…],"nextPageUri":…,"uri":…}` (keys in sorted order).
        var body = Data()
        body.reserveCapacity(page.records.reduce(128) { $0 + $1.count + 1 })
        body.append(contentsOf: #"{"aiGatewayProviderKeys":["#.utf8)
        for (index, record) in page.records.enumerated() {
            if index > 0 {
                body.append(UInt8(ascii: ","))
            }
            body.append(record)
        }
        body.append(contentsOf: #"],"nextPageUri":"#.utf8)
        body.append(try encode(nextPageURI))
        body.append(contentsOf: #","uri":"#.utf8)
        body.append(try encode(baseURL + target.pathAndQuery))
        body.append(UInt8(ascii: "}"))
        return .json(200, body)
    }

    private func get(_ id: String) throws(APIError) -> APIResponse {
        guard let json = store.renderedRecord(id: id, baseURL: baseURL) else { throw notFound(id) }
        return .json(200, json)
    }

    private func create(_ bytes: [UInt8]) throws(APIError) -> APIResponse {
        let body = try RequestBody(bytes, allowed: ["providerId", "name", "value", "description", "metadata"])
        let providerID = try body.requiredString("providerId", maxLength: Self.maxProviderIDLength)
        let name = try body.requiredString("name", maxLength: Self.maxNameLength)
        let value = try body.requiredString("value", maxLength: Self.maxValueLength)
        let description = try body.nullableString("description", maxLength: Self.maxDescriptionLength)
        let metadata = try body.nullableString("metadata", maxLength: Self.maxMetadataLength)
        let key = store.create(
            providerId: providerID,
            name: name,
            value: value,
            description: description.text,
            metadata: metadata.text,
            by: userID
        )
        return .json(201, key.json(baseURL: baseURL))
    }

    private func update(_ id: String, _ bytes: [UInt8]) throws(APIError) -> APIResponse {
        // An unknown id is reported before body problems, as REST APIs usually do.
        guard store.get(id: id) != nil else { throw notFound(id) }
        let body = try RequestBody(bytes, allowed: ["name", "description", "metadata"])
        let name: String?
        switch try body.nullableString("name", maxLength: Self.maxNameLength) {
        case .unchanged: name = nil
        case .clear: throw .badRequest("name must not be null: a provider key needs a name")
        case .set(let text):
            guard !text.isEmpty else { throw .badRequest("name must not be empty") }
            name = text
        }
        let description = try body.nullableString("description", maxLength: Self.maxDescriptionLength)
        let metadata = try body.nullableString("metadata", maxLength: Self.maxMetadataLength)
        guard let key = store.update(id: id, name: name, description: description, metadata: metadata, by: userID)
        else { throw notFound(id) }
        return .json(200, key.json(baseURL: baseURL))
    }

    private func delete(_ id: String) throws(APIError) -> APIResponse {
        guard store.delete(id: id) else { throw notFound(id) }
        return .noContent
    }

    private func rotate(_ id: String, _ bytes: [UInt8]) throws(APIError) -> APIResponse {
        guard store.get(id: id) != nil else { throw notFound(id) }
        let body = try RequestBody(bytes, allowed: ["value", "name"])
        let value = try body.requiredString("value", maxLength: Self.maxValueLength)
        let name = try body.requiredString("name", maxLength: Self.maxNameLength)
        guard let key = store.rotate(id: id, value: value, name: name, by: userID) else { throw notFound(id) }
        return .json(200, key.json(baseURL: baseURL))
    }

    // MARK: - Helpers

    private func notFound(_ id: String) -> APIError {
        .notFound("provider key \"\(id)\" was not found")
    }

    private func encode<T: Encodable>(_ value: T) throws(APIError) -> Data {
        do {
            return try JSONCoding.compactEncoder.encode(value)
        } catch {
            throw APIError(status: 500, msg: "internal error encoding the response")
        }
    }
}

extension FieldUpdate {
    /// The value to store on creation (absent and null both mean none).
    var text: String? {
        if case .set(let text) = self { return text }
        return nil
    }
}

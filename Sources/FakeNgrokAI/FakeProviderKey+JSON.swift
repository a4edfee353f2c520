import Foundation

/// A user reference as the API renders it.
struct UserRefJSON: Codable, Sendable {
    var id: String
    var uri: String?
}

/// The wire shape of a provider key record (all fields, nulls written explicitly).
struct ProviderKeyRecordJSON: Codable, Sendable {
    var id: String
    var uri: String?
    var createdAt: String
    var updatedAt: String?
    var providerId: String
    var name: String
    var keyRedacted: String?
    var createdBy: UserRefJSON?
    var lastUpdatedBy: UserRefJSON?
    var description: String?
    var metadata: String?
    var lastUsed: String?
    /// Accepted on load only (hand-written seed files); never encoded.
    var value: String?

    enum CodingKeys: String, CodingKey {
        case id, uri, createdAt, updatedAt, providerId, name, keyRedacted, createdBy, lastUpdatedBy
        case description, metadata, lastUsed, value
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(uri, forKey: .uri)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(providerId, forKey: .providerId)
        try c.encode(name, forKey: .name)
        try c.encode(keyRedacted, forKey: .keyRedacted)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(lastUpdatedBy, forKey: .lastUpdatedBy)
        try c.encode(description, forKey: .description)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(lastUsed, forKey: .lastUsed)
    }
}

extension FakeProviderKey {
    /// The API's URI for this key under `baseURL`.
    public func uri(baseURL: String) -> String {
        baseURL + "/provider-keys/" + PercentEncoding.encodePathSegment(id)
    }

    /// The record as the API renders it (compact JSON object, never containing `value`).
    public func json(baseURL: String) -> Data {
        (try? JSONCoding.compactEncoder.encode(record(baseURL: baseURL))) ?? Data("{}".utf8)
    }

    /// The record as the API renders it, as a JSONSerialization-style dictionary.
    public func jsonObject(baseURL: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: json(baseURL: baseURL)) as? [String: Any]) ?? [:]
    }

    func record(baseURL: String) -> ProviderKeyRecordJSON {
        ProviderKeyRecordJSON(
            id: id,
            uri: uri(baseURL: baseURL),
            createdAt: RFC3339.string(from: createdAt),
            updatedAt: RFC3339.string(from: updatedAt),
            providerId: providerId,
            name: name,
            keyRedacted: keyRedacted,
            createdBy: UserRefJSON(id: createdBy, uri: Self.userURI(createdBy, baseURL: baseURL)),
            lastUpdatedBy: UserRefJSON(id: lastUpdatedBy, uri: Self.userURI(lastUpdatedBy, baseURL: baseURL)),
            description: description,
            metadata: metadata,
            lastUsed: lastUsed.map(RFC3339.string(from:)),
            value: nil
        )
    }

    /// Rebuilds a key from a record as the API returns it (plus an optional `value`).
    init(record: ProviderKeyRecordJSON) throws {
        guard let createdAt = RFC3339.date(from: record.createdAt) else {
            throw SnapshotError.invalidRecord(id: record.id, reason: "createdAt is not an RFC 3339 timestamp")
        }
        var updatedAt = createdAt
        if let text = record.updatedAt {
            guard let date = RFC3339.date(from: text) else {
                throw SnapshotError.invalidRecord(id: record.id, reason: "updatedAt is not an RFC 3339 timestamp")
            }
            updatedAt = date
        }
        var lastUsed: Date?
        if let text = record.lastUsed {
            guard let date = RFC3339.date(from: text) else {
                throw SnapshotError.invalidRecord(id: record.id, reason: "lastUsed is not an RFC 3339 timestamp")
            }
            lastUsed = date
        }
        let createdBy = record.createdBy?.id ?? FakeProviderKey.defaultUserID
        self.init(
            id: record.id,
            providerId: record.providerId,
            name: record.name,
            keyRedacted: record.keyRedacted,
            value: record.value,
            description: record.description,
            metadata: record.metadata,
            createdAt: createdAt,
            updatedAt: updatedAt,
            lastUsed: lastUsed,
            createdBy: createdBy,
            lastUpdatedBy: record.lastUpdatedBy?.id ?? createdBy
        )
    }

    static func userURI(_ userID: String, baseURL: String) -> String {
        baseURL + "/users/" + PercentEncoding.encodePathSegment(userID)
    }
}

/// Shared JSON coders (configured once; JSONEncoder/JSONDecoder are safe to share for encoding).
enum JSONCoding {
    static let compactEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let snapshotEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

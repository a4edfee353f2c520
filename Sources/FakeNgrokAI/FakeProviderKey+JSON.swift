import Foundation

/// A provider key as the account store holds it, and back.
extension FakeProviderKey {
    /// The record's fields as stored (no `uri`; users as `{id}`); the secret is kept apart.
    var storedFields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "id": .string(id), "providerId": .string(providerId), "name": .string(name),
            "keyRedacted": .string(keyRedacted),
            "createdAt": .string(RFC3339.string(from: createdAt)), "updatedAt": .string(RFC3339.string(from: updatedAt)),
            "createdBy": .object(["id": .string(createdBy)]), "lastUpdatedBy": .object(["id": .string(lastUpdatedBy)]),
        ]
        if let description { fields["description"] = .string(description) }
        if let metadata { fields["metadata"] = .string(metadata) }
        if let lastUsed { fields["lastUsed"] = .string(RFC3339.string(from: lastUsed)) }
        return fields
    }

    /// Rebuilds a key from stored fields; nil when a required field is missing or malformed.
    init?(storedFields fields: [String: JSONValue], value: String?) {
        guard let id = fields["id"]?.stringValue, let providerId = fields["providerId"]?.stringValue,
            let name = fields["name"]?.stringValue,
            let createdAt = fields["createdAt"]?.stringValue.flatMap(RFC3339.date(from:))
        else { return nil }
        let createdBy = fields["createdBy"]?["id"]?.stringValue ?? FakeProviderKey.defaultUserID
        self.init(
            id: id, providerId: providerId, name: name, keyRedacted: fields["keyRedacted"]?.stringValue, value: value,
            description: fields["description"]?.stringValue, metadata: fields["metadata"]?.stringValue,
            createdAt: createdAt, updatedAt: fields["updatedAt"]?.stringValue.flatMap(RFC3339.date(from:)),
            lastUsed: fields["lastUsed"]?.stringValue.flatMap(RFC3339.date(from:)),
            createdBy: createdBy, lastUpdatedBy: fields["lastUpdatedBy"]?["id"]?.stringValue ?? createdBy)
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

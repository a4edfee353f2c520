/// An AI Gateway provider key record, as returned by the API.
///
/// The typed properties cover the documented fields; ``fields`` holds every field exactly as
/// received, including ones this library does not know about.
public struct ProviderKey: Sendable, Hashable {
    /// Who created or last changed a record.
    public struct Ref: Sendable, Hashable, Codable {
        public var id: String?
        public var uri: String?

        public init(id: String?, uri: String? = nil) {
            self.id = id
            self.uri = uri
        }
    }

    public var id: String
    public var uri: String?
    public var createdAt: String?
    public var updatedAt: String?
    public var providerId: String?
    public var name: String?
    public var keyRedacted: String?
    public var createdBy: Ref?
    public var lastUpdatedBy: Ref?
    public var description: String?
    public var metadata: String?
    public var lastUsed: String?
    /// Every field of the record as received, including unknown ones.
    public var fields: [String: JSONValue]

    /// Builds a record from its JSON members, checking the types of the documented fields.
    ///
    /// `id` must be a string; the other documented fields must be strings (or objects, for
    /// `createdBy` / `lastUpdatedBy`) or `null` when present. Unknown members are kept in
    /// ``fields`` untouched.
    public init(fields: [String: JSONValue]) throws {
        let reader = FieldReader(fields: fields)
        guard let id = try reader.string("id") else {
            throw DecodingError.keyNotFound(
                FieldReader.Key("id"),
                .init(codingPath: [], debugDescription: "provider key has no string \"id\"")
            )
        }
        self.id = id
        self.uri = try reader.string("uri")
        self.createdAt = try reader.string("createdAt")
        self.updatedAt = try reader.string("updatedAt")
        self.providerId = try reader.string("providerId")
        self.name = try reader.string("name")
        self.keyRedacted = try reader.string("keyRedacted")
        self.createdBy = try reader.ref("createdBy")
        self.lastUpdatedBy = try reader.ref("lastUpdatedBy")
        self.description = try reader.string("description")
        self.metadata = try reader.string("metadata")
        self.lastUsed = try reader.string("lastUsed")
        self.fields = fields
    }

    /// Builds a record from a parsed JSON value, which must be an object.
    public init(json: JSONValue) throws {
        guard case .object(let members) = json else {
            throw DecodingError.typeMismatch(
                [String: JSONValue].self,
                .init(codingPath: [], debugDescription: "provider key is not a JSON object")
            )
        }
        try self.init(fields: members)
    }
}

/// Reads typed members out of a JSON object, with `DecodingError`s naming the member.
struct FieldReader {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { self.stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let fields: [String: JSONValue]
    var codingPath: [any CodingKey] = []

    func string(_ key: String) throws -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case let other?: throw mismatch(key, expected: "a string", got: other)
        }
    }

    func ref(_ key: String) throws -> ProviderKey.Ref? {
        switch fields[key] {
        case nil, .null?: return nil
        case .object(let members)?:
            let nested = FieldReader(fields: members, codingPath: codingPath + [Key(key)])
            return ProviderKey.Ref(id: try nested.string("id"), uri: try nested.string("uri"))
        case let other?: throw mismatch(key, expected: "an object", got: other)
        }
    }

    private func mismatch(_ key: String, expected: String, got: JSONValue) -> DecodingError {
        DecodingError.typeMismatch(
            JSONValue.self,
            .init(
                codingPath: codingPath + [Key(key)],
                debugDescription: "\"\(key)\" should be \(expected), got \(got.kindName)"
            )
        )
    }
}

extension JSONValue {
    /// A short name of the value's JSON type, for messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension ProviderKey {
    /// Makes a record from typed values; ``fields`` is filled from them (handy for tests and fakes).
    public init(
        id: String,
        uri: String? = nil,
        createdAt: String? = nil,
        updatedAt: String? = nil,
        providerId: String? = nil,
        name: String? = nil,
        keyRedacted: String? = nil,
        createdBy: Ref? = nil,
        lastUpdatedBy: Ref? = nil,
        description: String? = nil,
        metadata: String? = nil,
        lastUsed: String? = nil,
        extraFields: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.uri = uri
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.providerId = providerId
        self.name = name
        self.keyRedacted = keyRedacted
        self.createdBy = createdBy
        self.lastUpdatedBy = lastUpdatedBy
        self.description = description
        self.metadata = metadata
        self.lastUsed = lastUsed
        self.fields = extraFields
        self.fields = self.mergedFields
    }
}

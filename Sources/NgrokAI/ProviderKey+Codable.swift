extension ProviderKey: Codable {
    /// Decodes a record from a JSON object, keeping every member in ``fields``.
    public init(from decoder: any Decoder) throws {
        let members = try [String: JSONValue](from: decoder)
        try self.init(fields: members)
    }

    /// Encodes ``fields`` with the typed properties laid over them, so that edits to the
    /// typed properties win and unknown fields are kept.
    public func encode(to encoder: any Encoder) throws {
        try mergedFields.encode(to: encoder)
    }

    /// ``fields`` with the typed properties laid over them.
    public var mergedFields: [String: JSONValue] {
        var merged = fields
        func put(_ key: String, _ value: String?) {
            if let value {
                merged[key] = .string(value)
            } else if merged[key] != nil {
                merged[key] = .null
            }
        }
        func put(_ key: String, _ ref: Ref?) {
            guard let ref else {
                if merged[key] != nil { merged[key] = .null }
                return
            }
            var object = merged[key]?.objectValue ?? [:]
            object["id"] = ref.id.map(JSONValue.string) ?? (object["id"] == nil ? nil : .null)
            object["uri"] = ref.uri.map(JSONValue.string) ?? (object["uri"] == nil ? nil : .null)
            merged[key] = .object(object)
        }
        merged["id"] = .string(id)
        put("uri", uri)
        put("createdAt", createdAt)
        put("updatedAt", updatedAt)
        put("providerId", providerId)
        put("name", name)
        put("keyRedacted", keyRedacted)
        put("createdBy", createdBy)
        put("lastUpdatedBy", lastUpdatedBy)
        put("description", description)
        put("metadata", metadata)
        put("lastUsed", lastUsed)
        return merged
    }
}

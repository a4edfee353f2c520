/// The changes of ``NgrokAIClient/updateProviderKey(id:_:)``: each field is left out, cleared
/// (`null`) or set.
public struct ProviderKeyUpdate: Sendable, Hashable {
    public var name: Patch<String> = .unchanged
    public var description: Patch<String> = .unchanged
    public var metadata: Patch<String> = .unchanged

    public init(
        name: Patch<String> = .unchanged,
        description: Patch<String> = .unchanged,
        metadata: Patch<String> = .unchanged
    ) {
        self.name = name
        self.description = description
        self.metadata = metadata
    }
}

extension ProviderKeyUpdate: Encodable {
    enum CodingKeys: String, CodingKey {
        case name, description, metadata
    }

    /// Encodes exactly the fields that change: absent when unchanged, `null` when cleared.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(metadata, forKey: .metadata)
    }
}

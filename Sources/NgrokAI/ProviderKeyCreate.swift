/// The body of ``NgrokAIClient/createProviderKey(_:)``.
public struct ProviderKeyCreate: Sendable, Hashable {
    /// The AI provider, e.g. `openai`.
    public var providerId: String
    public var name: String
    /// The provider's secret key. Never logged or included in errors.
    public var value: String
    public var description: String?
    public var metadata: String?

    public init(providerId: String, name: String, value: String, description: String? = nil, metadata: String? = nil) {
        self.providerId = providerId
        self.name = name
        self.value = value
        self.description = description
        self.metadata = metadata
    }
}

extension ProviderKeyCreate: Encodable {
    enum CodingKeys: String, CodingKey {
        case providerId, name, value, description, metadata
    }

    /// Encodes the required fields and the optional ones that are set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(providerId, forKey: .providerId)
        try container.encode(name, forKey: .name)
        try container.encode(value, forKey: .value)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encodeIfPresent(metadata, forKey: .metadata)
    }
}

extension ProviderKeyCreate: CustomDebugStringConvertible, CustomReflectable {
    /// Shows the fields but never the secret value (also what `"\(create)"` prints).
    public var debugDescription: String {
        "ProviderKeyCreate(providerId: \(String(reflecting: providerId)), name: \(String(reflecting: name)), "
            + "value: <redacted>, description: \(String(reflecting: description)), metadata: \(String(reflecting: metadata)))"
    }

    /// A mirror without the secret value, so `dump` and debuggers don't show it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["providerId": providerId, "name": name, "value": "<redacted>", "description": description as Any,
                "metadata": metadata as Any]
        )
    }
}

/// The body of ``NgrokAIClient/rotateProviderKey(id:_:)``: the new secret and the record's name.
public struct ProviderKeyRotate: Sendable, Hashable {
    /// The new secret key. Never logged or included in errors.
    public var value: String
    public var name: String

    public init(value: String, name: String) {
        self.value = value
        self.name = name
    }
}

extension ProviderKeyRotate: Encodable {
    enum CodingKeys: String, CodingKey {
        case value, name
    }
}

extension ProviderKeyRotate: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Shows the name but never the secret value.
    public var description: String { "ProviderKeyRotate(value: <redacted>, name: \(String(reflecting: name)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>", "name": name]) }
}

extension JSONValue: Codable {
    /// Decodes through any `Decoder`.
    ///
    /// `Codable` cannot see a number's spelling, and Foundation's `JSONDecoder` happily decodes
    /// `1.0` or `1e3` as an integer, so on this path every number that fits an `Int64` exactly
    /// becomes ``int(_:)`` (except `-0.0`, which stays a double). Use ``JSONValue/init(parsing:)``
    /// when the distinction matters; the client always does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Likeliest first: every failed attempt costs a thrown DecodingError.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            if value == 0, let double = try? container.decode(Double.self), double.sign == .minus {
                self = .double(double)
            } else {
                self = .int(value)
            }
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

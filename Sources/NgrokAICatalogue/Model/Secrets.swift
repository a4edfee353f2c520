/// Finding and removing secret values (write-only and returned-once fields) in records and
/// bodies, following the catalogue's shapes.
extension Shape {
    /// `value` with every secret field removed, at any depth of the shape.
    public static func withoutSecrets(_ value: JSONValue, fields: [Field]) -> JSONValue {
        guard case .object(var members) = value else { return value }
        for field in fields {
            guard let member = members[field.name] else { continue }
            if field.isSecret {
                members[field.name] = nil
            } else if let nested = nestedFields(field.type) {
                members[field.name] = strip(member, nested)
            }
        }
        return .object(members)
    }

    /// Every secret string in `value` (for scrubbing outputs such as the REPL's history).
    public static func secrets(in value: JSONValue, fields: [Field]) -> [String] {
        guard case .object(let members) = value else { return [] }
        var found: [String] = []
        for field in fields {
            guard let member = members[field.name] else { continue }
            if field.isSecret, case .string(let text) = member, !text.isEmpty {
                found.append(text)
            } else if let nested = nestedFields(field.type) {
                found += collect(member, nested)
            }
        }
        return found
    }

    private static func strip(_ value: JSONValue, _ fields: [Field]) -> JSONValue {
        switch value {
        case .array(let items): .array(items.map { strip($0, fields) })
        case .object: withoutSecrets(value, fields: fields)
        default: value
        }
    }

    private static func collect(_ value: JSONValue, _ fields: [Field]) -> [String] {
        switch value {
        case .array(let items): items.flatMap { collect($0, fields) }
        case .object: secrets(in: value, fields: fields)
        default: []
        }
    }

    /// The members of an object type, or of the objects in an array type.
    public static func nestedFields(_ type: FieldType) -> [Field]? {
        switch type {
        case .object(let fields, _): fields
        case .array(let item, _): nestedFields(item)
        default: nil
        }
    }
}

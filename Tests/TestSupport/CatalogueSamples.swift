import NgrokAI

/// Valid bodies for any catalogue entry, made from the catalogue itself, so tests can iterate
/// every resource without knowing its fields.
public enum CatalogueSamples {
    /// A create body with every required field (and the optional string fields, to test
    /// clearing later), values unique by `tag`.
    public static func createBody(_ resource: Resource, tag: String) -> [String: JSONValue] {
        var body: [String: JSONValue] = [:]
        for field in resource.fields where field.create != .no {
            if field.reference?.mustExist == true { continue }  // needs another record
            if field.create == .required || isPlainString(field) {
                body[field.name] = value(field, type: field.type, tag: tag)
            }
        }
        return body
    }

    /// A string field with nothing special: no reference, no secret.
    public static func isPlainString(_ field: Field) -> Bool {
        if case .string = field.type, field.reference == nil, !field.isSecret { return true }
        return false
    }

    /// A valid value for `field`.
    public static func value(_ field: Field, type: FieldType, tag: String) -> JSONValue {
        switch type {
        case .string, .decimal:
            if field.name == "providerId", field.reference != nil { return "openai" }
            if field.name == "baseUrl" { return .string("https://\(tag).example.com/v1") }
            if field.name == "models" { return "openai:gpt-4o" }  // a virtual model's entry: a model that exists
            if field.isSecret { return .string("sk-test-secret-\(tag)-0123456789") }
            return .string("\(field.name)-\(tag)")
        case .duration: return "45s"
        case .timestamp: return "2026-01-01T00:00:00Z"
        case .oneOf(let choices): return .string(choices[0])
        case .integer: return .int(field.range?.lowerBound ?? 7)
        case .number: return .double(1.5)
        case .boolean: return true
        case .ref, .any: return .object([:])
        case .object(let members, let exclusive):
            var out: [String: JSONValue] = [:]
            let wanted = exclusive.last.map(Set.init)
            for member in members where member.create != .no {
                if let wanted, !wanted.contains(member.name) { continue }
                if member.create == .required || wanted != nil { out[member.name] = value(member, type: member.type, tag: tag) }
            }
            return .object(out)
        case .array(let item, let minItems):
            return .array((0..<max(minItems, 1)).map { _ in value(field, type: item, tag: tag) })
        }
    }
}

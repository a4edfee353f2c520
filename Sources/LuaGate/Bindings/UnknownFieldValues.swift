import NgrokAI

/// The values of fields the catalogue does not know (writes to a ``Resource/partlyPublished``
/// resource): sent as given, but shown by name only in the journal, dry-run notices and logs,
/// since luagate cannot tell whether they hold a secret.
enum UnknownFieldValues {
    /// What stands for such a value wherever it is shown.
    static let placeholder: JSONValue = "(not in the catalogue, not shown)"

    /// `value` with every member `fields` does not name (at any depth the catalogue
    /// describes) replaced by ``placeholder``; unchanged for a fully published resource.
    static func hidden(_ value: JSONValue, _ resource: Resource) -> JSONValue {
        resource.partlyPublished ? hidden(value, fields: resource.fields) : value
    }

    private static func hidden(_ value: JSONValue, fields: [Field]) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map { hidden($0, fields: fields) })
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                guard let field = fields.first(where: { $0.name == key }) else {
                    out[key] = placeholder
                    continue
                }
                out[key] = Shape.nestedFields(field.type).map { hidden(member, fields: $0) } ?? member
            }
            return .object(out)
        default: return value
        }
    }
}

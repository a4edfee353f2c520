import Foundation

/// Fields a write leaves out get the catalogue's `default` (``Field/defaultValue``), at the top
/// level and inside nested objects and lists of objects, as the API stores them.
extension AccountStore {
    /// Fills the defaults of `fields` (those records show) into `object`, where absent or null.
    static func fillDefaults(_ fields: [Field], in object: inout [String: JSONValue]) {
        for field in fields where field.inRecord {
            guard let value = object[field.name], !value.isNull else {
                if let fallback = field.defaultValue { object[field.name] = fallback }
                continue
            }
            object[field.name] = withDefaults(field.type, value)
        }
    }

    private static func withDefaults(_ type: FieldType, _ value: JSONValue) -> JSONValue {
        switch (type, value) {
        case (.object(let members, _), .object(var nested)):
            fillDefaults(members, in: &nested)
            return .object(nested)
        case (.array(let item, _), .array(let items)):
            return .array(items.map { withDefaults(item, $0) })
        default:
            return value
        }
    }
}

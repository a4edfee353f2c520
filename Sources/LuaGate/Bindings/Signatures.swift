import NgrokAI

/// How each Lua function of a resource is called, written from the catalogue: the REPL's
/// `.help`, the README check and the editor types all use these lines.
public enum Signatures {
    /// One line per operation of `resource`, e.g. `providerKeys.update(id, {name = ?, …})`,
    /// and for `credits` its purchases (not record operations: ``CreditPurchases``).
    public static func lines(_ resource: Resource) -> [String] {
        resource.operations.map { signature(resource, $0) }
            + (resource.name == Resource.credits.name ? CreditPurchases.functions.map(\.syntax) : [])
    }

    /// `record = accessKeys.create{name = ?, description = ?, …}`-style call shape (without the result).
    public static func signature(_ resource: Resource, _ operation: String) -> String {
        let name = "\(resource.name).\(operation)"
        // A read-only resource's `list` or `get` that is one query (`models.list`, `models.get`).
        let isQuery = resource.kind == .readOnly && resource.query(operation).map { !$0.result.isPaged } == true
        switch isQuery ? "" : operation {
        case "get": return resource.kind == .collection ? "\(name)(id)" : "\(name)()"
        case "delete": return "\(name)(id)"
        case "create": return name + table(resource.fields.filter { $0.create != .no })
        case "update":
            let fields = table(resource.fields.filter { $0.update != .no }, optional: true)
            return resource.kind == .collection ? "\(name)(id, \(fields))" : name + fields
        default: break
        }
        if let action = resource.action(operation) { return "\(name)(id, \(table(action.fields)))" }
        let parameters = resource.queryParameters(operation)
        if let argument = resource.query(operation)?.argument {
            return parameters.isEmpty ? "\(name)(\(argument.name))" : "\(name)(\(argument.name), \(table(parameters)))"
        }
        return parameters.isEmpty ? "\(name)()" : name + table(parameters)
    }

    /// `{a =, b = ?}`: required fields first, each `= ?` when optional.
    private static func table(_ fields: [Field], optional: Bool = false) -> String {
        let ordered = fields.filter { !optional && $0.create == .required } + fields.filter { optional || $0.create != .required }
        return "{" + ordered.map { !optional && $0.create == .required ? "\($0.name) =" : "\($0.name) = ?" }.joined(separator: ", ") + "}"
    }
}

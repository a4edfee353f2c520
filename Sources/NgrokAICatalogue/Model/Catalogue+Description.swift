/// The catalogue as JSON, for tools outside Swift (`scripts/check-catalogue.sh`, the Lua
/// stdlib's limits, editor types).
extension Catalogue {
    /// Every resource described as a JSON object.
    public static var description: JSONValue {
        .array(all.map(\.description))
    }
}

extension Resource {
    /// This resource as JSON: names, paths, kind, fields, actions, queries.
    public var description: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "recordName": .string(recordName), "singular": .string(singular),
            "path": .string(path), "summary": .string(summary),
            "kind": .string(kind == .collection ? "collection" : kind == .singleton ? "singleton" : "readOnly"),
            "fields": .array(fields.map(\.description)),
            "operations": .array(operations.map { .string($0) }),
            "mutations": .array(mutations.map { .string($0) }),
        ]
        if let envelope { object["envelope"] = .string(envelope) }
        if partlyPublished { object["partlyPublished"] = true }
        if name == Resource.credits.name { object["extraOperations"] = CreditPurchases.description }
        if kind == .collection { object["listParameters"] = .array(listParameters.map(\.description)) }
        object["actions"] = .array(actions.map { action in
            .object(["name": .string(action.name), "summary": .string(action.summary),
                     "fields": .array(action.fields.map(\.description))])
        })
        object["queries"] = .array(queries.map { query in
            var q: [String: JSONValue] = [
                "name": .string(query.name), "path": .string(query.path), "summary": .string(query.summary),
                "parameters": .array(query.parameters.map(\.description)),
                "fields": .array(query.fields.map(\.description)),
            ]
            switch query.result {
            case .pages(let envelope): q["result"] = "pages"; q["envelope"] = .string(envelope)
            case .object: q["result"] = "object"
            case .items(let key): q["result"] = "items"; q["envelope"] = .string(key)
            case .item(let key, let match): q["result"] = "item"; q["envelope"] = .string(key); q["key"] = .string(match)
            }
            if let argument = query.argument { q["argument"] = argument.description }
            return .object(q)
        })
        return .object(object)
    }
}

extension Field {
    /// This field as JSON.
    public var description: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "type": .string(type.name), "summary": .string(summary),
            "inRecord": .bool(inRecord), "requiredInRecord": .bool(requiredInRecord),
            "create": .string("\(create)"),
            "update": .string(update == .no ? "no" : update == .set ? "set" : "setOrClear"),
            "secret": .string(secrecy == .none ? "no" : secrecy == .writeOnly ? "writeOnly" : "returnedOnce"),
        ]
        if let minLength { object["minLength"] = .int(Int64(minLength)) }
        if let maxLength { object["maxLength"] = .int(Int64(maxLength)) }
        if let range { object["minimum"] = .int(range.lowerBound); object["maximum"] = .int(range.upperBound) }
        if let reference { object["references"] = .string(reference.resource) }
        if unique { object["unique"] = true }
        object.merge(type.details) { a, _ in a }
        return .object(object)
    }
}

extension FieldType {
    fileprivate var details: [String: JSONValue] {
        switch self {
        case .oneOf(let choices): return ["enum": .array(choices.map { .string($0) })]
        case .object(let fields, _): return ["fields": .array(fields.map(\.description))]
        case .array(let item, let minItems):
            var out: [String: JSONValue] = ["items": .string(item.name)]
            if minItems > 0 { out["minItems"] = .int(Int64(minItems)) }
            if case .oneOf(let choices) = item { out["enum"] = .array(choices.map { .string($0) }) }
            if let fields = Shape.nestedFields(item) { out["fields"] = .array(fields.map(\.description)) }
            return out
        case .timestamp: return ["format": "date-time"]
        default: return [:]
        }
    }
}

extension CreditPurchases {
    /// The purchase operations, written by hand beside the catalogue's model (a POST without a
    /// record, with a header, answered 200), described for `scripts/check-catalogue.sh`.
    static var description: JSONValue {
        let record = JSONValue.array(self.record.map(\.description))
        let key = parameters.first { $0.name == "idempotencyKey" }!
        let header = Field("Idempotency-Key", .string, key.summary, create: .optional, maxLength: key.maxLength).description
        return .array([
            .object([
                "name": "purchase", "method": "post", "path": .string(path), "status": 200,
                "headers": .array([header]), "body": .array([amount.description]), "fields": record,
            ]),
            .object(["name": "purchaseStatus", "method": "get", "path": .string(path + "/{id}"), "status": 200, "fields": record]),
        ])
    }
}

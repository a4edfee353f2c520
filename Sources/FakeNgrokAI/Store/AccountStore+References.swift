/// References between records, as the catalogue's ``Reference``s describe them: a write naming
/// a record that must exist is refused (400); deleting a record still referenced is refused
/// (409); router step keys given as `{name, value}` create provider keys.
extension AccountStore {
    /// Every referencing value in `value`, walking the shape of `fields` (bounded by its depth).
    static func references(in value: JSONValue, fields: [Field], path: String = "") -> [(Reference, String, String)] {
        guard case .object(let members) = value else { return [] }
        var found: [(Reference, String, String)] = []
        for field in fields {
            guard let member = members[field.name] else { continue }
            let at = path.isEmpty ? field.name : "\(path).\(field.name)"
            if let reference = field.reference {
                switch member {
                case .string(let text): found.append((reference, text, at))
                case .array(let items):
                    for (i, item) in items.enumerated() {
                        if case .string(let text) = item { found.append((reference, text, "\(at)[\(i + 1)]")) }
                    }
                default: break
                }
            }
            guard let nested = Shape.nestedFields(field.type) else { continue }
            switch member {
            case .array(let items):
                for (i, item) in items.enumerated() { found += references(in: item, fields: nested, path: "\(at)[\(i + 1)]") }
            default:
                found += references(in: member, fields: nested, path: at)
            }
        }
        return found
    }

    /// Refuses a write whose `mustExist` references name no record.
    static func checkReferences(_ resource: Resource, _ body: [String: JSONValue], state: State) throws(APIError) {
        for (reference, value, path) in references(in: .object(body), fields: resource.fields) where reference.mustExist {
            guard let target = Catalogue.resource(reference.resource), find(target, reference.key, value, state: state) != nil else {
                let what = Catalogue.resource(reference.resource)?.singular ?? reference.resource
                throw .badRequest("\(path): no \(what) \"\(value.abbreviated())\" exists")
            }
        }
    }

    /// The first record referencing `stored` in a way that blocks its deletion.
    static func blockingReference(to resource: Resource, _ stored: Stored, state: State) -> (resource: Resource, id: String)? {
        for other in Catalogue.all where other.kind == .collection {
            guard let table = state.tables[other.name] else { continue }
            for id in table.orderedIDs {
                let record = table.records[id]!
                for (reference, value, _) in references(in: .object(record.fields), fields: other.fields)
                where reference.blocksDelete && reference.resource == resource.name
                    && stored.fields[reference.key]?.stringValue == value
                {
                    return (other, id)
                }
            }
        }
        return nil
    }

    private static func find(_ resource: Resource, _ key: String, _ value: String, state: State) -> Stored? {
        guard let table = state.tables[resource.name] else { return nil }
        if key == "id" { return table.records[value] }
        return table.records.values.first { $0.fields[key]?.stringValue == value }
    }

    /// Step keys `{name, value}` become new provider keys of the rule's provider (`provider`, or
    /// the part of `model` before `:`), stored as `{id}`; `{id}` keys are kept as `{id}`.
    static func inlineStepKeys(_ resource: Resource, _ stored: inout Stored, state: inout State, user: String) throws(APIError) {
        guard resource.semantics.contains(.routerStepKeys), let router = stored.fields["router"] else { return }
        let keys = Resource.providerKeys
        stored.fields["router"] = try mapStepKeys(router) { (key, rule, index) throws(APIError) -> JSONValue in
            if let id = key["id"] { return .object(["id": id]) }
            guard let name = key["name"]?.stringValue, let value = key["value"]?.stringValue else { return .object(key) }
            let model = rule["model"]?.stringValue?.split(separator: ":", maxSplits: 1)
            guard let provider = rule["provider"]?.stringValue ?? (model?.count == 2 ? String(model![0]) : nil) else {
                throw .badRequest("router.rules[\(index)]: a key given by name and value needs the rule's provider")
            }
            let now = state.now()
            let stamp = JSONValue.string(RFC3339.string(from: now))
            var made = Stored(fields: [
                "id": .string(state.tables[keys.name]!.nextID()), "providerId": .string(provider), "name": .string(name),
                "keyRedacted": .string(AccountStore.redact(value)), "createdAt": stamp, "updatedAt": stamp,
                "createdBy": .object(["id": .string(user)]), "lastUpdatedBy": .object(["id": .string(user)]),
            ])
            made.secrets["value"] = value
            state.tables[keys.name]!.put(made)
            state.record(.created, keys.name, made.id, at: now)
            return .object(["id": .string(made.id)])
        }
    }
}

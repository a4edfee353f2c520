import Foundation

/// Records as the API renders them: `uri`s added under the serving base URL, references
/// shown as the catalogue says (`accessKeyConfiguration = {id, uri, name}`, step keys as
/// `{id, name, keyRedacted}`), absent optional fields as explicit `null`, never a secret.
extension AccountStore {
    static func render(
        _ resource: Resource, _ stored: Stored, state: State, baseURL: String, counts: ReferenceCounts? = nil
    ) -> [String: JSONValue] {
        var out = stored.fields
        out["uri"] = .string(baseURL + resource.path + "/" + PercentEncoding.encodePathSegment(stored.id))
        for name in ["createdBy", "lastUpdatedBy"] {
            if case .object(var ref)? = out[name], let user = ref["id"]?.stringValue {
                ref["uri"] = .string(userURI(user, baseURL: baseURL))
                out[name] = .object(ref)
            }
        }
        for field in resource.fields {
            if let shownAs = field.reference?.shownAs, let target = Catalogue.resource(field.reference!.resource) {
                let id = out.removeValue(forKey: field.name)?.stringValue
                let record = id.flatMap { state.tables[target.name]?.records[$0] }
                out[shownAs] = record.map { record in
                    .object([
                        "id": .string(record.id),
                        "uri": .string(baseURL + target.path + "/" + PercentEncoding.encodePathSegment(record.id)),
                        "name": record.fields["name"] ?? .null,
                    ])
                } ?? .null
            } else if field.inRecord, !field.isSecret, out[field.name] == nil {
                out[field.name] = .null
            }
        }
        computed(resource, stored, state: state, counts: counts, into: &out)
        if resource.semantics.contains(.routerStepKeys), let router = out["router"] {
            out["router"] = mapStepKeys(router) { key, _, _ in
                guard let id = key["id"]?.stringValue, let stored = state.tables["providerKeys"]?.records[id] else {
                    return .object(key)
                }
                return .object([
                    "id": .string(id), "name": stored.fields["name"] ?? .null,
                    "keyRedacted": stored.fields["keyRedacted"] ?? .null,
                ])
            }
        }
        return out
    }

    /// `router` with every step key replaced by `transform(key, rule, index)`, where `rule`
    /// holds the key's rule and `index` its 1-based position among the rules.
    static func mapStepKeys<E: Error>(
        _ router: JSONValue, _ transform: ([String: JSONValue], [String: JSONValue], Int) throws(E) -> JSONValue
    ) throws(E) -> JSONValue {
        guard case .object(var members) = router, case .array(let rules)? = members["rules"] else { return router }
        var newRules: [JSONValue] = []
        for (index, rule) in rules.enumerated() {
            guard case .object(var ruleMembers) = rule, case .array(let steps)? = ruleMembers["steps"] else {
                newRules.append(rule)
                continue
            }
            var newSteps: [JSONValue] = []
            for step in steps {
                guard case .object(var stepMembers) = step, case .array(let keys)? = stepMembers["keys"] else {
                    newSteps.append(step)
                    continue
                }
                var newKeys: [JSONValue] = []
                for key in keys {
                    if case .object(let keyMembers) = key {
                        newKeys.append(try transform(keyMembers, ruleMembers, index + 1))
                    } else {
                        newKeys.append(key)
                    }
                }
                stepMembers["keys"] = .array(newKeys)
                newSteps.append(.object(stepMembers))
            }
            ruleMembers["steps"] = .array(newSteps)
            newRules.append(.object(ruleMembers))
        }
        members["rules"] = .array(newRules)
        return .object(members)
    }

    /// The rendered JSON of one record (cached for resources whose rendering reads no other record).
    static func json(_ resource: Resource, id: String, state: inout State, baseURL: String, counts: ReferenceCounts? = nil) -> Data? {
        guard let stored = state.tables[resource.name]?.records[id] else { return nil }
        let cacheable = resource.semantics.isEmpty && !resource.fields.contains { $0.reference?.shownAs != nil }
        if cacheable, let cached = state.tables[resource.name]?.rendered[id], cached.baseURL == baseURL { return cached.json }
        let json = encode(.object(render(resource, stored, state: state, baseURL: baseURL, counts: counts)))
        if cacheable { state.tables[resource.name]!.rendered[id] = (baseURL, json) }
        return json
    }

    static func userURI(_ userID: String, baseURL: String) -> String {
        baseURL + "/users/" + PercentEncoding.encodePathSegment(userID)
    }

    static func encode(_ value: JSONValue) -> Data {
        (try? JSONCoding.compactEncoder.encode(value)) ?? Data("{}".utf8)
    }
}

import Foundation

/// The operations behind the routes, generic over the catalogue. Bodies arrive checked
/// against the catalogue (types, limits, unknown fields); what is checked here is what needs
/// the account: references, conflicts, fields a record cannot lose.
extension AccountStore {
    /// `POST {path}`: stores a record and returns it rendered, with a returned-once `token`.
    func create(_ resource: Resource, _ body: [String: JSONValue], by user: String, baseURL: String) throws(APIError)
        -> [String: JSONValue]
    {
        try locked { state throws(APIError) in
            var stored = Stored(fields: [:])
            for (name, value) in body { Self.assign(name, value, resource: resource, to: &stored) }
            Self.fillDefaults(resource.fields, in: &stored.fields)
            try Self.checkReferences(resource, body, state: state)
            try Self.checkAccountRules(resource, stored.fields, id: nil, state: state)
            for field in resource.fields where field.unique {
                guard let value = body[field.name],
                      let other = state.tables[resource.name]!.records.values.first(where: { $0.fields[field.name] == value })
                else { continue }
                throw APIError(
                    status: 409, msg: "\(resource.singular) \(other.id) already has \(field.name) \(value.stringValue.map { "\"\($0.abbreviated())\"" } ?? "")")
            }
            try Self.inlineStepKeys(resource, &stored, state: &state, user: user)
            let now = state.now()
            let stamp = JSONValue.string(RFC3339.string(from: now))
            stored.fields["id"] = .string(state.tables[resource.name]!.nextID())
            stored.fields["createdAt"] = stamp
            stored.fields["updatedAt"] = stamp
            stored.fields["createdBy"] = .object(["id": .string(user)])
            stored.fields["lastUpdatedBy"] = .object(["id": .string(user)])
            var token: (String, String)?
            for field in resource.fields where field.secrecy == .returnedOnce {
                let made = Self.makeToken(resource, &state.random)
                stored.secrets[field.name] = made
                token = (field.name, made)
            }
            Self.redact(resource, &stored)
            state.tables[resource.name]!.put(stored)
            state.record(.created, resource.name, stored.id, at: now)
            var out = Self.render(resource, stored, state: state, baseURL: baseURL)
            if let (name, value) = token { out[name] = .string(value) }
            return out
        }
    }

    /// `PATCH {path}/{id}` (or the singleton's `PATCH {path}` with `id` nil).
    func update(_ resource: Resource, id: String?, _ body: [String: JSONValue], by user: String, baseURL: String)
        throws(APIError) -> [String: JSONValue]
    {
        try locked { state throws(APIError) in
            guard let id else {
                var fields = state.singletons[resource.name] ?? [:]
                for (name, value) in body {
                    try Self.refuseLoss(resource, name, value)
                    fields[name] = value.isNull ? nil : value
                }
                try Self.checkReferences(resource, body, state: state)
                state.singletons[resource.name] = fields
                return Self.renderSingleton(resource, fields, baseURL: baseURL)
            }
            guard var stored = state.tables[resource.name]?.records[id] else { throw Self.notFound(resource, id) }
            for (name, value) in body {
                try Self.refuseLoss(resource, name, value)
                Self.assign(name, value, resource: resource, to: &stored)
            }
            Self.fillDefaults(resource.fields, in: &stored.fields)
            try Self.checkReferences(resource, body, state: state)
            try Self.checkAccountRules(resource, stored.fields, id: id, state: state)
            try Self.inlineStepKeys(resource, &stored, state: &state, user: user)
            let now = state.now()
            stored.fields["updatedAt"] = .string(RFC3339.string(from: now))
            stored.fields["lastUpdatedBy"] = .object(["id": .string(user)])
            Self.redact(resource, &stored)
            state.tables[resource.name]!.put(stored)
            state.record(.updated, resource.name, id, at: now)
            return Self.render(resource, stored, state: state, baseURL: baseURL)
        }
    }

    /// `POST {path}/{id}/{action}`, e.g. a provider key's rotation.
    func perform(_ resource: Resource, _ action: Action, id: String, _ body: [String: JSONValue], by user: String, baseURL: String)
        throws(APIError) -> [String: JSONValue]
    {
        try locked { state throws(APIError) in
            guard var stored = state.tables[resource.name]?.records[id] else { throw Self.notFound(resource, id) }
            for (name, value) in body {
                if action.fields.first(where: { $0.name == name })?.secrecy == .writeOnly {
                    stored.secrets[name] = value.stringValue
                } else {
                    stored.fields[name] = value
                }
            }
            let now = state.now()
            stored.fields["updatedAt"] = .string(RFC3339.string(from: now))
            stored.fields["lastUpdatedBy"] = .object(["id": .string(user)])
            Self.redact(resource, &stored)
            state.tables[resource.name]!.put(stored)
            state.record(.action(action.name), resource.name, id, at: now)
            return Self.render(resource, stored, state: state, baseURL: baseURL)
        }
    }

    /// `DELETE {path}/{id}`: refused (409) while another record references this one.
    func delete(_ resource: Resource, id: String) throws(APIError) {
        try locked { state throws(APIError) in
            guard let stored = state.tables[resource.name]?.records[id] else { throw Self.notFound(resource, id) }
            if let user = Self.blockingReference(to: resource, stored, state: state) {
                throw APIError(
                    status: 409,
                    msg: "\(resource.singular) \(id) is still used by \(user.resource.singular) \(user.id); change or delete that first")
            }
            if let singleton = Self.blockingSingleton(to: resource, stored, state: state) {
                throw APIError(status: 409, msg: "\(resource.singular) \(id) is still used by the \(singleton.singular); change that first")
            }
            _ = state.tables[resource.name]!.remove(id)
            state.record(.deleted, resource.name, id, at: state.now())
        }
    }

    /// The singleton record rendered, or nil if the account has none.
    func singleton(_ resource: Resource, baseURL: String) -> [String: JSONValue]? {
        state.withLockedValue { state in
            state.singletons[resource.name].map { Self.renderSingleton(resource, $0, baseURL: baseURL) }
        }
    }

    /// One page of a collection rendered under `baseURL`: records with id < `beforeID` (all when
    /// nil), newest first, matching every filter. `hasMore` tells whether further records match.
    func page(_ resource: Resource, beforeID: String?, limit: Int, filters: [(String, String)], baseURL: String)
        -> (records: [Data], lastID: String?, hasMore: Bool)
    {
        state.withLockedValue { state in
            guard let table = state.tables[resource.name] else { return ([], nil, false) }
            var index = (beforeID.map { table.lowerBound($0) } ?? table.orderedIDs.count) - 1
            var records: [Data] = []
            records.reserveCapacity(min(limit, index + 1))
            var lastID: String?
            let counts = ReferenceCounts(resource, state: state)
            while index >= 0 {
                let id = table.orderedIDs[index]
                index -= 1
                let fields = table.records[id]!.fields
                // A filter `provider` matches the record's `provider` or `providerId`.
                if !filters.allSatisfy({ (name, value) in (fields[name] ?? fields[name + "Id"])?.stringValue == value }) {
                    continue
                }
                if records.count == limit { return (records, lastID, true) }
                records.append(Self.json(resource, id: id, state: &state, baseURL: baseURL, counts: counts)!)
                lastID = id
            }
            return (records, lastID, false)
        }
    }

    /// The rendered JSON of one record, or nil when the id is unknown.
    func renderedRecord(_ resource: Resource, id: String, baseURL: String) -> Data? {
        state.withLockedValue { state in Self.json(resource, id: id, state: &state, baseURL: baseURL) }
    }

    // MARK: - Pieces

    static func notFound(_ resource: Resource, _ id: String) -> APIError {
        .notFound("\(resource.singular) \"\(id.abbreviated())\" was not found")
    }

    /// Write-only fields go to the secrets, `null` removes, anything else is stored.
    private static func assign(_ name: String, _ value: JSONValue, resource: Resource, to stored: inout Stored) {
        if resource.field(name)?.secrecy == .writeOnly {
            stored.secrets[name] = value.stringValue
        } else {
            stored.fields[name] = value.isNull ? nil : value
        }
    }

    /// A field every record has cannot be cleared.
    private static func refuseLoss(_ resource: Resource, _ name: String, _ value: JSONValue) throws(APIError) {
        if value.isNull, resource.field(name)?.requiredInRecord == true {
            throw .badRequest("\(name) must not be null: a \(resource.singular) needs a \(name)")
        }
    }

    private static func redact(_ resource: Resource, _ stored: inout Stored) {
        if let from = resource.redactedFrom, let secret = stored.secrets[from] {
            stored.fields["keyRedacted"] = .string(AccountStore.redact(secret))
        }
    }

    private static func makeToken(_ resource: Resource, _ random: inout SeededRandom) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return resource.idPrefix + "tok_" + String((0..<40).map { _ in alphabet[random.below(alphabet.count)] })
    }

    static func renderSingleton(_ resource: Resource, _ fields: [String: JSONValue], baseURL: String) -> [String: JSONValue] {
        var out = fields
        out["uri"] = .string(baseURL + resource.path)
        for field in resource.fields where field.inRecord && out[field.name] == nil { out[field.name] = .null }
        return out
    }
}

extension AccountStore {
    /// Runs `body` under the lock, passing its typed error out.
    func locked<T>(_ body: (inout State) throws(APIError) -> T) throws(APIError) -> T {
        let result: Result<T, APIError> = state.withLockedValue { state in
            Result { () throws(APIError) -> T in try body(&state) }
        }
        return try result.get()
    }
}

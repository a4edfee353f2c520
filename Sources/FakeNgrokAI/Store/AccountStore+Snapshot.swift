import Foundation

/// Why a snapshot could not be loaded.
public enum SnapshotError: Error, Sendable, CustomStringConvertible {
    case invalidJSON(String)
    case invalidRecord(id: String, reason: String)
    case duplicateID(String)

    public var description: String {
        switch self {
        case .invalidJSON(let reason): "snapshot is not a valid account snapshot: \(reason)"
        case .invalidRecord(let id, let reason): "snapshot record \(id): \(reason)"
        case .duplicateID(let id): "snapshot contains id \(id) more than once"
        }
    }
}

/// Snapshots: the account as the API would list it, one member per resource
/// (`aiGatewayProviderKeys`, `aiGatewayAccessKeys`, …, `gatewayConfig`, `credits`,
/// `aiGatewayUsage`). Never a secret. A file with only provider keys (what earlier versions
/// wrote) still loads.
extension AccountStore {
    /// The snapshot's member for a singleton or read-only resource.
    static let creditsMember = "credits"
    static let usageMember = "aiGatewayUsage"
    /// The model catalogue, as `GET /v1/models` lists it under `data` (absent from files written before it).
    static let modelsMember = "models"

    /// Replaces the resources the file holds (all of `only`, when given) with its records.
    /// A file naming none of them, or with a bad record, is refused and changes nothing.
    public func load(snapshotJSON data: Data, only: [Resource]? = nil) throws {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: data)
        } catch {
            throw SnapshotError.invalidJSON("not JSON")
        }
        let file: [String: JSONValue]
        switch json {
        case .object(let members): file = members
        case .array(let records): file = try Self.grouped(records)
        default:
            throw SnapshotError.invalidJSON(
                "expected a JSON object with a member per resource, such as \"aiGatewayProviderKeys\": [records…], or a list of records")
        }
        let wanted = only ?? Catalogue.all
        var tables: [String: [Stored]] = [:]
        for resource in wanted where resource.kind == .collection {
            guard let envelope = resource.envelope, let member = file[envelope] else { continue }
            guard case .array(let items) = member else { throw SnapshotError.invalidJSON("\"\(envelope)\" should be an array of records") }
            var seen = Set<String>()
            tables[resource.name] = try items.map { item throws in
                let stored = try Self.stored(resource, from: item)
                guard seen.insert(stored.id).inserted else { throw SnapshotError.duplicateID(stored.id) }
                return stored
            }
        }
        let config = only == nil ? file[Resource.gatewayConfig.name]?.objectValue : nil
        let credits = only == nil ? file[Self.creditsMember]?.objectValue : nil
        let usage = only == nil ? file[Self.usageMember]?.arrayValue : nil
        let models = only == nil ? file[Self.modelsMember]?.arrayValue : nil
        if tables.isEmpty && config == nil && credits == nil && usage == nil && models == nil {
            let names = wanted.compactMap(\.envelope).map { "\"\($0)\"" }.joined(separator: ", ")
            throw SnapshotError.invalidJSON("it has none of the members \(names)")
        }
        state.withLockedValue { state in
            let loadsAll = only == nil
            for resource in wanted where resource.kind == .collection && (loadsAll || tables[resource.name] != nil) {
                var table = state.tables[resource.name]!
                table.records.removeAll()
                table.orderedIDs.removeAll()
                table.rendered.removeAll()
                for stored in tables[resource.name] ?? [] { table.put(stored) }
                state.tables[resource.name] = table
                state.history[resource.name] = nil
            }
            if loadsAll {
                state.singletons[Resource.gatewayConfig.name] = config.map { $0.filter { $0.key != "uri" && !$0.value.isNull } }
                state.creditBalance = credits?["balanceCents"]?.intValue ?? 0
                state.creditTransactions = credits?["items"]?.arrayValue ?? []
                state.purchases = PurchaseBook(snapshot: credits ?? [:])
                state.usage = (usage ?? []).compactMap(\.objectValue).map(Self.completedEvent)
                state.models = models ?? []
            }
        }
    }

    /// The account (or the resources in `only`) as pretty-printed JSON with sorted keys.
    public func snapshotJSON(baseURL: String = AccountStore.snapshotBaseURL, only: [Resource]? = nil) -> Data {
        var file: [String: JSONValue] = [:]
        for resource in only ?? Catalogue.all where resource.kind == .collection {
            file[resource.envelope!] = .array(records(resource, baseURL: baseURL).map { .object($0) })
        }
        if only == nil {
            if let config = singleton(.gatewayConfig, baseURL: baseURL) { file[Resource.gatewayConfig.name] = .object(config) }
            let (balance, items) = credits
            file[Self.creditsMember] = .object(
                ["balanceCents": .int(balance), "items": .array(items)].merging(purchaseSnapshot) { a, _ in a })
            file[Self.usageMember] = .array(usageEvents.map { .object($0) })
            // The built-in models only: the custom providers' models follow from their records.
            file[Self.modelsMember] = .array(state.withLockedValue { $0.models })
        }
        return (try? JSONCoding.snapshotEncoder.encode(JSONValue.object(file))) ?? Data()
    }

    /// A plain list of records, sorted into their resources by id prefix (`aigak_…` is an
    /// access key); records whose id has no known prefix are provider keys.
    static func grouped(_ records: [JSONValue]) throws(SnapshotError) -> [String: JSONValue] {
        let collections = Catalogue.all.filter { $0.kind == .collection && !$0.idPrefix.isEmpty }
            .sorted { $0.idPrefix.count > $1.idPrefix.count }
        var lists: [String: [JSONValue]] = [:]
        for record in records {
            guard let id = record["id"]?.stringValue else { throw SnapshotError.invalidJSON("a record of the list has no string id") }
            let resource = collections.first { id.hasPrefix($0.idPrefix) } ?? .providerKeys
            lists[resource.envelope!, default: []].append(record)
        }
        return lists.mapValues { .array($0) }
    }

    /// A record as the API renders it, made storable: `uri` and any token dropped, users as
    /// `{id}`, references raw again, timestamps in the API's form, a `value` kept as the secret.
    static func stored(_ resource: Resource, from item: JSONValue) throws(SnapshotError) -> Stored {
        guard case .object(var fields) = item else { throw SnapshotError.invalidJSON("a \(resource.singular) record is not an object") }
        guard let id = fields["id"]?.stringValue else { throw SnapshotError.invalidJSON("a \(resource.singular) record has no string id") }
        var stored = Stored(fields: [:])
        fields["uri"] = nil
        for name in computedFields(resource) { fields[name] = nil }
        for field in resource.fields where field.isSecret {
            if field.secrecy == .writeOnly, let value = fields[field.name]?.stringValue { stored.secrets[field.name] = value }
            fields[field.name] = nil
        }
        for name in ["createdBy", "lastUpdatedBy"] {
            if let user = fields[name]?["id"]?.stringValue { fields[name] = .object(["id": .string(user)]) } else { fields[name] = nil }
        }
        if fields["lastUpdatedBy"] == nil { fields["lastUpdatedBy"] = fields["createdBy"] ?? .object(["id": .string(AccountStore.defaultUserID)]) }
        if fields["createdBy"] == nil { fields["createdBy"] = .object(["id": .string(AccountStore.defaultUserID)]) }
        for field in resource.fields {
            if let shownAs = field.reference?.shownAs {
                fields[field.name] = fields.removeValue(forKey: shownAs)?["id"]
            }
            guard let value = fields[field.name] else { continue }
            if value.isNull { fields[field.name] = nil; continue }
            if case .timestamp = field.type {
                guard let date = value.stringValue.flatMap(RFC3339.date(from:)) else {
                    throw SnapshotError.invalidRecord(id: id, reason: "\(field.name) is not an RFC 3339 timestamp")
                }
                fields[field.name] = .string(RFC3339.string(from: date))
            }
        }
        if fields["updatedAt"] == nil { fields["updatedAt"] = fields["createdAt"] }
        fillDefaults(resource.fields, in: &fields)
        let computed = computedFields(resource)
        for field in resource.fields where field.requiredInRecord && field.inRecord && !["uri", "keyRedacted"].contains(field.name)
            && !computed.contains(field.name)
        {
            guard let value = fields[field.name] else {
                throw SnapshotError.invalidRecord(id: id, reason: "missing field \(field.name)")
            }
            if case .string = field.type, value.stringValue == nil {
                throw SnapshotError.invalidRecord(id: id, reason: "\(field.name) should be a string")
            }
        }
        if resource.semantics.contains(.routerStepKeys), let router = fields["router"] {
            fields["router"] = mapStepKeys(router) { key, _, _ in key["id"].map { .object(["id": $0]) } ?? .object(key) }
        }
        if fields["keyRedacted"] == nil, resource.field("keyRedacted") != nil {
            let secret = resource.redactedFrom.flatMap { stored.secrets[$0] }
            fields["keyRedacted"] = .string(secret.map(AccountStore.redact) ?? "***")
        }
        stored.fields = fields
        return stored
    }
}

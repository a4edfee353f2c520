import Foundation

/// The read-only parts of the account: usage events and their overview, credits, the
/// singleton records; and how tests and the sample account seed them.
extension AccountStore {
    /// Replaces the usage events (any order; kept newest first).
    public func setUsage(_ events: [[String: JSONValue]]) {
        let sorted = events.map(Self.completedEvent).sorted { ($0["eventTime"]?.stringValue ?? "", $0["id"]?.stringValue ?? "") > ($1["eventTime"]?.stringValue ?? "", $1["id"]?.stringValue ?? "") }
        state.withLockedValue { $0.usage = sorted }
    }

    /// Every usage event, newest first.
    public var usageEvents: [[String: JSONValue]] { state.withLockedValue { $0.usage } }

    /// Sets the credit balance and transactions.
    public func setCredits(balanceCents: Int64, transactions: [JSONValue]) {
        state.withLockedValue {
            $0.creditBalance = balanceCents
            $0.creditTransactions = transactions
        }
    }

    /// The credit balance in cents and the transactions.
    public var credits: (balanceCents: Int64, transactions: [JSONValue]) {
        state.withLockedValue { ($0.creditBalance, $0.creditTransactions) }
    }

    /// Sets a singleton record (e.g. `gatewayConfig`) as stored, without `uri`.
    public func setSingleton(_ resource: Resource, _ fields: [String: JSONValue]?) {
        state.withLockedValue { $0.singletons[resource.name] = fields }
    }

    /// A singleton record as stored (without `uri`).
    public func singletonFields(_ resource: Resource) -> [String: JSONValue]? {
        state.withLockedValue { $0.singletons[resource.name] }
    }

    /// One page of `GET /usage`: events in `[start, end)`, newest first, after `cursor` (the
    /// id of the previous page's last event). Without `includeRetries`, only final attempts.
    func usagePage(start: String, end: String?, accessKeyID: String?, includeRetries: Bool, cursor: String?, limit: Int)
        -> (events: [[String: JSONValue]], next: String?)
    {
        state.withLockedValue { state in
            var index = 0
            if let cursor, let at = state.usage.firstIndex(where: { $0["id"]?.stringValue == cursor }) { index = at + 1 }
            var events: [[String: JSONValue]] = []
            while index < state.usage.count {
                let event = state.usage[index]
                index += 1
                guard Self.matches(event, start: start, end: end, accessKeyID: accessKeyID, includeRetries: includeRetries) else {
                    continue
                }
                if events.count == limit { return (events, events.last?["id"]?.stringValue) }
                events.append(event)
            }
            return (events, nil)
        }
    }

    /// `GET /usage/overview`: per day and group (provider or access key), cost summed over all
    /// attempts, requests and errors counted over final attempts; and totals.
    func usageOverview(start: String, end: String?, groupBy: String) -> (buckets: [JSONValue], totals: JSONValue) {
        let events = state.withLockedValue { state in
            state.usage.filter { Self.matches($0, start: start, end: end, accessKeyID: nil, includeRetries: true) }
        }
        struct Sum { var cost = 0.0, requests: Int64 = 0, errors: Int64 = 0 }
        var buckets: [String: Sum] = [:]
        var total = Sum()
        for event in events {
            let day = String((event["eventTime"]?.stringValue ?? "").prefix(10)) + "T00:00:00Z"
            let group = event[groupBy == "accessKey" ? "accessKeyId" : "provider"]?.stringValue ?? ""
            let key = day + " " + group
            let cost = Double(event["totalCost"]?.stringValue ?? "") ?? 0
            let final = event["isFinalAttempt"]?.boolValue ?? true
            let failed = final && (event["isError"]?.boolValue ?? false)
            buckets[key, default: Sum()].cost += cost
            total.cost += cost
            if final {
                buckets[key]!.requests += 1
                total.requests += 1
            }
            if failed {
                buckets[key]!.errors += 1
                total.errors += 1
            }
        }
        func money(_ value: Double) -> JSONValue { .string(String(format: "%.5f", value)) }
        let list: [JSONValue] = buckets.keys.sorted().map { key in
            let sum = buckets[key]!
            let parts = key.split(separator: " ", maxSplits: 1)
            return .object([
                "bucketStart": .string(String(parts[0])), "groupKey": .string(parts.count > 1 ? String(parts[1]) : ""),
                "cost": money(sum.cost), "requests": .int(sum.requests), "errors": .int(sum.errors),
            ])
        }
        return (list, .object(["cost": money(total.cost), "requests": .int(total.requests), "errors": .int(total.errors)]))
    }

    private static func matches(_ event: [String: JSONValue], start: String, end: String?, accessKeyID: String?, includeRetries: Bool)
        -> Bool
    {
        let time = event["eventTime"]?.stringValue ?? ""
        if time < start { return false }
        if let end, time >= end { return false }
        if let accessKeyID, event["accessKeyId"]?.stringValue != accessKeyID { return false }
        if !includeRetries, event["isFinalAttempt"]?.boolValue == false { return false }
        return true
    }

    /// Stores a record (for seeding): `fields` as the API renders them, with references raw
    /// and users as `{id}`. A write-only field (a provider key's `value`) given among the fields
    /// or in `secrets` is kept as the record's secret, and redacted into `keyRedacted` when the
    /// record has none. What is not given is generated: the id (sorting after every existing
    /// one), the timestamps (now) and the users (``defaultUserID``). Returns the id.
    @discardableResult
    public func insert(_ resource: Resource, fields: [String: JSONValue], secrets: [String: String] = [:]) -> String {
        state.withLockedValue { state in
            var stored = Stored(fields: fields, secrets: secrets)
            for field in resource.fields where field.secrecy == .writeOnly {
                if let value = stored.fields.removeValue(forKey: field.name)?.stringValue { stored.secrets[field.name] = value }
            }
            if stored.fields["id"] == nil { stored.fields["id"] = .string(state.tables[resource.name]!.nextID()) }
            let now = state.now()
            if stored.fields["createdAt"] == nil { stored.fields["createdAt"] = .string(RFC3339.string(from: now)) }
            if stored.fields["updatedAt"] == nil { stored.fields["updatedAt"] = stored.fields["createdAt"] }
            if stored.fields["createdBy"] == nil { stored.fields["createdBy"] = .object(["id": .string(Self.defaultUserID)]) }
            if stored.fields["lastUpdatedBy"] == nil { stored.fields["lastUpdatedBy"] = stored.fields["createdBy"] }
            if stored.fields["keyRedacted"] == nil, let from = resource.redactedFrom {
                stored.fields["keyRedacted"] = .string(stored.secrets[from].map(Self.redact) ?? "***")
            }
            state.tables[resource.name]!.put(stored)
            state.record(.seeded, resource.name, stored.id, at: now)
            return stored.id
        }
    }
}

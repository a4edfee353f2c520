import Foundation
import NIOConcurrencyHelpers

/// The fake's whole account: one generic table per collection of the ``Catalogue``, the
/// singleton records, usage events and credits. Thread-safe; every method takes one short lock,
/// so a change that touches several resources (a reference check, an inline-created key) is atomic.
public final class AccountStore: Sendable {
    /// One stored record: its fields as the API renders them, less `uri` (added per server),
    /// with references kept raw (`accessKeyConfigurationId`, step keys as `{id}`); and its secrets.
    struct Stored: Sendable {
        var fields: [String: JSONValue]
        var secrets: [String: String] = [:]

        var id: String { fields["id"]?.stringValue ?? "" }
    }

    struct Table: Sendable {
        var records: [String: Stored] = [:]
        /// All ids, ascending.
        var orderedIDs: [String] = []
        var ids: RecordIDGenerator
        /// Each record's rendered JSON, for resources whose rendering reads no other record.
        var rendered: [String: (baseURL: String, json: Data)] = [:]

        /// Index of the first id that is not less than `id`.
        func lowerBound(_ id: String) -> Int {
            var low = 0
            var high = orderedIDs.count
            while low < high {
                let mid = (low + high) / 2
                if orderedIDs[mid] < id { low = mid + 1 } else { high = mid }
            }
            return low
        }

        mutating func put(_ record: Stored) {
            let id = record.id
            rendered[id] = nil
            if records.updateValue(record, forKey: id) == nil {
                if let last = orderedIDs.last, last >= id {
                    orderedIDs.insert(id, at: lowerBound(id))
                } else {
                    orderedIDs.append(id)
                }
            }
        }

        mutating func remove(_ id: String) -> Stored? {
            guard let old = records.removeValue(forKey: id) else { return nil }
            rendered[id] = nil
            let index = lowerBound(id)
            if index < orderedIDs.count, orderedIDs[index] == id { orderedIDs.remove(at: index) }
            return old
        }

        mutating func nextID() -> String { ids.next(after: orderedIDs.last) }
    }

    struct State: Sendable {
        var tables: [String: Table] = [:]
        var singletons: [String: [String: JSONValue]] = [:]
        /// Every change by resource and id, oldest first (kept after deletion).
        var history: [String: [String: [RecordChange]]] = [:]
        /// Usage events, newest first.
        var usage: [[String: JSONValue]] = []
        var creditBalance: Int64 = 0
        var creditTransactions: [JSONValue] = []
        /// Credit purchase attempts and their idempotency keys.
        var purchases = PurchaseBook()
        /// `GET /v1/models`: the model catalogue (empty: a bare account, whose virtual models may name any model).
        var models: [JSONValue] = []
        var lastTimestampMilliseconds: Int64 = 0
        var random: SeededRandom

        /// The current time at millisecond precision, strictly later than any earlier result.
        mutating func now() -> Date {
            let real = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
            lastTimestampMilliseconds = max(real, lastTimestampMilliseconds + 1)
            return Date(timeIntervalSince1970: Double(lastTimestampMilliseconds) / 1000)
        }

        mutating func record(_ kind: RecordChange.Kind, _ resource: String, _ id: String, at date: Date) {
            history[resource, default: [:]][id, default: []].append(RecordChange(kind: kind, at: date))
        }

        func table(_ resource: String) -> Table { tables[resource]! }
    }

    let state: NIOLockedValueBox<State>

    /// An empty account; `seed` drives generated ids and tokens.
    public init(seed: UInt64 = 1) {
        var state = State(random: SeededRandom(seed: seed ^ 0x746F_6B65_6E73))
        for resource in Catalogue.all where resource.kind == .collection {
            state.tables[resource.name] = Table(ids: RecordIDGenerator(prefix: resource.idPrefix, seed: seed ^ UInt64(resource.name.utf8.count)))
        }
        self.state = NIOLockedValueBox(state)
    }

    /// How many records `resource` holds.
    public func count(_ resource: Resource) -> Int {
        state.withLockedValue { $0.tables[resource.name]?.records.count ?? 0 }
    }

    /// The records of `resource`, newest first, rendered under `baseURL` (never a secret).
    public func records(_ resource: Resource, baseURL: String = AccountStore.snapshotBaseURL) -> [[String: JSONValue]] {
        state.withLockedValue { state in
            guard let table = state.tables[resource.name] else { return [] }
            let counts = ReferenceCounts(resource, state: state)
            return table.orderedIDs.reversed().compactMap { id in
                table.records[id].map { Self.render(resource, $0, state: state, baseURL: baseURL, counts: counts) }
            }
        }
    }

    /// One record rendered under `baseURL`, or nil.
    public func record(_ resource: Resource, id: String, baseURL: String = AccountStore.snapshotBaseURL) -> [String: JSONValue]? {
        state.withLockedValue { state in
            state.tables[resource.name]?.records[id].map { Self.render(resource, $0, state: state, baseURL: baseURL) }
        }
    }

    /// A stored secret (`value`, `token`) of a record: write-only in the API; for tests.
    public func secret(_ resource: Resource, id: String, field: String) -> String? {
        state.withLockedValue { $0.tables[resource.name]?.records[id]?.secrets[field] }
    }

    /// Every change recorded for a record, oldest first.
    public func history(_ resource: Resource, id: String) -> [RecordChange] {
        state.withLockedValue { $0.history[resource.name]?[id] ?? [] }
    }

    /// How many changes of `kind` were applied to records of `resource`.
    public func mutationCount(_ resource: Resource, of kind: RecordChange.Kind) -> Int {
        state.withLockedValue { state in
            (state.history[resource.name] ?? [:]).values.reduce(0) { $0 + $1.filter { $0.kind == kind }.count }
        }
    }

    /// Removes every record, event and credit of the account.
    public func removeAll() {
        state.withLockedValue { state in
            for name in state.tables.keys {
                state.tables[name]!.records.removeAll()
                state.tables[name]!.orderedIDs.removeAll()
                state.tables[name]!.rendered.removeAll()
            }
            state.singletons.removeAll()
            state.history.removeAll()
            state.usage.removeAll()
            state.creditBalance = 0
            state.creditTransactions.removeAll()
            state.purchases = PurchaseBook()
            state.models.removeAll()
        }
    }

    /// The default base URL written into snapshot records' `uri` fields.
    public static let snapshotBaseURL = "https://api.ngrok.ai"

    /// The user the fake acts as for API writes and seeded records.
    public static let defaultUserID = "usr_fake"

    /// The API's redaction of a secret: the first 10 characters, `***`, and the last 4.
    /// Shorter secrets reveal less (at most about half), never the whole value.
    public static func redact(_ value: String) -> String {
        let scalars = Array(value.unicodeScalars)
        let (head, tail) = scalars.count >= 14 ? (10, 4) : (min(3, scalars.count / 3), min(4, scalars.count / 3))
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[0..<head])
        view.append(contentsOf: "***".unicodeScalars)
        view.append(contentsOf: scalars[(scalars.count - tail)...])
        return String(view)
    }
}

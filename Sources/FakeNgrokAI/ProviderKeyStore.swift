import Foundation

/// The provider keys of an ``AccountStore``, typed as ``FakeProviderKey``s: the view tests and
/// the sandbox use to seed and inspect keys. Thread-safe (every call is one call of the account).
public final class ProviderKeyStore: Sendable {
    /// The whole account this is a view of.
    public let account: AccountStore

    /// A view of `account`.
    public init(account: AccountStore) {
        self.account = account
    }

    /// A store of its own holding `keys`; `seed` drives the random part of generated ids.
    public convenience init(keys: [FakeProviderKey] = [], seed: UInt64 = 1) {
        self.init(account: AccountStore(seed: seed))
        for key in keys { insert(key) }
    }

    private var resource: Resource { .providerKeys }

    /// All keys in descending id order (newest first), as the API lists them.
    public func all() -> [FakeProviderKey] {
        account.state.withLockedValue { state in
            let table = state.table(resource.name)
            return table.orderedIDs.reversed().compactMap { id in Self.key(table.records[id]) }
        }
    }

    /// The key with this id, if any.
    public func get(id: String) -> FakeProviderKey? {
        account.state.withLockedValue { Self.key($0.table(resource.name).records[id]) }
    }

    /// The number of stored keys.
    public var count: Int { account.count(resource) }

    /// Stores `key` as is (replacing any key with the same id) and returns it. For seeding.
    @discardableResult
    public func insert(_ key: FakeProviderKey) -> FakeProviderKey {
        account.insert(resource, fields: key.storedFields, secrets: key.value.map { ["value": $0] } ?? [:])
        return key
    }

    /// Seeds a key, generating what is not given: the id (sorting after every existing id),
    /// a fake secret, and timestamps (now). Returns the stored record.
    @discardableResult
    public func insert(
        id: String? = nil, providerId: String = "openai", name: String, value: String? = nil, description: String? = nil,
        metadata: String? = nil, createdAt: Date? = nil, lastUsed: Date? = nil
    ) -> FakeProviderKey {
        let (id, now) = account.state.withLockedValue { state in
            (id ?? state.tables[resource.name]!.nextID(), state.now())
        }
        return insert(FakeProviderKey(
            id: id, providerId: providerId, name: name, value: value ?? "sk-fake-" + id, description: description,
            metadata: metadata, createdAt: createdAt ?? now, updatedAt: createdAt ?? now, lastUsed: lastUsed))
    }

    /// Removes every provider key and its history.
    public func removeAll() {
        account.state.withLockedValue { state in
            let name = resource.name
            state.tables[name]!.records.removeAll()
            state.tables[name]!.orderedIDs.removeAll()
            state.tables[name]!.rendered.removeAll()
            state.history[name] = nil
        }
    }

    /// The stored secret of a key (write-only in the API; for tests only).
    public func valueOf(id: String) -> String? { account.secret(resource, id: id, field: "value") }

    /// Every change recorded for this id, oldest first (kept after deletion).
    public func history(for id: String) -> [KeyMutation] { account.history(resource, id: id) }

    /// How many times the API changed this key after creating it (PATCH and rotate).
    public func mutationCount(for id: String) -> Int {
        history(for: id).filter { $0.kind == .updated || $0.kind == .rotated }.count
    }

    /// How many API changes of `kind` were applied to any key.
    public func mutationCount(of kind: KeyMutation.Kind) -> Int { account.mutationCount(resource, of: kind) }

    private static func key(_ stored: AccountStore.Stored?) -> FakeProviderKey? {
        stored.flatMap { FakeProviderKey(storedFields: $0.fields, value: $0.secrets["value"]) }
    }
}

import Foundation
import NIOConcurrencyHelpers

/// The fake's in-memory state: provider keys by id, their secrets and their change history.
/// Thread-safe; every method takes a short internal lock.
public final class ProviderKeyStore: Sendable {
    struct State {
        var keys: [String: FakeProviderKey] = [:]
        /// All ids, ascending.
        var orderedIDs: [String] = []
        var history: [String: [KeyMutation]] = [:]
        var idGenerator: ProviderKeyIDGenerator
        var lastTimestampMilliseconds: Int64 = 0
        /// Each key's API JSON, rendered once per change (lists are served from these).
        var rendered: [String: (baseURL: String, json: Data)] = [:]

        /// The current time at millisecond precision, strictly later than any earlier result.
        mutating func now() -> Date {
            let real = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
            lastTimestampMilliseconds = max(real, lastTimestampMilliseconds + 1)
            return Date(timeIntervalSince1970: Double(lastTimestampMilliseconds) / 1000)
        }

        mutating func nextID() -> String {
            idGenerator.next(after: orderedIDs.last)
        }

        /// Index of the first id that is not less than `id`.
        func lowerBound(_ id: String) -> Int {
            var low = 0
            var high = orderedIDs.count
            while low < high {
                let mid = (low + high) / 2
                if orderedIDs[mid] < id {
                    low = mid + 1
                } else {
                    high = mid
                }
            }
            return low
        }

        /// The key's API JSON under `baseURL`, from the cache when still valid.
        mutating func json(of key: FakeProviderKey, baseURL: String) -> Data {
            if let cached = rendered[key.id], cached.baseURL == baseURL {
                return cached.json
            }
            let json = key.json(baseURL: baseURL)
            rendered[key.id] = (baseURL, json)
            return json
        }

        mutating func put(_ key: FakeProviderKey, as kind: KeyMutation.Kind, at date: Date) {
            rendered[key.id] = nil
            if keys.updateValue(key, forKey: key.id) == nil {
                if let last = orderedIDs.last, last >= key.id {
                    orderedIDs.insert(key.id, at: lowerBound(key.id))
                } else {
                    orderedIDs.append(key.id)
                }
            }
            history[key.id, default: []].append(KeyMutation(kind: kind, at: date))
        }

        mutating func remove(_ id: String, at date: Date) -> Bool {
            guard keys.removeValue(forKey: id) != nil else { return false }
            rendered[id] = nil
            let index = lowerBound(id)
            if index < orderedIDs.count, orderedIDs[index] == id {
                orderedIDs.remove(at: index)
            }
            history[id, default: []].append(KeyMutation(kind: .deleted, at: date))
            return true
        }
    }

    let state: NIOLockedValueBox<State>

    /// A store holding `keys`; `seed` drives the random part of generated ids.
    public init(keys: [FakeProviderKey] = [], seed: UInt64 = 1) {
        state = NIOLockedValueBox(State(idGenerator: ProviderKeyIDGenerator(seed: seed)))
        for key in keys {
            insert(key)
        }
    }

    /// All keys in descending id order (newest first), as the API lists them.
    public func all() -> [FakeProviderKey] {
        state.withLockedValue { state in state.orderedIDs.reversed().compactMap { state.keys[$0] } }
    }

    /// The key with this id, if any.
    public func get(id: String) -> FakeProviderKey? {
        state.withLockedValue { $0.keys[id] }
    }

    /// The number of stored keys.
    public var count: Int {
        state.withLockedValue { $0.keys.count }
    }

    /// Stores `key` as is (replacing any key with the same id) and returns it. For seeding.
    @discardableResult
    public func insert(_ key: FakeProviderKey) -> FakeProviderKey {
        state.withLockedValue { state in
            state.put(key, as: .seeded, at: state.now())
        }
        return key
    }

    /// Seeds a key, generating what is not given: the id (sorting after every existing id),
    /// a fake secret, and timestamps (now). Returns the stored record.
    @discardableResult
    public func insert(
        id: String? = nil,
        providerId: String = "openai",
        name: String,
        value: String? = nil,
        description: String? = nil,
        metadata: String? = nil,
        createdAt: Date? = nil,
        lastUsed: Date? = nil
    ) -> FakeProviderKey {
        state.withLockedValue { state in
            let now = state.now()
            let id = id ?? state.nextID()
            let key = FakeProviderKey(
                id: id,
                providerId: providerId,
                name: name,
                value: value ?? "sk-fake-" + id,
                description: description,
                metadata: metadata,
                createdAt: createdAt ?? now,
                updatedAt: createdAt ?? now,
                lastUsed: lastUsed
            )
            state.put(key, as: .seeded, at: now)
            return key
        }
    }

    /// Removes every key and all history.
    public func removeAll() {
        state.withLockedValue { state in
            state.keys.removeAll()
            state.orderedIDs.removeAll()
            state.history.removeAll()
            state.rendered.removeAll()
        }
    }

    /// The stored secret of a key (write-only in the API; for tests only).
    public func valueOf(id: String) -> String? {
        state.withLockedValue { $0.keys[id]?.value }
    }

    /// Every change recorded for this id, oldest first (kept after deletion).
    public func history(for id: String) -> [KeyMutation] {
        state.withLockedValue { $0.history[id] ?? [] }
    }

    /// How many times the API changed this key after creating it (PATCH and rotate).
    public func mutationCount(for id: String) -> Int {
        history(for: id).filter { $0.kind == .updated || $0.kind == .rotated }.count
    }

    /// How many API changes of `kind` were applied to any key.
    public func mutationCount(of kind: KeyMutation.Kind) -> Int {
        state.withLockedValue { state in
            state.history.values.reduce(0) { $0 + $1.filter { $0.kind == kind }.count }
        }
    }
}

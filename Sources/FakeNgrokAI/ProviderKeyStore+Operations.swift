import Foundation

/// The operations behind the API routes. Validation happens before these are called.
extension ProviderKeyStore {
    /// `POST /provider-keys`.
    func create(
        providerId: String,
        name: String,
        value: String,
        description: String?,
        metadata: String?,
        by user: String
    ) -> FakeProviderKey {
        state.withLockedValue { state in
            let now = state.now()
            let key = FakeProviderKey(
                id: state.nextID(),
                providerId: providerId,
                name: name,
                value: value,
                description: description,
                metadata: metadata,
                createdAt: now,
                createdBy: user
            )
            state.put(key, as: .created, at: now)
            return key
        }
    }

    /// `PATCH /provider-keys/{id}`; nil when the id is unknown.
    func update(
        id: String,
        name: String?,
        description: FieldUpdate,
        metadata: FieldUpdate,
        by user: String
    ) -> FakeProviderKey? {
        state.withLockedValue { state in
            guard var key = state.keys[id] else { return nil }
            let now = state.now()
            if let name {
                key.name = name
            }
            switch description {
            case .unchanged: break
            case .clear: key.description = nil
            case .set(let text): key.description = text
            }
            switch metadata {
            case .unchanged: break
            case .clear: key.metadata = nil
            case .set(let text): key.metadata = text
            }
            key.updatedAt = now
            key.lastUpdatedBy = user
            state.put(key, as: .updated, at: now)
            return key
        }
    }

    /// `POST /provider-keys/{id}/rotate`; nil when the id is unknown.
    func rotate(id: String, value: String, name: String, by user: String) -> FakeProviderKey? {
        state.withLockedValue { state in
            guard var key = state.keys[id] else { return nil }
            let now = state.now()
            key.value = value
            key.keyRedacted = FakeProviderKey.redact(value)
            key.name = name
            key.updatedAt = now
            key.lastUpdatedBy = user
            state.put(key, as: .rotated, at: now)
            return key
        }
    }

    /// `DELETE /provider-keys/{id}`; false when the id is unknown.
    func delete(id: String) -> Bool {
        state.withLockedValue { state in
            state.remove(id, at: state.now())
        }
    }

    /// One page of `GET /provider-keys` rendered under `baseURL`: keys with id < `beforeID` (all
    /// when nil), newest first, optionally only those of `provider`. `lastID` is the id of the
    /// page's last record; `hasMore` tells whether further matching keys exist.
    func page(
        beforeID: String?,
        limit: Int,
        provider: String?,
        baseURL: String
    ) -> (records: [Data], lastID: String?, hasMore: Bool) {
        state.withLockedValue { state in
            var index = (beforeID.map { state.lowerBound($0) } ?? state.orderedIDs.count) - 1
            var records: [Data] = []
            records.reserveCapacity(min(limit, index + 1))
            var lastID: String?
            while index >= 0 {
                let key = state.keys[state.orderedIDs[index]]!
                index -= 1
                if let provider, key.providerId != provider {
                    continue
                }
                if records.count == limit {
                    return (records, lastID, true)
                }
                records.append(state.json(of: key, baseURL: baseURL))
                lastID = key.id
            }
            return (records, lastID, false)
        }
    }

    /// The API JSON of one key under `baseURL`, or nil when the id is unknown.
    func renderedRecord(id: String, baseURL: String) -> Data? {
        state.withLockedValue { state in
            state.keys[id].map { state.json(of: $0, baseURL: baseURL) }
        }
    }
}

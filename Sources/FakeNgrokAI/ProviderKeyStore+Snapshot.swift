import Foundation

/// Why a snapshot could not be loaded.
public enum SnapshotError: Error, Sendable, CustomStringConvertible {
    case invalidJSON(String)
    case invalidRecord(id: String, reason: String)
    case duplicateID(String)

    public var description: String {
        switch self {
        case .invalidJSON(let reason): "snapshot is not a valid provider key list: \(reason)"
        case .invalidRecord(let id, let reason): "snapshot record \(id): \(reason)"
        case .duplicateID(let id): "snapshot contains id \(id) more than once"
        }
    }
}

/// The snapshot file: the list-response shape `{"aiGatewayProviderKeys":[records…]}`.
struct SnapshotFile: Codable {
    var aiGatewayProviderKeys: [ProviderKeyRecordJSON]
}

extension ProviderKeyStore {
    /// The default base URL written into snapshot records' `uri` fields.
    public static let snapshotBaseURL = "https://api.ngrok.ai"

    /// Replaces all keys with those of a snapshot (`{"aiGatewayProviderKeys":[…]}`, other
    /// top-level fields ignored). Records are read as the API returns them; an optional `value`
    /// is accepted for hand-written files, and `keyRedacted` is kept as given.
    public func load(snapshotJSON data: Data) throws {
        let file: SnapshotFile
        do {
            file = try JSONDecoder().decode(SnapshotFile.self, from: data)
        } catch let error as DecodingError {
            throw SnapshotError.invalidJSON(Self.describe(error))
        }
        var keys: [FakeProviderKey] = []
        var seen = Set<String>()
        for record in file.aiGatewayProviderKeys {
            guard seen.insert(record.id).inserted else { throw SnapshotError.duplicateID(record.id) }
            keys.append(try FakeProviderKey(record: record))
        }
        state.withLockedValue { state in
            state.keys.removeAll()
            state.orderedIDs.removeAll()
            state.history.removeAll()
            state.rendered.removeAll()
            let now = state.now()
            for key in keys {
                state.put(key, as: .seeded, at: now)
            }
        }
    }

    /// All keys in descending id order as `{"aiGatewayProviderKeys":[…]}`, pretty-printed with
    /// sorted keys; never includes secret values.
    public func snapshotJSON(baseURL: String = ProviderKeyStore.snapshotBaseURL) -> Data {
        let file = SnapshotFile(aiGatewayProviderKeys: all().map { $0.record(baseURL: baseURL) })
        return (try? JSONCoding.snapshotEncoder.encode(file)) ?? Data()
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context):
            return context.debugDescription
        case .keyNotFound(let key, let context):
            return "missing field \(path(context.codingPath + [key]))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("") { path, key in
            if let index = key.intValue {
                return path + "[\(index)]"
            }
            return path.isEmpty ? key.stringValue : path + "." + key.stringValue
        }
    }
}

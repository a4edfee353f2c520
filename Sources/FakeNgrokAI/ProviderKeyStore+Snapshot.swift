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

extension ProviderKeyStore {
    /// The default base URL written into snapshot records' `uri` fields.
    public static let snapshotBaseURL = AccountStore.snapshotBaseURL

    /// Replaces all provider keys with those of `{"aiGatewayProviderKeys":[…]}` (other members
    /// ignored). Records are read as the API returns them; an optional `value` is accepted for
    /// hand-written files, and `keyRedacted` is kept as given. A failed load changes nothing.
    public func load(snapshotJSON data: Data) throws {
        try account.load(snapshotJSON: data, only: [.providerKeys])
    }

    /// All keys in descending id order as `{"aiGatewayProviderKeys":[…]}`, pretty-printed with
    /// sorted keys; never includes secret values.
    public func snapshotJSON(baseURL: String = ProviderKeyStore.snapshotBaseURL) -> Data {
        account.snapshotJSON(baseURL: baseURL, only: [.providerKeys])
    }
}

import Foundation

/// One change to a stored record, kept per resource and id so tests can count what the API
/// applied.
public struct RecordChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Put in place by seeding (`insert`, `load`, initial records), not through the API.
        case seeded
        /// `POST {path}`.
        case created
        /// `PATCH {path}/{id}`.
        case updated
        /// `POST {path}/{id}/{action}`, e.g. `action("rotate")`.
        case action(String)
        /// `DELETE {path}/{id}`.
        case deleted
    }

    public var kind: Kind
    public var at: Date
}

import Foundation

/// One change to a stored key, kept per id so tests can count what the API applied.
public struct KeyMutation: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// Put in place by seeding (`insert`, `load`, initial keys), not through the API.
        case seeded
        /// `POST /provider-keys`.
        case created
        /// `PATCH /provider-keys/{id}`.
        case updated
        /// `POST /provider-keys/{id}/rotate`.
        case rotated
        /// `DELETE /provider-keys/{id}`.
        case deleted
    }

    public var kind: Kind
    public var at: Date
}


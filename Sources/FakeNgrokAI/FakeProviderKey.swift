import Foundation

/// One AI Gateway provider key as the fake stores it: the API record plus its write-only secret.
public struct FakeProviderKey: Sendable, Hashable {
    /// The key's id, e.g. `aigpk_2Fq…`. Ids sort in creation order.
    public var id: String
    /// The AI provider, e.g. `openai`.
    public var providerId: String
    /// Human-readable name (required, at most 255 code points).
    public var name: String
    /// The redacted secret shown by the API, e.g. `sk-proj-ab***wxyz`.
    public var keyRedacted: String
    /// Optional description (at most 255 code points).
    public var description: String?
    /// Optional free-form metadata (at most 4096 code points), often JSON.
    public var metadata: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// When the gateway last used the key, if ever.
    public var lastUsed: Date?
    /// User id of the creator, rendered as `{"id", "uri"}`.
    public var createdBy: String
    /// User id of the last updater, rendered as `{"id", "uri"}`.
    public var lastUpdatedBy: String
    /// The write-only secret. Never rendered by the API or written to snapshots.
    public var value: String?

    /// Creates a record. `keyRedacted` defaults to the redaction of `value`; `updatedAt` to `createdAt`;
    /// `lastUpdatedBy` to `createdBy`.
    public init(
        id: String,
        providerId: String,
        name: String,
        keyRedacted: String? = nil,
        value: String? = nil,
        description: String? = nil,
        metadata: String? = nil,
        createdAt: Date,
        updatedAt: Date? = nil,
        lastUsed: Date? = nil,
        createdBy: String = FakeProviderKey.defaultUserID,
        lastUpdatedBy: String? = nil
    ) {
        self.id = id
        self.providerId = providerId
        self.name = name
        self.keyRedacted = keyRedacted ?? value.map(FakeProviderKey.redact) ?? "***"
        self.value = value
        self.description = description
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.lastUsed = lastUsed
        self.createdBy = createdBy
        self.lastUpdatedBy = lastUpdatedBy ?? createdBy
    }

    /// The user the fake acts as for API writes.
    public static let defaultUserID = "usr_fake"

    /// The API's redaction of a secret: the first 10 characters, `***`, and the last 4.
    /// Shorter secrets reveal less (at most about half), never the whole value.
    public static func redact(_ value: String) -> String {
        let scalars = Array(value.unicodeScalars)
        let head: Int
        let tail: Int
        if scalars.count >= 14 {
            (head, tail) = (10, 4)
        } else {
            (head, tail) = (min(3, scalars.count / 3), min(4, scalars.count / 3))
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[0..<head])
        var out = String(view) + "***"
        var end = String.UnicodeScalarView()
        end.append(contentsOf: scalars[(scalars.count - tail)...])
        out += String(end)
        return out
    }
}

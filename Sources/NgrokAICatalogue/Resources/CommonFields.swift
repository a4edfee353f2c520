/// Fields and shapes several resources share.
extension Field {
    /// `id`, `uri`, `createdAt`, `updatedAt`, `createdBy`, `lastUpdatedBy`: on every record.
    static func recordFields(_ what: String) -> [Field] {
        [
            Field("id", .string, "The \(what)'s id.", requiredInRecord: true),
            Field("uri", .string, "The API URI of this record.", requiredInRecord: true),
            Field("createdAt", .timestamp, "When it was created.", requiredInRecord: true),
            Field("updatedAt", .timestamp, "When it was last changed.", requiredInRecord: true),
            Field("createdBy", .ref, "Who created it ({id, uri}).", requiredInRecord: true),
            Field("lastUpdatedBy", .ref, "Who last changed it ({id, uri}).", requiredInRecord: true),
        ]
    }

    /// A required, updatable (not clearable) name of at most 255 characters.
    static let requiredName = Field(
        "name", .string, "Human-readable name.", requiredInRecord: true, create: .required, update: .setOrClear,
        minLength: 1, maxLength: 255)

    /// An optional name of at most 255 characters.
    static let optionalName = Field(
        "name", .string, "Human-readable name.", create: .optional, update: .setOrClear, maxLength: 255)

    static let description = Field(
        "description", .string, "Free text, at most 255 characters.", create: .optional, update: .setOrClear,
        maxLength: 255)

    static let metadata = Field(
        "metadata", .string, "Free-form text (often JSON) of at most 4096 characters.", create: .optional,
        update: .setOrClear, maxLength: 4096)

    static let keyRedacted = Field(
        "keyRedacted", .string, "The secret, redacted (`sk-proj-ab***wxyz`).", requiredInRecord: true)

    static let lastUsed = Field("lastUsed", .timestamp, "When the gateway last used it (absent if never).")

    /// The bearer token of an access or API key: returned once, by `create`.
    static let token = Field(
        "token", .string, "The secret token, returned only by create: store it then.", secrecy: .returnedOnce)
}

extension Resource {
    /// The keys clients present to the gateway.
    public static let accessKeys = Resource(
        name: "accessKeys", recordName: "accessKey", singular: "access key", path: "/access-keys",
        envelope: "aiGatewayAccessKeys", kind: .collection,
        summary: "Keys that clients present to the AI Gateway, optionally limited by a configuration.",
        fields: Field.recordFields("access key") + [
            .optionalName, .description, .metadata, .keyRedacted, .lastUsed, .token,
            Field(
                "accessKeyConfigurationId", .string,
                "The configuration limiting this key; omit (or clear) for allow-all.", inRecord: false,
                create: .optional, update: .setOrClear, minLength: 1,
                reference: Reference(
                    "accessKeyConfigurations", mustExist: true, shownAs: "accessKeyConfiguration", blocksDelete: true)),
            Field(
                "accessKeyConfiguration", .shape([
                    Field("id", .string, "The configuration's id.", requiredInRecord: true),
                    Field("uri", .string, "Its API URI.", requiredInRecord: true),
                    Field("name", .string, "Its name.", requiredInRecord: true),
                ]), "The configuration in force ({id, uri, name}), absent for allow-all."),
        ],
        listFilters: [
            Field("accessKeyConfigurationId", .string, "Only keys limited by this configuration.", create: .optional, minLength: 1)
        ],
        label: [.quoted("name"), .parenthesized("keyRedacted")],
        idPrefix: "aigak_", redactedFrom: "token")
}

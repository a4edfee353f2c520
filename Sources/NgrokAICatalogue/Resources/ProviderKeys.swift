extension Resource {
    /// Credentials for an upstream AI provider (OpenAI, Anthropic, a custom provider).
    public static let providerKeys = Resource(
        name: "providerKeys", recordName: "providerKey", singular: "provider key", path: "/provider-keys",
        envelope: "aiGatewayProviderKeys", kind: .collection,
        summary: "Credentials the gateway uses to call an AI provider.",
        fields: Field.recordFields("provider key") + [
            Field(
                "providerId", .string, "The provider, e.g. `openai`, or a custom provider's providerId.",
                requiredInRecord: true, create: .required, minLength: 1,
                reference: Reference("providers", key: "providerId", mustExist: false, blocksDelete: true)),
            .requiredName,
            Field(
                "value", .string, "The provider's secret key (write-only).", inRecord: false, create: .required,
                minLength: 1, secrecy: .writeOnly),
            .keyRedacted, .description, .metadata, .lastUsed,
        ],
        listFilters: [Field("provider", .string, "Only keys of this provider.", create: .optional, minLength: 1)],
        actions: [
            Action(
                name: "rotate", summary: "Replace the secret value (and set the name).",
                fields: [
                    Field("value", .string, "The new secret (write-only).", create: .required, minLength: 1, secrecy: .writeOnly),
                    Field("name", .string, "The key's name after rotation.", create: .required, minLength: 1, maxLength: 255),
                ])
        ],
        label: [.plain("providerId"), .quoted("name"), .parenthesized("keyRedacted")],
        idPrefix: "aigpk_", redactedFrom: "value")
}

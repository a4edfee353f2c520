extension Resource {
    /// Custom (self-hosted or third-party) AI providers.
    public static let providers = Resource(
        name: "providers", recordName: "provider", singular: "provider", path: "/providers",
        envelope: "aiGatewayProviders", kind: .collection,
        summary: "Custom AI providers the gateway can route to (built-in ones need no record).",
        fields: Field.recordFields("provider") + [
            Field(
                "providerId", .string, "The id scripts and provider keys use, e.g. `internal-vllm` (immutable, unique).",
                requiredInRecord: true, create: .required, minLength: 1, maxLength: 255, unique: true),
            Field(
                "name", .string, "Human-readable name.", requiredInRecord: true, create: .required, update: .setOrClear,
                minLength: 1, maxLength: 255),
            Field(
                "baseUrl", .string, "The provider's base URL (settable, not clearable).", requiredInRecord: true,
                create: .required, update: .set, minLength: 1, maxLength: 2048),
            .metadata,
            Field(
                "supportedApiSurfaces",
                .list(
                    .shape([
                        Field("format", .string, "The API format, e.g. `openai`.", requiredInRecord: true, create: .required),
                        Field("surface", .string, "e.g. `chat-completions`.", create: .optional),
                        Field("baseUrl", .string, "This surface's own base URL (default: the provider's).", create: .optional),
                        Field(
                            "supportedParams",
                            .list(.shape([Field("name", .string, "A parameter name.", requiredInRecord: true, create: .required)])),
                            "Parameters the surface accepts.", create: .optional),
                    ])), "The API surfaces it speaks.", create: .optional, update: .setOrClear),
            Field(
                "models",
                .list(
                    .shape([
                        Field("id", .string, "The model record's id.", requiredInRecord: true),
                        Field(
                            "modelId", .string, "The model's id at the provider.", requiredInRecord: true, create: .required,
                            minLength: 1, maxLength: 255),
                        Field(
                            "providerModelId", .string, "The id sent upstream, when it differs from `modelId`.",
                            create: .optional, maxLength: 255),
                        Field(
                            "unsupportedParams", .list(.string), "Request parameters the gateway drops for this model (each at most 255 characters).",
                            requiredInRecord: true, create: .optional, maxLength: 255, default: []),
                    ])), "Its models (an update replaces the list).", create: .optional, update: .setOrClear),
        ],
        label: [.plain("providerId"), .quoted("name")],
        idPrefix: "aigp_")
}

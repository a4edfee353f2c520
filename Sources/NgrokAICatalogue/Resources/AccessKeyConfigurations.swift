extension Resource {
    /// What an access key may reach, and how its requests are routed.
    public static let accessKeyConfigurations = Resource(
        name: "accessKeyConfigurations", recordName: "accessKeyConfiguration", singular: "access key configuration",
        path: "/access-key-configurations", envelope: "aiGatewayAccessKeyConfigurations", kind: .collection,
        summary: "Which providers and models access keys may reach, and which provider keys serve them.",
        fields: Field.recordFields("configuration") + [
            .requiredName, .description, .metadata,
            Field(
                "access", .accessScope, "Allowed providers and models; omit a dimension for no restriction.",
                create: .optional, update: .setOrClear),
            Field(
                "router", .router, "Routing rules: which provider keys serve which provider or model.",
                create: .optional, update: .setOrClear),
            Field("accessKeyCount", .integer, "How many access keys use it (read-only).", requiredInRecord: true),
            // Not shown on ngrok.com: this field's JSON name (the pages say "the configuration's own policy").
            .firewallPolicy("This configuration's own firewall policy, enforced with the account-wide one."),
        ],
        label: [.quoted("name")],
        idPrefix: "aigakc_",
        semantics: [
            .routerStepKeys, .userStepNeedsKeys, .noVirtualModelsAllowed,
            .counts(field: "accessKeyCount", resource: "accessKeys", via: "accessKeyConfigurationId"),
        ])
}

extension FieldType {
    /// `{allow = {...}}`: an empty list allows nothing.
    static func dimension(_ what: String, reference: Reference?) -> FieldType {
        .shape([
            Field(
                "allow", .list(.string), "Allowed \(what) (exact strings); empty allows nothing.",
                create: .optional, reference: reference)
        ])
    }

    /// `{providers = {allow = …}, models = {allow = …}}`.
    static let accessScope = FieldType.shape([
        Field(
            "providers",
            .dimension("providers", reference: Reference("providers", key: "providerId", mustExist: false, blocksDelete: true)),
            "Providers this key may use.", create: .optional),
        Field("models", .dimension("models", reference: nil), "Models this key may use.", create: .optional),
    ])

    /// A step's key: `{id}` of a provider key, or `{name, value}` to create one; read back as
    /// `{id, name, keyRedacted}`.
    static let stepKey = FieldType.object(
        [
            Field(
                "id", .string, "A provider key's id.", requiredInRecord: true, create: .optional, minLength: 1,
                reference: Reference("providerKeys", mustExist: true, blocksDelete: false)),
            Field("name", .string, "Name of a provider key to create.", requiredInRecord: true, create: .optional, maxLength: 255),
            Field(
                "value", .string, "Secret of a provider key to create (write-only).", inRecord: false, create: .optional,
                minLength: 1, secrecy: .writeOnly),
            Field("keyRedacted", .string, "The key's secret, redacted.", requiredInRecord: true),
        ], exclusive: [["id"], ["name", "value"]])

    /// `{rules = {{provider=?, model=?, steps = {{type=, keys=, keySelectionStrategy=}}}}}`.
    static let router = FieldType.shape([
        Field(
            "rules",
            .list(
                .shape([
                    Field(
                        "provider", .string, "The provider this rule routes.", create: .optional,
                        reference: Reference("providers", key: "providerId", mustExist: false, blocksDelete: true)),
                    Field("model", .string, "A provider-qualified model id (`openai:gpt-4o`).", create: .optional),
                    Field(
                        "steps",
                        .array(
                            .shape([
                                Field("type", .oneOf(["user", "ngrok"]), "`user` (your keys) or `ngrok`.", requiredInRecord: true, create: .required),
                                Field("keys", .list(.stepKey), "The provider keys to try (`user` steps).", create: .optional),
                                Field("keySelectionStrategy", .oneOf(["ordered"]), "How keys are chosen.", create: .optional),
                            ]), minItems: 1),
                        "Tried in order until one succeeds.", requiredInRecord: true, create: .required),
                ])), "The rules.", create: .optional)
    ])
}

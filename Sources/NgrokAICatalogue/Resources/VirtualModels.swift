extension Resource {
    /// One model name standing for an ordered list of models (documented on ngrok.com only:
    /// the published OpenAPI file has no schema for it, hence ``Resource/partlyPublished``).
    public static let virtualModels = Resource(
        name: "virtualModels", recordName: "virtualModel", singular: "virtual model", path: "/virtual-models",
        // Not shown on ngrok.com: the list envelope, by the API's convention.
        envelope: "aiGatewayVirtualModels", kind: .collection,
        summary: "A model name clients send that stands for an ordered list of models, tried in turn.",
        fields: Field.recordFields("virtual model") + [
            Field(
                "name", .string, "The name clients send as the model: letters, digits, `.`, `_`, `-`; no model's name.",
                requiredInRecord: true, create: .required, update: .set, minLength: 1, maxLength: 64, unique: true),
            // Not shown on ngrok.com: the description's limit (255 like every other description).
            .description,
            // Not shown on ngrok.com: the list's JSON name and its entries' shape (`provider:model`
            // pins a provider, a bare model id lets any provider serve it).
            Field(
                "models", .array(.string, minItems: 1),
                "The models tried in order (1 to 10, distinct): `provider:model`, or a model id for any provider; `ngrok/auto` only alone.",
                requiredInRecord: true, create: .required, update: .set, minLength: 1),
            // Not shown on ngrok.com: the warnings' JSON name and shape.
            Field("warnings", .list(.string), "Models or names that changed after the last save (read-only)."),
        ],
        label: [.quoted("name")],
        // Not shown on ngrok.com: the id prefix.
        idPrefix: "aigvm_", semantics: [.virtualModelRules], partlyPublished: true)

    /// The most models a virtual model holds.
    public static let virtualModelMaxModels = 10
    /// The model that picks a model itself: allowed in a virtual model only alone.
    public static let autoModel = "ngrok/auto"
}

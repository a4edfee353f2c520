extension Resource {
    /// The model catalogue: every model the gateway can serve, with its providers, prices and
    /// health. Read-only; field names are the API's own (snake_case here, unlike the rest).
    public static let models = Resource(
        name: "models", recordName: "model", singular: "model", path: "/v1/models", kind: .readOnly,
        summary: "The models the gateway can serve, with each provider's prices and health.",
        fields: [],
        queries: [
            Query(name: "list", path: "/v1/models", summary: "Every model (one list, not paged).", result: .items("data"), fields: model),
            Query(
                name: "get", path: "/v1/models",
                summary: "One model by id. The API has no path for one model: this reads the whole list and picks it (an unknown id raises a 404 error, as a record's get does).",
                argument: Field("id", .string, "The model's id.", create: .required, minLength: 1),
                result: .item(in: "data", key: "id"), fields: model),
        ])

    static let model: [Field] = [
        Field("id", .string, "The model's id.", requiredInRecord: true),
        Field("name", .string, "Its display name.", requiredInRecord: true),
        Field("created", .integer, "When it was added (Unix seconds).", requiredInRecord: true),
        Field("released", .integer, "When it was released (Unix seconds), when known."),
        Field("description", .string, "What it is."),
        Field(
            "architecture",
            .shape([
                Field("modality", .string, "e.g. `text->text`.", requiredInRecord: true),
                Field("input_modalities", .list(.string), "What it reads.", requiredInRecord: true),
                Field("output_modalities", .list(.string), "What it writes.", requiredInRecord: true),
                Field("tokenizer", .string, "Its tokenizer."),
                Field("instruction_type", .string, "Its instruction format."),
            ]), "Modalities and tokenizer.", requiredInRecord: true),
        Field("slug", .string, "A short id.", requiredInRecord: true),
        Field("object", .oneOf(["model"]), "Always `model`.", requiredInRecord: true),
        Field("owned_by", .oneOf(["organization_owned", "ngrok"]), "`ngrok` (built in) or `organization_owned` (a custom provider's).", requiredInRecord: true),
        Field("providers", .list(.shape(modelProvider)), "The providers serving it.", requiredInRecord: true),
    ]

    static let modelProvider: [Field] = [
        Field("model_id", .string, "The provider-qualified model id.", requiredInRecord: true),
        Field("id", .string, "The provider's id.", requiredInRecord: true),
        Field("display_name", .string, "The provider's display name.", requiredInRecord: true),
        Field("logo_url", .string, "The provider's logo."),
        Field("website_url", .string, "The provider's site."),
        Field("context_length", .integer, "Context window in tokens (0: unknown).", requiredInRecord: true),
        Field("max_input_tokens", .integer, "Largest prompt."),
        Field("max_completion_tokens", .integer, "Largest completion."),
        Field("supports_implicit_caching", .boolean, "Whether it caches prompts by itself.", requiredInRecord: true),
        Field("status", .oneOf(["active", "inactive"]), "`active` or `inactive`.", requiredInRecord: true),
        Field(
            "pricing",
            .shape([
                Field("currency", .string, "e.g. `USD`.", requiredInRecord: true),
                Field(
                    "rates",
                    .list(
                        .shape([
                            Field("type", .string, "e.g. `prompt`, `completion`, `input_cache_write`.", requiredInRecord: true),
                            Field("unit", .string, "`token`, `request`, `image`, `second`.", requiredInRecord: true),
                            Field("price", .decimal, "Per unit, as a decimal string.", requiredInRecord: true),
                            Field(
                                "conditions",
                                .shape([
                                    Field("ttl", .string, "Cache lifetime."),
                                    Field("min_input_tokens", .integer, "Applies from this prompt size."),
                                    Field("max_input_tokens", .integer, "Applies up to this prompt size."),
                                    Field("quality", .string, "Image quality."),
                                    Field("resolution", .string, "Image resolution."),
                                    Field("service_tier", .string, "Service tier."),
                                ]), "When the rate applies (absent: always)."),
                        ])), "The rates.", requiredInRecord: true),
            ]), "Its prices.", requiredInRecord: true),
        Field(
            "supported_api_formats",
            .list(
                .shape([
                    Field("format", .string, "e.g. `openai`.", requiredInRecord: true),
                    Field("name", .oneOf(["chat-completions", "responses", "messages"]), "The API surface.", requiredInRecord: true),
                    Field("path", .string, "Its path.", requiredInRecord: true),
                    Field("parameters", .list(.string), "Parameters it takes.", requiredInRecord: true),
                ])), "The APIs it speaks.", requiredInRecord: true),
        Field(
            "metrics",
            .shape([
                Field("uptime_last_15m", .number, "Percent of 2xx answers, last 15 minutes."),
                Field("uptime_last_1h", .number, "Percent of 2xx answers, last hour."),
                Field("uptime_last_1d", .number, "Percent of 2xx answers, last day."),
                Field("throughput_last_1h", .shape(quantiles), "Output tokens per second, last hour."),
                Field("latency_last_1h", .shape(quantiles), "Time to first token in ms, last hour."),
            ]), "Health over recent windows."),
    ]

    static let quantiles: [Field] = [
        Field("p50", .number, "Median.", requiredInRecord: true),
        Field("p95", .number, "95th percentile.", requiredInRecord: true),
        Field("window_minutes", .integer, "The window's length."),
        Field("as_of", .timestamp, "When an older window's value was measured."),
    ]
}

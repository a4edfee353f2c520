extension Resource {
    /// Per-attempt usage events and their aggregates (read-only).
    public static let usage = Resource(
        name: "usage", recordName: "usageEvent", singular: "usage event", path: "/usage", kind: .readOnly,
        summary: "What the gateway served: one event per upstream attempt, and daily aggregates.",
        fields: [],
        queries: [
            Query(
                name: "list", path: "/usage", summary: "Usage events in a time window, newest first (paged by cursor).",
                parameters: [
                    .startTime, .endTime,
                    Field("accessKeyId", .string, "Only events of this access key.", create: .optional, minLength: 1),
                    Field("includeRetries", .boolean, "Include attempts that were retried (default false).", create: .optional),
                    Field("limit", .integer, "Page size.", create: .optional, range: Catalogue.pageSize),
                ],
                result: .pages(envelope: "aiGatewayUsage"), fields: usageEvent),
            Query(
                name: "overview", path: "/usage/overview", summary: "Daily cost, requests and errors per provider or access key.",
                parameters: [
                    .startTime, .endTime,
                    Field("groupBy", .oneOf(["provider", "accessKey"]), "Group by `provider` (default) or `accessKey`.", create: .optional),
                ],
                result: .object,
                fields: [
                    Field("uri", .string, "The API URI of this overview.", requiredInRecord: true),
                    Field(
                        "buckets",
                        .list(
                            .shape([
                                Field("bucketStart", .timestamp, "The day.", requiredInRecord: true),
                                Field("groupKey", .string, "The provider or access key id.", requiredInRecord: true),
                                Field("cost", .decimal, "US dollars, as a decimal string.", requiredInRecord: true),
                                Field("requests", .integer, "Requests.", requiredInRecord: true),
                                Field("errors", .integer, "Failed requests.", requiredInRecord: true),
                            ])), "One per day and group.", requiredInRecord: true),
                    Field(
                        "totals",
                        .shape([
                            Field("cost", .decimal, "US dollars, as a decimal string.", requiredInRecord: true),
                            Field("requests", .integer, "Requests.", requiredInRecord: true),
                            Field("errors", .integer, "Failed requests.", requiredInRecord: true),
                        ]), "Over the whole window.", requiredInRecord: true),
                ]),
            Query(
                name: "attempts", path: "/usage/requests/{requestId}",
                summary: "Every upstream attempt behind one gateway request (its `Ngrok-AIG-Request-Id`), in order.",
                argument: Field("requestId", .string, "The gateway request's id.", create: .required, minLength: 1),
                result: .object,
                fields: [
                    Field("uri", .string, "The API URI of this trace.", requiredInRecord: true),
                    Field("requestId", .string, "The gateway request.", requiredInRecord: true),
                    Field("attempts", .list(.shape(attempt)), "One per attempt, by attempt number.", requiredInRecord: true),
                ]),
        ],
        label: [.plain("eventTime"), .plain("provider"), .plain("model"), .plain("totalCost")])

    /// One upstream attempt of a request.
    static let attempt: [Field] = [
        Field("event", .shape(usageEvent), "The attempt's usage event.", requiredInRecord: true),
        Field("served", .boolean, "Whether this attempt's answer went to the client (at most one does).", requiredInRecord: true),
        Field(
            "retryAction",
            .oneOf([
                "succeeded", "next_key", "next_quota_pool", "next_backend", "managed_fallback", "retry_same_backend",
                "fail_fast", "exhausted",
            ]), "What the gateway did next (absent on older attempts)."),
        Field(
            "completion", .oneOf(["succeeded", "failed", "timed_out", "stream_failed", "unknown"]),
            "How the attempt ended (`stream_failed`: after the first token).", requiredInRecord: true),
        Field("requestDurationMs", .integer, "The whole attempt, in ms."),
        Field("upstreamDurationMs", .integer, "The provider's part, in ms."),
        Field("timeToFirstTokenMs", .integer, "Until the first token, in ms (streaming only)."),
    ]

    /// The fields of one usage event.
    public static let usageEvent: [Field] = [
        Field("id", .string, "The event's id.", requiredInRecord: true),
        Field("eventTime", .timestamp, "When the attempt was made.", requiredInRecord: true),
        Field("requestId", .string, "The client request (shared by its attempts).", requiredInRecord: true),
        Field("accessKeyId", .string, "The access key that made the request.", requiredInRecord: true),
        Field("provider", .string, "The provider.", requiredInRecord: true),
        Field("providerDisplayName", .string, "The provider's display name.", requiredInRecord: true),
        Field("model", .string, "The model.", requiredInRecord: true),
        Field("modelDisplayName", .string, "The model's display name.", requiredInRecord: true),
        Field("attemptNumber", .integer, "1 for the first attempt.", requiredInRecord: true),
        Field("isFinalAttempt", .boolean, "Whether no retry followed.", requiredInRecord: true),
        Field("statusCode", .integer, "The upstream HTTP status.", requiredInRecord: true),
        Field("timedOut", .boolean, "Whether the attempt timed out.", requiredInRecord: true),
        Field("isError", .boolean, "Whether the attempt failed.", requiredInRecord: true),
        Field("isStreaming", .boolean, "Whether the response was streamed.", requiredInRecord: true),
        Field("stopReason", .string, "Why generation stopped.", requiredInRecord: true),
        Field("inputTokens", .integer, "Prompt tokens.", requiredInRecord: true),
        Field("outputTokens", .integer, "Completion tokens.", requiredInRecord: true),
        Field("cacheReadTokens", .integer, "Tokens read from the prompt cache.", requiredInRecord: true),
        Field("reasoningTokens", .integer, "Reasoning tokens.", requiredInRecord: true),
        Field("cacheWriteTokens", .integer, "Tokens written to the prompt cache.", requiredInRecord: true),
        Field("cacheWrite5mTokens", .integer, "Of those, written with a 5-minute lifetime.", requiredInRecord: true),
        Field("cacheWrite1hTokens", .integer, "Of those, written with a 1-hour lifetime.", requiredInRecord: true),
        Field("inputTokensEstimate", .integer, "Prompt tokens as ngrok's tokenizer counts them.", requiredInRecord: true),
        Field("outputTokensEstimate", .integer, "Completion tokens as ngrok's tokenizer counts them.", requiredInRecord: true),
        Field(
            "usageEstimated", .boolean, "The provider reported no usage: costs come from the estimates.",
            requiredInRecord: true),
        Field("inputTokenCost", .decimal, "Prompt cost, US dollars.", requiredInRecord: true),
        Field("outputTokenCost", .decimal, "Completion cost, US dollars.", requiredInRecord: true),
        Field("ngrokProcessingFee", .decimal, "ngrok's fee, US dollars.", requiredInRecord: true),
        Field("cacheReadCost", .decimal, "Cache read cost, US dollars.", requiredInRecord: true),
        Field("cacheWriteCost", .decimal, "Cache write cost, US dollars.", requiredInRecord: true),
        Field("cacheWrite5mCost", .decimal, "5-minute cache write cost, US dollars.", requiredInRecord: true),
        Field("cacheWrite1hCost", .decimal, "1-hour cache write cost, US dollars.", requiredInRecord: true),
        Field("totalCost", .decimal, "US dollars, as a decimal string.", requiredInRecord: true),
        Field("keySource", .string, "Whose key served it (`user` or `ngrok`).", requiredInRecord: true),
        Field("providerKeyId", .string, "The provider key used, if one of yours."),
        Field("providerKeyDisplayName", .string, "That provider key's name."),
        // Not in the published OpenAPI file (documented on ngrok.com with virtual models).
        Field("virtualModel", .string, "The virtual model the client asked for, if any."),
    ]
}

extension Field {
    static let startTime = Field(
        "startTime", .timestamp, "Start of the window (RFC 3339 or os.time()).", create: .required)
    static let endTime = Field("endTime", .timestamp, "End of the window (default: now).", create: .optional)
}

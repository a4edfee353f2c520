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
        ],
        label: [.plain("eventTime"), .plain("provider"), .plain("model"), .plain("totalCost")])

    /// The fields of one usage event.
    static let usageEvent: [Field] = [
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
        Field("totalCost", .decimal, "US dollars, as a decimal string.", requiredInRecord: true),
        Field("keySource", .string, "Whose key served it (`user` or `ngrok`).", requiredInRecord: true),
        Field("providerKeyId", .string, "The provider key used, if one of yours."),
        Field("providerKeyDisplayName", .string, "That provider key's name."),
    ]
}

extension Field {
    static let startTime = Field(
        "startTime", .timestamp, "Start of the window (RFC 3339 or os.time()).", create: .required)
    static let endTime = Field("endTime", .timestamp, "End of the window (default: now).", create: .optional)
}

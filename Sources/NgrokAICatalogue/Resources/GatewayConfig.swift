extension Resource {
    /// The account's one gateway configuration.
    public static let gatewayConfig = Resource(
        name: "gatewayConfig", recordName: "gatewayConfig", singular: "gateway configuration", path: "/gateway-config",
        kind: .singleton,
        summary: "Account-wide gateway settings: timeouts and token limits.",
        fields: [
            Field("accountId", .string, "The account.", requiredInRecord: true),
            Field("uri", .string, "The API URI of this record.", requiredInRecord: true),
            Field(
                "totalTimeout", .duration, "Budget for a whole request with retries (Go duration, `2m`).",
                requiredInRecord: true, update: .set),
            Field(
                "perRequestTimeout", .duration, "Budget for one upstream attempt (Go duration, `30s`).",
                requiredInRecord: true, update: .set),
            Field("maxInputTokens", .integer, "Largest prompt allowed, in tokens (absent: no limit).", update: .setOrClear),
            Field("maxOutputTokens", .integer, "Largest completion allowed, in tokens (absent: no limit).", update: .setOrClear),
            .metadata,
            // Not in the published OpenAPI file; named on ngrok.com's firewall policy pages.
            .firewallPolicy("The account-wide firewall policy (absent: none)."),
        ],
        label: [.plain("totalTimeout"), .plain("perRequestTimeout")])
}

extension Resource {
    /// Keys for the AI Gateway management API itself.
    public static let apiKeys = Resource(
        name: "apiKeys", recordName: "apiKey", singular: "API key", path: "/api-keys",
        envelope: "aiGatewayApiKeys", kind: .collection,
        summary: "Keys for the ngrok.ai management API (what luagate itself uses).",
        fields: Field.recordFields("API key") + [
            .optionalName, .description, .metadata, .keyRedacted, .lastUsed, .token,
        ],
        label: [.quoted("name"), .parenthesized("keyRedacted")],
        idPrefix: "aigapi_", redactedFrom: "token")
}

/// One page of ``NgrokAIClient/listProviderKeys(provider:limit:beforeId:)``.
public struct ProviderKeyPage: Sendable, Hashable {
    /// The records on this page.
    public var keys: [ProviderKey]
    /// The page's own URI, as the API reported it.
    public var uri: String?
    /// The absolute URI of the next page, or `nil` on the last page. Pass it to
    /// ``NgrokAIClient/listProviderKeys(nextPageURI:)``.
    public var nextPageURI: String?
    /// Every top-level member of the response as received, including unknown ones.
    public var fields: [String: JSONValue]

    public init(keys: [ProviderKey], uri: String? = nil, nextPageURI: String? = nil, fields: [String: JSONValue] = [:]) {
        self.keys = keys
        self.uri = uri
        self.nextPageURI = nextPageURI
        self.fields = fields
    }

    /// Builds a page from a parsed response body: `{"aiGatewayProviderKeys": [...], "uri": ..., "nextPageUri": ...}`.
    public init(json: JSONValue) throws {
        guard case .object(let members) = json else {
            throw DecodingError.typeMismatch(
                [String: JSONValue].self,
                .init(codingPath: [], debugDescription: "list response is not a JSON object")
            )
        }
        let reader = FieldReader(fields: members)
        guard case .array(let records)? = members["aiGatewayProviderKeys"] else {
            throw DecodingError.keyNotFound(
                FieldReader.Key("aiGatewayProviderKeys"),
                .init(codingPath: [], debugDescription: "list response has no \"aiGatewayProviderKeys\" array")
            )
        }
        var keys: [ProviderKey] = []
        keys.reserveCapacity(records.count)
        for record in records {
            keys.append(try ProviderKey(json: record))
        }
        self.init(
            keys: keys,
            uri: try reader.string("uri"),
            nextPageURI: try reader.string("nextPageUri"),
            fields: members
        )
    }
}

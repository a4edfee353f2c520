import Foundation
import Testing

@testable import NgrokAI

@Suite("Record decoding")
struct RecordDecodingTests {
    static let record = #"""
        {
          "id": "pk_123",
          "uri": "https://api.ngrok.ai/provider-keys/pk_123",
          "createdAt": "2025-01-02T03:04:05Z",
          "updatedAt": "2025-01-02T03:04:06Z",
          "providerId": "openai",
          "name": "prod",
          "keyRedacted": "sk-...abcd",
          "createdBy": {"id": "usr_1", "uri": "https://api.ngrok.com/users/usr_1"},
          "lastUpdatedBy": null,
          "description": null,
          "metadata": "{\"team\":\"ml\"}",
          "lastUsed": null,
          "futureField": {"nested": [1, 2.0]},
          "quota": 1000
        }
        """#

    @Test func aRecordKeepsEveryFieldAsReceived() throws {
        let key = try NgrokAIClient.record(JSONValue(parsing: Self.record), .providerKeys)
        #expect(key["id"] == "pk_123")
        #expect(key["createdBy"] == ["id": "usr_1", "uri": "https://api.ngrok.com/users/usr_1"])
        #expect(key["lastUpdatedBy"] == .null)
        #expect(key["metadata"] == #"{"team":"ml"}"#)
        #expect(key["futureField"] == .object(["nested": .array([.int(1), .double(2.0)])]))
        #expect(key["quota"] == .int(1000))
        #expect(key.count == 14)
    }

    @Test func aRecordOfACollectionNeedsAStringID() {
        #expect(throws: (any Error).self) { try NgrokAIClient.record(["name": "x"], .providerKeys) }
        #expect(throws: (any Error).self) { try NgrokAIClient.record(["id": 12], .accessKeys) }
        #expect(throws: (any Error).self) { try NgrokAIClient.record("pk_1", .providerKeys) }
        #expect((try? NgrokAIClient.record(["id": "x"], .apiKeys)) == ["id": "x"])
    }

    @Test func pageDecoding() throws {
        let page = try NgrokAIClient.page(
            JSONValue(
                parsing: #"""
                    {"aiGatewayProviderKeys": [\#(Self.record), {"id": "pk_2"}],
                     "uri": "https://api.ngrok.ai/provider-keys", "nextPageUri": null, "extra": true}
                    """#
            ),
            envelope: "aiGatewayProviderKeys"
        )
        #expect(page.records.map { $0["id"] } == ["pk_123", "pk_2"])
        #expect(page.fields["uri"] == "https://api.ngrok.ai/provider-keys")
        #expect(page.nextPageURI == nil)
        #expect(page.fields["extra"] == true)
        #expect(throws: (any Error).self) { try NgrokAIClient.page(["uri": "x"], envelope: "aiGatewayProviderKeys") }
        #expect(throws: (any Error).self) {
            try NgrokAIClient.page(["aiGatewayProviderKeys": [], "nextPageUri": 3], envelope: "aiGatewayProviderKeys")
        }
    }

    @Test func theTokenIsNotPrinted() {
        var config = NgrokAIConfiguration()
        config.token = "tok-SECRET"
        #expect(!"\(config)".contains("tok-SECRET"))
        var dumped = ""
        dump(config, to: &dumped)
        #expect(!dumped.contains("tok-SECRET"))
    }
}

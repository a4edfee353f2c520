import Foundation
import Testing

@testable import NgrokAI

@Suite("ProviderKey decoding")
struct ProviderKeyDecodingTests {
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

    @Test func decodesKnownAndKeepsUnknownFields() throws {
        let key = try ProviderKey(json: JSONValue(parsing: Self.record))
        #expect(key.id == "pk_123")
        #expect(key.providerId == "openai")
        #expect(key.name == "prod")
        #expect(key.keyRedacted == "sk-...abcd")
        #expect(key.createdBy == ProviderKey.Ref(id: "usr_1", uri: "https://api.ngrok.com/users/usr_1"))
        #expect(key.lastUpdatedBy == nil)
        #expect(key.description == nil)
        #expect(key.metadata == #"{"team":"ml"}"#)
        #expect(key.fields["futureField"] == .object(["nested": .array([.int(1), .double(2.0)])]))
        #expect(key.fields["quota"] == .int(1000))
        #expect(key.fields["lastUpdatedBy"] == .null)
        #expect(key.fields.count == 14)
    }

    @Test func codableKeepsUnknownFields() throws {
        let key = try JSONDecoder().decode(ProviderKey.self, from: Data(Self.record.utf8))
        #expect(key.fields["futureField"] != nil)
        var edited = key
        edited.name = "renamed"
        edited.description = nil
        let reparsed = try JSONValue(parsing: try JSONEncoder().encode(edited))
        #expect(reparsed["name"] == "renamed")
        #expect(reparsed["futureField"] == key.fields["futureField"])
        #expect(reparsed["quota"] == .int(1000))
        #expect(reparsed["description"] == .null)
    }

    @Test func missingIdIsAnError() {
        #expect(throws: DecodingError.self) { try ProviderKey(json: ["name": "x"]) }
        #expect(throws: DecodingError.self) { try ProviderKey(json: ["id": 12]) }
        #expect(throws: DecodingError.self) { try ProviderKey(json: "pk_1") }
    }

    @Test func wrongTypeOfKnownFieldIsAnError() {
        #expect(throws: DecodingError.self) { try ProviderKey(json: ["id": "pk", "name": 3]) }
        #expect(throws: DecodingError.self) { try ProviderKey(json: ["id": "pk", "createdBy": "usr"]) }
    }

    @Test func pageDecoding() throws {
        let page = try ProviderKeyPage(
            json: JSONValue(
                parsing: #"""
                    {"aiGatewayProviderKeys": [\#(Self.record), {"id": "pk_2"}],
                     "uri": "https://api.ngrok.ai/provider-keys", "nextPageUri": null, "extra": true}
                    """#
            )
        )
        #expect(page.keys.map(\.id) == ["pk_123", "pk_2"])
        #expect(page.uri == "https://api.ngrok.ai/provider-keys")
        #expect(page.nextPageURI == nil)
        #expect(page.fields["extra"] == true)
        #expect(throws: DecodingError.self) { try ProviderKeyPage(json: ["uri": "x"]) }
    }

    @Test func memberwiseInitFillsFields() {
        let key = ProviderKey(id: "pk_9", name: "n", extraFields: ["x": 1])
        #expect(key.fields == ["id": "pk_9", "name": "n", "x": 1])
    }

    @Test func secretsAreNotPrinted() {
        let create = ProviderKeyCreate(providerId: "openai", name: "n", value: "sk-SECRET")
        #expect(!"\(create)".contains("sk-SECRET"))
        #expect(!String(reflecting: create).contains("sk-SECRET"))
        var dumped = ""
        dump(create, to: &dumped)
        #expect(!dumped.contains("sk-SECRET"))
        let rotate = ProviderKeyRotate(value: "sk-SECRET", name: "n")
        #expect(!"\(rotate)".contains("sk-SECRET"))
        var config = NgrokAIConfiguration()
        config.token = "tok-SECRET"
        #expect(!"\(config)".contains("tok-SECRET"))
        dumped = ""
        dump(config, to: &dumped)
        #expect(!dumped.contains("tok-SECRET"))
    }
}

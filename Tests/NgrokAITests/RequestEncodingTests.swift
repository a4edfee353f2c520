import Foundation
import Testing

@testable import NgrokAI

@Suite("Request encoding")
struct RequestEncodingTests {
    func json(_ value: some Encodable) throws -> JSONValue {
        try JSONValue(parsing: JSONEncoder().encode(value))
    }

    @Test func updateSendsOnlyChangedFields() throws {
        #expect(try json(ProviderKeyUpdate()) == .object([:]))
        #expect(try json(ProviderKeyUpdate(name: .set("n"))) == ["name": "n"])
        #expect(
            try json(ProviderKeyUpdate(name: .unchanged, description: .clear, metadata: .set("{}")))
                == ["description": nil, "metadata": "{}"]
        )
    }

    @Test func createOmitsAbsentOptionals() throws {
        #expect(
            try json(ProviderKeyCreate(providerId: "openai", name: "n", value: "v"))
                == ["providerId": "openai", "name": "n", "value": "v"]
        )
        #expect(
            try json(ProviderKeyCreate(providerId: "p", name: "n", value: "v", description: "d", metadata: "m"))
                == ["providerId": "p", "name": "n", "value": "v", "description": "d", "metadata": "m"]
        )
    }

    @Test func rotateBody() throws {
        #expect(try json(ProviderKeyRotate(value: "v", name: "n")) == ["value": "v", "name": "n"])
    }

    @Test(
        "ids are one percent-encoded path segment",
        arguments: [
            ("pk_123", "/provider-keys/pk_123"),
            ("a/b", "/provider-keys/a%2Fb"),
            ("a?b#c", "/provider-keys/a%3Fb%23c"),
            ("100%", "/provider-keys/100%25"),
            ("a b", "/provider-keys/a%20b"),
            ("é", "/provider-keys/%C3%A9"),
            ("..", "/provider-keys/%2E%2E"),
            (".", "/provider-keys/%2E"),
            ("...", "/provider-keys/..."),
            ("A-Za-z0-9-._~", "/provider-keys/A-Za-z0-9-._~"),
            ("+&=;:@", "/provider-keys/%2B%26%3D%3B%3A%40"),
        ]
    )
    func idPaths(id: String, path: String) {
        #expect(Endpoint.get(id: id).path == path)
        #expect(Endpoint.update(id: id).path == path)
        #expect(Endpoint.delete(id: id).path == path)
        #expect(Endpoint.rotate(id: id).path == path + "/rotate")
    }

    @Test func listQuery() {
        #expect(Endpoint.list(provider: nil, limit: nil, beforeId: nil).path == "/provider-keys")
        #expect(
            Endpoint.list(provider: "open ai/x", limit: 5, beforeId: "pk&1").path
                == "/provider-keys?beforeId=pk%261&limit=5&provider=open%20ai%2Fx"
        )
    }

    @Test func endpointMethodsAndOperations() {
        #expect(Endpoint.create().method == .POST && !Endpoint.create().isIdempotent)
        #expect(Endpoint.rotate(id: "x").method == .POST && !Endpoint.rotate(id: "x").isIdempotent)
        #expect(Endpoint.update(id: "x").method == .PATCH && Endpoint.update(id: "x").isIdempotent)
        #expect(Endpoint.delete(id: "x").method == .DELETE && Endpoint.delete(id: "x").isIdempotent)
        #expect(Endpoint.get(id: "x").operation == "providerKeys.get")
        #expect(Endpoint.list(provider: nil, limit: nil, beforeId: nil).operation == "providerKeys.list")
        #expect(Endpoint.update(id: "x").operation == "providerKeys.update")
    }
}

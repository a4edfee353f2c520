import Foundation
import Testing

@testable import NgrokAI

@Suite("Request endpoints")
struct RequestEncodingTests {
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
        #expect(Endpoint(.providerKeys, "get", .GET, id: id).path == path)
        #expect(Endpoint(.providerKeys, "update", .PATCH, id: id).path == path)
        #expect(Endpoint(.providerKeys, "delete", .DELETE, id: id).path == path)
        #expect(Endpoint(.providerKeys, "rotate", .POST, id: id, action: "rotate").path == path + "/rotate")
    }

    @Test func listQuery() {
        #expect(Endpoint(.providerKeys, "list", .GET).path == "/provider-keys")
        #expect(
            Endpoint(.providerKeys, "list", .GET, query: [("beforeId", "pk&1"), ("limit", "5"), ("provider", "open ai/x")]).path
                == "/provider-keys?beforeId=pk%261&limit=5&provider=open%20ai%2Fx"
        )
    }

    @Test func endpointMethodsAndOperations() {
        let create = Endpoint(.providerKeys, "create", .POST)
        let rotate = Endpoint(.providerKeys, "rotate", .POST, id: "x", action: "rotate")
        let update = Endpoint(.providerKeys, "update", .PATCH, id: "x")
        let delete = Endpoint(.providerKeys, "delete", .DELETE, id: "x")
        #expect(create.method == .POST && !create.isIdempotent)
        #expect(rotate.method == .POST && !rotate.isIdempotent)
        #expect(update.method == .PATCH && update.isIdempotent)
        #expect(delete.method == .DELETE && delete.isIdempotent)
        #expect(Endpoint(.providerKeys, "get", .GET, id: "x").operation == "providerKeys.get")
        #expect(Endpoint(.accessKeys, "list", .GET).operation == "accessKeys.list")
        #expect(update.operation == "providerKeys.update")
    }
}

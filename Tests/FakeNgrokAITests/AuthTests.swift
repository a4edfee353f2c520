import FakeNgrokAI
import Foundation
import Testing
import TestSupport

@Suite struct AuthTests {
    @Test func missingWrongAndMalformedCredentialsAre401() async throws {
        try await withFakeNgrokAIServer(testConfiguration(token: "s3cret")) { (server, client) async throws in
            let anonymous = TestHTTPClient(port: server.port, token: nil)
            let wrong = TestHTTPClient(port: server.port, token: "nope")

            for response in [
                try await anonymous.get("/provider-keys"),
                try await wrong.get("/provider-keys"),
                try await anonymous.send(method: "GET", path: "/provider-keys", headers: [("Authorization", "Basic czNjcmV0")]),
                try await anonymous.send(method: "GET", path: "/provider-keys", headers: [("Authorization", "s3cret")]),
                try await wrong.post("/provider-keys", json: ["providerId": "openai", "name": "n", "value": "v"]),
            ] {
                #expect(response.status == 401)
                #expect(response.header("Content-Type") == "application/json")
                let error = try #require(response.errorBody)
                #expect(error.errorCode == "ERR_NGROK_201")
                #expect(error.statusCode == 401)
                #expect(!error.msg.isEmpty)
                #expect(error.details["operation_id"]?.hasPrefix("op_") == true)
            }
            #expect(server.account.count(.providerKeys) == 0, "an unauthorized POST must not create a key")

            let ok = try await client.get("/provider-keys")
            #expect(ok.status == 200)
            let lowercaseScheme = try await anonymous.send(
                method: "GET", path: "/provider-keys", headers: [("authorization", "bearer s3cret")])
            #expect(lowercaseScheme.status == 200)
        }
    }

    @Test func operationIDsAreDistinct() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, _) async throws in
            let anonymous = TestHTTPClient(port: server.port, token: nil)
            let first = try #require(try await anonymous.get("/provider-keys").errorBody)
            let second = try #require(try await anonymous.get("/provider-keys").errorBody)
            #expect(first.details["operation_id"] != second.details["operation_id"])
        }
    }

    @Test func nonLoopbackHostsAreRefused() async throws {
        for host in ["0.0.0.0", "10.0.0.1", "192.168.1.2", "example.com", "127.0.0.1.example.com"] {
            #expect(throws: FakeNgrokAIServerError.self) {
                _ = try FakeNgrokAIServer.start(configuration: FakeNgrokAIConfiguration(host: host))
            }
        }
        #expect(FakeNgrokAIServer.isLoopback(host: "127.0.0.1"))
        #expect(FakeNgrokAIServer.isLoopback(host: "127.1.2.3"))
        #expect(FakeNgrokAIServer.isLoopback(host: "localhost"))
        #expect(FakeNgrokAIServer.isLoopback(host: "::1"))
    }

    @Test func synchronousStartAndIdempotentShutdown() throws {
        let server = try FakeNgrokAIServer.start(configuration: testConfiguration())
        #expect(server.port > 0)
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
        #expect(server.token == "fake-token")
        try server.shutdown()
        try server.shutdown()
    }
}

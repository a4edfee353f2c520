import FakeNgrokAI
import Foundation
import Testing
import TestSupport

/// The fake bounds what it reads: an oversized request target, header block or body gets
/// 414, 431 or 413 with an ngrok-style error body, and the connection is closed.
@Suite struct BoundsTests {
    @Test func oversizedRequestsAreAnsweredAndTheConnectionClosed() async throws {
        try await withFakeNgrokAIServer(testConfiguration()) { (server, client) async throws in
            let long = try await client.get("/provider-keys/" + String(repeating: "x", count: 9000))
            #expect(long.status == 414)
            #expect(long.errorBody?.errorCode == "ERR_NGROK_414")
            #expect(long.errorBody?.msg.contains("at most 8192") == true)
            #expect(long.header("Connection")?.lowercased() == "close")

            let headers = try await client.send(method: "GET", path: "/provider-keys",
                                                headers: [("X-Padding", String(repeating: "p", count: 20_000))])
            #expect(headers.status == 431)
            #expect(headers.errorBody?.errorCode == "ERR_NGROK_431")
            #expect(headers.header("Connection")?.lowercased() == "close")

            let body = try await client.send(method: "POST", path: "/provider-keys",
                                             headers: [("Content-Type", "application/json")],
                                             body: [UInt8](repeating: UInt8(ascii: " "), count: (1 << 20) + 10))
            #expect(body.status == 413)
            #expect(body.errorBody?.errorCode == "ERR_NGROK_413")
            #expect(body.header("Connection")?.lowercased() == "close")
            #expect(server.account.count(.providerKeys) == 0, "nothing was applied")

            // The server goes on serving.
            #expect(try await client.get("/provider-keys").status == 200)
        }
    }
}

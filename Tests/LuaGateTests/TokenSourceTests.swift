import Foundation
import Testing

/// A refused token (401) says where it came from, `AI_GATEWAY_API_KEY` or the file given to
/// `--api-key-file`, so the operator knows which one to fix; never the token itself.
@Suite struct TokenSourceTests {
    static let script = "local ok, e = pcall(providerKeys.list); print(e.status); print(tostring(e)); print(e.message)"

    @Test func fromTheEnvironment() async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["-e", Self.script], token: "wrong-token-from-env")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "\(r.stdout) \(r.stderr)")
        #expect(lines[0] == "401")
        #expect(lines[1].hasPrefix("providerKeys.list: 401 "), "\(lines[1])")
        #expect(lines[2].hasSuffix(" (the token from AI_GATEWAY_API_KEY)"), "\(lines[2])")
        #expect(!r.stdout.contains("wrong-token-from-env") && !r.stderr.contains("wrong-token-from-env"))
    }

    @Test func fromAFile() async throws {
        let api = try APIHarness()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)").path
        try "wrong-token-from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        // The file wins over the variable, and the message names the file.
        let r = try await api.luagate(["--api-key-file", file, "-e", Self.script], token: "wrong-token-from-env")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "\(r.stdout) \(r.stderr)")
        #expect(lines[0] == "401")
        #expect(lines[2].hasSuffix(" (the token from --api-key-file \(file))"), "\(lines[2])")
        #expect(!r.stdout.contains("wrong-token") && !r.stderr.contains("wrong-token"))
    }

    /// An uncaught 401 reads the same way on stderr.
    @Test func uncaught() async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["-e", "providerKeys.list()"], token: "wrong-token-from-env")
        #expect(r.status == 1)
        #expect(r.stderr.contains("(the token from AI_GATEWAY_API_KEY)"), "\(r.stderr)")
    }
}

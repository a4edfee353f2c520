import Foundation
import Testing

@testable import NgrokAI

@Suite("Configuration")
struct ConfigurationTests {
    func configError(_ baseURL: String) -> NgrokAIError? {
        do {
            _ = try NgrokAIConfiguration(baseURL: baseURL).validated()
            return nil
        } catch {
            return error
        }
    }

    @Test(
        "accepted base URLs",
        arguments: [
            "https://api.ngrok.ai", "https://api.ngrok.ai/", "https://example.com:8443/prefix/",
            "http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:9", "http://[::1]:8080",
            "HTTP://LOCALHOST", "https://[2001:db8::1]",
        ]
    )
    func accepted(url: String) {
        #expect(configError(url) == nil)
    }

    @Test(
        "refused base URLs",
        arguments: [
            "http://api.ngrok.ai", "http://10.0.0.1", "http://128.0.0.1", "http://localhost.example.com",
            "http://[::2]", "ftp://api.ngrok.ai", "api.ngrok.ai", "", "https://", "https://h/?q=1",
            "https://h/#f", "https://user:pw@h", "not a url",
        ]
    )
    func refused(url: String) {
        let error = configError(url)
        #expect(error?.code == NgrokAIError.Code.config)
        #expect(error?.status == nil)
    }

    @Test func baseURLParts() throws {
        let base = try BaseURL("HTTPS://Example.COM:443/api/v1/")
        #expect(base.prefix == "https://example.com/api/v1")
        #expect(base.port == 443)
        #expect(base.isSameOrigin(scheme: "https", host: "EXAMPLE.com", port: nil))
        #expect(!base.isSameOrigin(scheme: "http", host: "example.com", port: 443))
        #expect(!base.isSameOrigin(scheme: "https", host: "example.com", port: 444))
        #expect(!base.isSameOrigin(scheme: "https", host: "evil.com", port: nil))
        let loop = try BaseURL("http://127.0.0.1:8080")
        #expect(loop.prefix == "http://127.0.0.1:8080")
        let v6 = try BaseURL("http://[::1]:8080/")
        #expect(v6.prefix == "http://[::1]:8080")
    }

    @Test func otherChecks() {
        var config = NgrokAIConfiguration(token: "a\nb")
        #expect(throws: NgrokAIError.self) { try config.validated() }
        config = NgrokAIConfiguration(requestTimeout: .zero)
        #expect(throws: NgrokAIError.self) { try config.validated() }
        config = NgrokAIConfiguration(userAgent: "")
        #expect(throws: NgrokAIError.self) { try config.validated() }
        config = NgrokAIConfiguration(token: "t")
        #expect(throws: Never.self) { try config.validated() }
    }

    @Test func environment() throws {
        let config = try NgrokAIConfiguration.fromEnvironment([
            "AI_GATEWAY_API_KEY": " tok \n", "AI_GATEWAY_API_URL": "http://127.0.0.1:1234",
        ])
        #expect(config.token == "tok")
        #expect(config.baseURL == "http://127.0.0.1:1234")
        let empty = try NgrokAIConfiguration.fromEnvironment(["AI_GATEWAY_API_KEY": ""])
        #expect(empty.token == nil)
        #expect(empty.baseURL == "https://api.ngrok.ai")
    }

    @Test func apiKeyFileWins() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ngrokai-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("key")
        try Data("  file-token\n\n".utf8).write(to: file)
        let config = try NgrokAIConfiguration.fromEnvironment(["AI_GATEWAY_API_KEY": "env"], apiKeyFile: file.path)
        #expect(config.token == "file-token")

        let emptyFile = dir.appendingPathComponent("empty")
        try Data("\n".utf8).write(to: emptyFile)
        #expect(throws: NgrokAIError.self) { try NgrokAIConfiguration.fromEnvironment([:], apiKeyFile: emptyFile.path) }
        do {
            _ = try NgrokAIConfiguration.fromEnvironment([:], apiKeyFile: dir.appendingPathComponent("missing").path)
            Issue.record("a missing file must fail")
        } catch {
            #expect(error.code == NgrokAIError.Code.config)
            #expect(error.message.contains("missing"))
        }
    }

    @Test(arguments: [
        (" tok \n", "tok"), ("\t\r\ntok", "tok"), ("\u{00A0}tok\u{2003}", "tok"), ("t o k", "t o k"),
        ("   ", ""), ("", ""), ("\u{FEFF}tok", "\u{FEFF}tok"),
    ])
    func whiteSpaceAroundValuesIsTrimmed(raw: String, trimmed: String) {
        #expect(raw.trimmingWhiteSpace() == trimmed)
    }

    /// The CA file is checked at start-up by its first PEM header, read in 4 KiB pieces.
    @Test func caFileIsCheckedForAPEMHeader() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ngrokai-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        func check(_ text: String) -> NgrokAIError? {
            let file = dir.appendingPathComponent(UUID().uuidString)
            FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8))
            var config = NgrokAIConfiguration(token: "t")
            config.caFile = file.path
            do {
                try config.checkCAFile()
                return nil
            } catch {
                return error
            }
        }
        #expect(check(header) == nil)
        // A header across the boundary of two pieces, and one far into the file.
        #expect(check(String(repeating: "#", count: 4096 - 10) + "\n" + header) == nil)
        #expect(check(String(repeating: "# comment\n", count: 5000) + header) == nil)
        let refused = try #require(check(String(repeating: "x", count: 10000)))
        #expect(refused.code == NgrokAIError.Code.config)
        #expect(refused.message.hasSuffix("is not a PEM file of certificates"))
        #expect(check("") != nil)
    }
}

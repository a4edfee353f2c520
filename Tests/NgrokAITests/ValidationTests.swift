import Foundation
import Testing
import TestSupport

@testable import NgrokAI

/// Validation happens before anything is sent. These run against a port nothing listens on
/// (and with no retries): any request that slipped through would show in `stats` or fail with
/// a network error instead of a validation one.
@Suite("Validation")
struct ValidationTests {
    static func client(token: String? = "tok") -> NgrokAIClient {
        NgrokAIClient(
            configuration: NgrokAIConfiguration(
                baseURL: "http://127.0.0.1:9", token: token, retry: .none
            )
        )
    }

    func validationError(
        _ client: NgrokAIClient, _ body: (NgrokAIClient) async throws -> Void
    ) async -> NgrokAIError? {
        do {
            try await body(client)
            return nil
        } catch let error as NgrokAIError {
            return error
        } catch {
            Issue.record("unexpected error type \(error)")
            return nil
        }
    }

    func expectValidation(
        field: String, rule: String? = nil, operation: String, id: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: (NgrokAIClient) async throws -> Void
    ) async throws {
        let client = Self.client()
        defer { try? client.syncShutdown() }
        let error = try #require(await validationError(client, body), sourceLocation: sourceLocation)
        #expect(error.code == NgrokAIError.Code.validation, sourceLocation: sourceLocation)
        #expect(error.status == nil, sourceLocation: sourceLocation)
        #expect(error.field == field, sourceLocation: sourceLocation)
        #expect(error.operation == operation, sourceLocation: sourceLocation)
        #expect(error.id == id, sourceLocation: sourceLocation)
        #expect(error.attempts == 0, sourceLocation: sourceLocation)
        if let rule { #expect(error.rule == rule, sourceLocation: sourceLocation) }
        #expect(client.stats.requestsSent == 0, sourceLocation: sourceLocation)
        #expect(client.state.withLockedValue { if case .idle = $0 { true } else { false } }, "no HTTP client made", sourceLocation: sourceLocation)
    }

    /// 255 code points of 4-byte UTF-8 (emoji), and one more.
    static let name255 = String(repeating: "🔑", count: 255)
    static let name256 = String(repeating: "é", count: 256)

    @Test func emptyIds() async throws {
        try await expectValidation(field: "id", rule: "must not be empty", operation: "providerKeys.get", id: "") {
            _ = try await $0.get(.providerKeys, id: "")
        }
        try await expectValidation(field: "id", operation: "providerKeys.update", id: "") {
            _ = try await $0.update(.providerKeys, id: "", ["name": "x"])
        }
        try await expectValidation(field: "id", operation: "providerKeys.delete", id: "") {
            try await $0.delete(.providerKeys, id: "")
        }
        try await expectValidation(field: "id", operation: "providerKeys.rotate", id: "") {
            _ = try await $0.perform(.providerKeys, action: "rotate", id: "", ["value": "v", "name": "n"])
        }
    }

    @Test func createRequiredFields() async throws {
        for (create, field) in [
            (["providerId": "", "name": "n", "value": "v"] as [String: JSONValue], "providerId"),
            (["providerId": "p", "name": "", "value": "v"], "name"),
            (["providerId": "p", "name": "n", "value": ""], "value"),
        ] {
            try await expectValidation(field: field, rule: "must not be empty", operation: "providerKeys.create") {
                _ = try await $0.create(.providerKeys, create)
            }
        }
    }

    @Test func lengthsCountCodePoints() async throws {
        #expect(Self.name255.unicodeScalars.count == 255 && Self.name255.utf8.count == 1020)
        try await expectValidation(
            field: "name", rule: "at most 255 characters (got 256)", operation: "providerKeys.create"
        ) {
            _ = try await $0.create(.providerKeys, ["providerId": "p", "name": .string(Self.name256), "value": "v"])
        }
        try await expectValidation(
            field: "description", rule: "at most 255 characters (got 300)", operation: "providerKeys.update", id: "pk"
        ) {
            _ = try await $0.update(.providerKeys, id: "pk", ["description": .string(String(repeating: "a", count: 300))])
        }
        try await expectValidation(
            field: "metadata", rule: "at most 4096 characters (got 4097)", operation: "providerKeys.create"
        ) {
            _ = try await $0.create(.providerKeys, ["providerId": "p", "name": "n", "value": "v", "metadata": .string(String(repeating: "ü", count: 4097))])
        }
        try await expectValidation(field: "name", operation: "providerKeys.rotate", id: "pk") {
            _ = try await $0.perform(.providerKeys, action: "rotate", id: "pk", ["value": "v", "name": .string(Self.name256)])
        }
    }

    @Test func boundaryValuesPassValidation() throws {
        // Exactly at the limit is fine (checked without sending: the catalogue's own check).
        let keys = Resource.providerKeys
        #expect(keys.field("name")?.maxLength == 255 && keys.field("metadata")?.maxLength == 4096)
        let atLimits: [String: JSONValue] = [
            "providerId": "openai", "name": .string(Self.name255), "value": "v",
            "metadata": .string(String(repeating: "😀", count: 4096)),
        ]
        #expect(throws: Never.self) { try keys.checked(atLimits, for: .create) }
        // A combining sequence counts each code point: "é" as e + U+0301 is 2.
        let decomposed = String(repeating: "e\u{301}", count: 128)
        #expect(decomposed.count == 128)
        #expect(throws: Violation.self) { try keys.checked(["name": .string(decomposed)], for: .update) }
    }

    @Test func rotateRequiresValueAndName() async throws {
        try await expectValidation(field: "value", operation: "providerKeys.rotate", id: "pk") {
            _ = try await $0.perform(.providerKeys, action: "rotate", id: "pk", ["value": "", "name": "n"])
        }
        try await expectValidation(field: "name", operation: "providerKeys.rotate", id: "pk") {
            _ = try await $0.perform(.providerKeys, action: "rotate", id: "pk", ["value": "v", "name": ""])
        }
    }

    @Test func listLimits() async throws {
        for limit in [0, 101, -1] {
            try await expectValidation(
                field: "limit", rule: "must be between 1 and 100 (got \(limit))", operation: "providerKeys.list"
            ) {
                _ = try await $0.list(.providerKeys, parameters: ["limit": .int(Int64(limit))])
            }
        }
        try await expectValidation(field: "provider", operation: "providerKeys.list") {
            _ = try await $0.list(.providerKeys, parameters: ["provider": ""])
        }
        try await expectValidation(field: "nextPageURI", operation: "providerKeys.list") {
            _ = try await $0.list(.providerKeys, nextPageURI: "")
        }
    }

    @Test func missingTokenIsAuthError() async throws {
        let client = Self.client(token: nil)
        defer { try? client.syncShutdown() }
        let error = try #require(await validationError(client) { _ = try await $0.get(.providerKeys, id: "pk_1") })
        #expect(error.code == NgrokAIError.Code.auth)
        #expect(error.message == "no API token: set AI_GATEWAY_API_KEY or pass --api-key-file PATH")
        #expect(error.operation == "providerKeys.get" && error.id == "pk_1")
        #expect(client.stats.requestsSent == 0)
    }

    @Test func invalidBaseURLIsConfigError() async throws {
        let client = NgrokAIClient(configuration: NgrokAIConfiguration(baseURL: "http://example.com", token: "t"))
        defer { try? client.syncShutdown() }
        let error = try #require(await validationError(client) { _ = try await $0.list(.providerKeys) })
        #expect(error.code == NgrokAIError.Code.config)
        #expect(error.operation == "providerKeys.list")
        #expect(client.stats.requestsSent == 0)
    }

    @Test func shutdownOfUnusedClientIsNoOp() async throws {
        let client = Self.client()
        try await client.shutdown()
        try client.syncShutdown()
        let error = try #require(await validationError(client) { _ = try await $0.get(.providerKeys, id: "x") })
        #expect(error.code == NgrokAIError.Code.config)
    }
}

import FakeNgrokAI
import Foundation
import TestSupport

/// A temporary folder of account files (and plans, journals, reports) for one test.
final class AccountFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-account-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` in the folder.
    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
        return file(name)
    }

    /// Writes an account file of `stack` whose table holds `body` (Lua fields, e.g.
    /// `providerKeys = { … },`) after the stack, and returns its path.
    @discardableResult
    func account(_ body: String, name: String = "platform.lua", stack: String = "platform") throws -> String {
        try write(name, Accounts.file(stack: stack, body))
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }
}

/// What the declarative-account tests share.
enum Accounts {
    /// An account file's text: the module, the stack, then `body`.
    static func file(stack: String, _ body: String) -> String {
        "local account = require \"luagate.account\"\nreturn account {\n  stack = \"\(stack)\",\n\(body)\n}\n"
    }

    /// A secret value no output may show: `sk-test-` and 24 random letters and digits.
    static func secret() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "sk-test-" + String((0..<24).map { _ in alphabet.randomElement()! })
    }

    /// An empty fake whose model catalogue serves the built-in providers the tests name
    /// (a provider key's `providerId` must be a custom provider or one of the catalogue's).
    static func emptyAPI() throws -> APIHarness {
        let api = try APIHarness()
        api.server.account.setModels(["openai", "anthropic", "google"].map { provider in
            .object([
                "id": .string("\(provider)-model"), "name": .string("\(provider) model"), "object": "model",
                "owned_by": "ngrok", "created": .int(1_760_000_000),
                "providers": .array([.object(["id": .string(provider), "model_id": .string("\(provider):\(provider)-model")])]),
            ])
        })
        return api
    }

    /// A fake seeded with the sample account (12 provider keys and every other collection).
    static func sampleAPI() throws -> APIHarness {
        try APIHarness(FakeNgrokAIConfiguration(
            token: "tok-\(UUID().uuidString)", initialKeys: SampleAccount.make(seed: 2, count: 12), sampleAccount: true))
    }

    /// The requests that change something (every method but GET), in the order received.
    static func mutations(_ api: APIHarness) -> [RecordedRequest] {
        api.server.requestLog.entries().filter { $0.method != "GET" }
    }

    /// The collection's path segment of a request: `/provider-keys/x/rotate` → `provider-keys`.
    static func collection(_ request: RecordedRequest) -> String {
        String(request.path.split(separator: "/").first ?? "")
    }

    /// `METHOD collection` of each mutation, e.g. `POST provider-keys`, `POST provider-keys/rotate`.
    static func sent(_ api: APIHarness) -> [String] {
        mutations(api).map { request in
            let parts = request.path.split(separator: "/")
            let action = parts.count > 2 ? "/" + parts[2] : ""
            return "\(request.method) \(parts.first ?? "")\(action)"
        }
    }

    /// Metadata (JSON text) carrying this stack's ownership marker, with `extra` members.
    static func owned(by stack: String, _ extra: String = "") -> String {
        "{\(extra.isEmpty ? "" : extra + ",")\"luagate\":{\"stack\":\"\(stack)\"}}"
    }

    /// The record's metadata as a JSON object, if it is one.
    static func metadata(_ record: TestRecord?) -> [String: Any]? {
        guard let text = record?.metadata else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// The record's ownership marker (the `luagate` member of its metadata), if any.
    static func marker(_ record: TestRecord?) -> [String: Any]? {
        metadata(record)?["luagate"] as? [String: Any]
    }

    /// Records of `resource` named `name`.
    static func named(_ api: APIHarness, _ resource: Resource, _ name: String) -> [TestRecord] {
        api.server.account.all(resource).filter { $0.name == name }
    }

    /// Runs luagate against the fake, from `directory` when given (so that files are named
    /// relative to it), checking that the API token appears in no output.
    static func run(_ api: APIHarness, _ arguments: [String], in directory: String? = nil,
                    environment: [String: String] = [:]) async throws -> ProcessResult
    {
        var env = ["AI_GATEWAY_API_URL": api.server.baseURL, "AI_GATEWAY_API_KEY": api.token]
        env.merge(environment) { _, new in new }
        let result = try await ProcessRunner.run(ProcessRunner.luagate, arguments, environment: env, directory: directory)
        precondition(!result.stdout.contains(api.token) && !result.stderr.contains(api.token), "the API token was printed")
        return result
    }
}

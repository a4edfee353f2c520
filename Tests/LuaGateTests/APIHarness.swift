import FakeNgrokAI
import Foundation
import TestSupport

/// A fake API server for one test, and how to point the luagate binary at it.
final class APIHarness {
    let server: FakeNgrokAIServer

    /// Starts the fake; one event loop thread unless the configuration says otherwise (many
    /// harnesses are alive at once while the tests run in parallel).
    init(_ configuration: FakeNgrokAIConfiguration = .init(token: "tok-\(UUID().uuidString)")) throws {
        var configuration = configuration
        configuration.eventLoopThreads = configuration.eventLoopThreads ?? 1
        server = try FakeNgrokAIServer.start(configuration: configuration)
    }

    deinit { try? server.shutdown() }

    var token: String { server.token }

    /// Runs `luagate ARGS` with the fake's URL and the token in the environment
    /// (so that the command line is exactly ARGS) and checks that the token
    /// appears in none of its output.
    func luagate(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                 token: String? = nil) async throws -> ProcessResult {
        var env = ["AI_GATEWAY_API_URL": server.baseURL, "AI_GATEWAY_API_KEY": token ?? server.token]
        env.merge(environment) { _, new in new }
        let result = try await ProcessRunner.run(ProcessRunner.luagate, arguments, stdin: stdin, environment: env)
        precondition(!result.stdout.contains(server.token) && !result.stderr.contains(server.token),
                     "the API token was printed")
        return result
    }

    /// Requests of one method the server received.
    func requests(_ method: String) -> [RecordedRequest] {
        server.requestLog.entries().filter { $0.method == method }
    }

    @discardableResult
    func seed(name: String, providerId: String = "openai", value: String? = nil, description: String? = nil,
              metadata: String? = nil, id: String? = nil) -> TestRecord {
        server.account.seedKey(id: id, providerId: providerId, name: name, value: value,
                               description: description, metadata: metadata)
    }

    static func json(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }
}

import FakeNgrokAI
import Foundation
import Logging
import NIOConcurrencyHelpers
import NgrokAI
import Testing
import TestSupport

/// A running fake API and a client pointed at it, torn down together.
struct FakeFixture {
    let server: FakeNgrokAIServer
    let client: NgrokAIClient

    static let userAgent = "luagate/9.9.9-test"

    /// Fast retries (1 ms base) with a seeded jitter, so retry tests take milliseconds.
    static let fastRetry = RetryPolicy(
        maxRetries: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(4), totalDeadline: .seconds(30),
        jitter: .seeded(7)
    )

    /// Starts a fake (with `keys`), makes a client for it, runs `body`, and shuts both down.
    static func run<T>(
        keys: [[String: JSONValue]] = [],
        sampleAccount: Bool = false,
        token: String? = nil,
        retry: RetryPolicy = fastRetry,
        requestTimeout: Duration = .seconds(10),
        maxResponseBytes: Int = NgrokAIConfiguration().maxResponseBytes,
        logger: Logger? = nil,
        _ body: (FakeFixture) async throws -> T
    ) async throws -> T {
        let server = try await FakeNgrokAIServer.start(
            configuration: FakeNgrokAIConfiguration(
                token: "fake-token", initialKeys: keys, sampleAccount: sampleAccount, eventLoopThreads: 1)
        )
        var configuration = NgrokAIConfiguration(
            baseURL: server.baseURL, token: token ?? server.token, userAgent: userAgent,
            requestTimeout: requestTimeout, connectTimeout: .seconds(5), retry: retry, logger: logger
        )
        configuration.maxConnectionsPerHost = 8
        configuration.maxResponseBytes = maxResponseBytes
        let client = NgrokAIClient(configuration: configuration)
        let fixture = FakeFixture(server: server, client: client)
        do {
            let result = try await body(fixture)
            try await client.shutdown()
            try await server.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            try? await server.shutdown()
            throw error
        }
    }

    /// Seeds one key and returns it.
    @discardableResult
    func seed(id: String? = nil, name: String = "seeded", description: String? = nil, metadata: String? = nil)
        -> TestRecord
    {
        server.account.seedKey(id: id, name: name, description: description, metadata: metadata)
    }
}

/// Runs `body` and returns the `NgrokAIError` it threw (recording an issue otherwise).
func captureError<T>(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async -> NgrokAIError? {
    do {
        let value = try await body()
        Issue.record("expected an NgrokAIError, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch let error as NgrokAIError {
        return error
    } catch {
        Issue.record("expected an NgrokAIError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A log handler that keeps every line, for checking what is (and isn't) logged.
struct CapturingLogHandler: LogHandler {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
        /// Message and metadata as one string.
        var text: String { "\(message) \(metadata.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))" }
    }

    final class Storage: Sendable {
        let lines = NIOLockedValueBox<[Line]>([])
        var all: [Line] { lines.withLockedValue { $0 } }
    }

    let storage: Storage
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        storage.lines.withLockedValue {
            $0.append(Line(level: event.level, message: event.message.description, metadata: merged))
        }
    }

    static func make() -> (Logger, Storage) {
        let storage = Storage()
        var logger = Logger(label: "test", factory: { _ in CapturingLogHandler(storage: storage) })
        logger.logLevel = .trace
        return (logger, storage)
    }
}

extension RecordedRequest {
    /// The body parsed as JSON (nil when empty).
    var json: JSONValue? {
        body.isEmpty ? nil : try? JSONValue(parsing: Data(body))
    }
}

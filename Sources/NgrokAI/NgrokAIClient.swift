import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL

/// A client of the ngrok AI Gateway management API.
///
/// Creating a client is cheap: the underlying `HTTPClient` (connection pool) is made at the
/// first API call. Call ``shutdown()`` (or ``syncShutdown()``) when done; both are no-ops for a
/// client that never made a call. All calls validate their arguments before sending anything,
/// retry according to ``NgrokAIConfiguration/retry``, and throw only ``NgrokAIError``.
public final class NgrokAIClient: Sendable {
    /// The configuration the client was made with.
    public let configuration: NgrokAIConfiguration

    /// What every request needs, worked out once at init.
    struct Prepared: Sendable {
        var base: BaseURL
        /// Authorization, Accept and User-Agent; `nil` when there is no token.
        var headers: HTTPHeaders?
        /// The same plus `Content-Type: application/json`.
        var bodyHeaders: HTTPHeaders?
        /// The proxy to tunnel through, if any.
        var proxy: ProxySetting?
        /// CA certificates trusted beside the system's (for an https base URL).
        var extraTrustRoots: [NIOSSLCertificate]?
    }

    enum State: Sendable {
        case idle
        case running(HTTPClient)
        case shutDown
    }

    let prepared: Result<Prepared, NgrokAIError>
    let state = NIOLockedValueBox(State.idle)
    let statsBox = NIOLockedValueBox(ClientStats())
    let encoder: JSONEncoder

    /// Makes a client. Nothing is checked or connected yet: an invalid configuration makes
    /// every call fail with code ``NgrokAIError/Code/config``.
    public init(configuration: NgrokAIConfiguration) {
        self.configuration = configuration
        self.prepared = Result { () throws(NgrokAIError) -> Prepared in
            let checked = try configuration.validated()
            let base = try BaseURL(checked.baseURL)
            let proxy = try checked.proxy(for: base)
            // Only TLS uses them (proxies are http://): a plain-http URL does not parse the bundle.
            let roots = base.scheme == "https" ? try checked.extraTrustRoots() : nil
            guard let token = checked.token, !token.isEmpty else {
                return Prepared(base: base, headers: nil, bodyHeaders: nil, proxy: proxy, extraTrustRoots: roots)
            }
            var headers = HTTPHeaders()
            headers.reserveCapacity(4)
            headers.add(name: "Authorization", value: "Bearer \(token)")
            headers.add(name: "Accept", value: "application/json")
            headers.add(name: "User-Agent", value: checked.userAgent)
            var bodyHeaders = headers
            bodyHeaders.add(name: "Content-Type", value: "application/json")
            return Prepared(base: base, headers: headers, bodyHeaders: bodyHeaders, proxy: proxy, extraTrustRoots: roots)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.encoder = encoder
    }

    deinit {
        // A client dropped without shutdown still releases its connections.
        if case .running(let client) = state.withLockedValue({ $0 }) {
            client.shutdown { _ in }
        }
    }

    /// Counters of requests and retries so far.
    public var stats: ClientStats {
        statsBox.withLockedValue { $0 }
    }

    /// Closes the connections. Calls made afterwards fail with code ``NgrokAIError/Code/config``.
    public func shutdown() async throws {
        if let client = takeClientForShutdown() {
            try await client.shutdown()
        }
    }

    /// Closes the connections, blocking; not for use on an event loop or in async code.
    public func syncShutdown() throws {
        if let client = takeClientForShutdown() {
            try client.syncShutdown()
        }
    }

    private func takeClientForShutdown() -> HTTPClient? {
        state.withLockedValue { state in
            defer { state = .shutDown }
            if case .running(let client) = state { return client }
            return nil
        }
    }

    /// The shared `HTTPClient`, made on first use.
    func httpClient(operation: String, id: String?) throws(NgrokAIError) -> HTTPClient {
        let client: HTTPClient? = state.withLockedValue { state in
            switch state {
            case .running(let client):
                return client
            case .idle:
                let client = Self.makeHTTPClient(configuration, prepared: try? prepared.get())
                state = .running(client)
                return client
            case .shutDown:
                return nil
            }
        }
        guard let client else {
            throw NgrokAIError(
                code: NgrokAIError.Code.config, message: "the client has been shut down", operation: operation, id: id
            )
        }
        return client
    }

    private static func makeHTTPClient(_ configuration: NgrokAIConfiguration, prepared: Prepared?) -> HTTPClient {
        var config = HTTPClient.Configuration()
        if let proxy = prepared?.proxy {
            config.proxy = .server(
                host: proxy.host, port: proxy.port,
                authorization: proxy.username.map { .basic(username: $0, password: proxy.password ?? "") })
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let roots = prepared?.extraTrustRoots {
            tls.additionalTrustRoots = [.certificates(roots)]
        }
        config.tlsConfiguration = tls
        config.redirectConfiguration = .disallow
        config.httpVersion = .automatic
        config.decompression = .disabled
        // No spans: the default (no-op) tracer still builds each request's span attributes.
        config.tracing.tracer = nil
        // No read timeout: each attempt's deadline (`requestTimeout` from its start) bounds it
        // already, and an idle-read timer is one more scheduled task per request.
        config.timeout = .init(connect: TimeAmount(configuration.connectTimeout), read: nil)
        config.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxConnectionsPerHost
        )
        // Fail a refused connection at once and let the retry policy decide, instead of the pool
        // quietly reconnecting until the request's deadline.
        config.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(
            eventLoopGroup: EventLoopTaskExecutor.eventLoops,
            configuration: config,
            backgroundActivityLogger: Logger(label: "ngrok-ai.http", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }
}

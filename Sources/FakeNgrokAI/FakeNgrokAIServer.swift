import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Why the fake server could not start.
public enum FakeNgrokAIServerError: Error, Sendable, CustomStringConvertible {
    /// The fake only listens on loopback addresses.
    case nonLoopbackHost(String)
    /// The TLS certificate or key could not be loaded.
    case tls(String)

    public var description: String {
        switch self {
        case .nonLoopbackHost(let host):
            "refusing to listen on \(host): the fake ngrok AI API only binds loopback addresses (127.0.0.0/8, ::1, localhost)"
        case .tls(let message):
            message
        }
    }
}

/// An in-memory fake of the ngrok AI Gateway management API, served over real HTTP/1.1 on
/// loopback. Start it, point a client at `baseURL` with `token`, inspect `account` and
/// `requestLog`, steer `faults`, and call `shutdown()` when done.
public final class FakeNgrokAIServer: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    /// The bound port.
    public let port: Int
    /// The accepted bearer token.
    public let token: String
    /// The in-memory account: every resource (thread-safe).
    public let account: AccountStore
    /// The injected faults, mutable at runtime (thread-safe).
    public let faults: FaultPlan
    /// Every request received (thread-safe).
    public let requestLog: RequestLog
    /// The configuration the server was started with.
    public let configuration: FakeNgrokAIConfiguration

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let stopped = NIOLockedValueBox(false)

    private init(configuration: FakeNgrokAIConfiguration, core: ServerCore, group: MultiThreadedEventLoopGroup, channel: any Channel) {
        self.configuration = configuration
        self.account = core.account
        self.faults = core.faults
        self.requestLog = core.requestLog
        self.token = configuration.token
        self.group = group
        self.channel = channel
        self.port = channel.localAddress?.port ?? configuration.port
        self.baseURL = ServerCore.baseURL(for: channel.localAddress, tls: configuration.tls != nil)
    }

    /// Starts a server and returns once it is listening (blocking; for non-async callers).
    public static func start(configuration: FakeNgrokAIConfiguration = .init()) throws -> FakeNgrokAIServer {
        let (core, group, bootstrap) = try prepare(configuration)
        do {
            let channel = try bootstrap.bind(host: configuration.host, port: configuration.port).wait()
            return FakeNgrokAIServer(configuration: configuration, core: core, group: group, channel: channel)
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    /// Starts a server and returns once it is listening.
    public static func start(configuration: FakeNgrokAIConfiguration = .init()) async throws -> FakeNgrokAIServer {
        let (core, group, bootstrap) = try prepare(configuration)
        do {
            let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            return FakeNgrokAIServer(configuration: configuration, core: core, group: group, channel: channel)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops listening and closes every connection (blocking). Calling it again does nothing.
    public func shutdown() throws {
        guard markStopped() else { return }
        try? channel.close().wait()
        try group.syncShutdownGracefully()
    }

    /// Stops listening and closes every connection. Calling it again does nothing.
    public func shutdown() async throws {
        guard markStopped() else { return }
        try? await channel.close().get()
        try await group.shutdownGracefully()
    }

    /// The whole account as a snapshot file, with record URIs under this server's base URL.
    public func snapshotJSON() -> Data {
        account.snapshotJSON(baseURL: baseURL)
    }

    private func markStopped() -> Bool {
        stopped.withLockedValue { stopped in
            defer { stopped = true }
            return !stopped
        }
    }

    /// True for 127.0.0.0/8, ::1 and localhost.
    public static func isLoopback(host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "[::1]" {
            return true
        }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.first == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part).map { _ in true } ?? false }
    }

    private static func prepare(
        _ configuration: FakeNgrokAIConfiguration
    ) throws -> (ServerCore, MultiThreadedEventLoopGroup, ServerBootstrap) {
        guard isLoopback(host: configuration.host) else {
            throw FakeNgrokAIServerError.nonLoopbackHost(configuration.host)
        }
        let account = AccountStore(seed: configuration.seed)
        for key in configuration.initialKeys { account.insert(.providerKeys, fields: key) }
        if configuration.sampleAccount {
            SampleAccount.seedRest(account, keys: configuration.initialKeys, seed: configuration.seed)
        }
        let tlsContext = try configuration.tls.map(Self.serverContext)
        let core = ServerCore(
            account: account,
            faults: FaultPlan(seed: configuration.seed),
            requestLog: RequestLog(capacity: configuration.requestLogCapacity),
            token: configuration.token,
            tls: tlsContext != nil
        )
        let threads = max(1, configuration.eventLoopThreads ?? System.coreCount)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
                    }
                    try core.serve(channel.pipeline.syncOperations)
                }
            }
        return (core, group, bootstrap)
    }

    /// The TLS context for `files`, or an error naming the file that is wrong.
    private static func serverContext(_ files: FakeNgrokAIConfiguration.TLSFiles) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath)
        } catch {
            throw FakeNgrokAIServerError.tls("cannot read the TLS certificate \(files.certificatePath): \(error)")
        }
        guard !chain.isEmpty else {
            throw FakeNgrokAIServerError.tls("no PEM certificate in \(files.certificatePath)")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.keyPath, format: .pem)
        } catch {
            throw FakeNgrokAIServerError.tls("cannot read the TLS private key \(files.keyPath): \(error)")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw FakeNgrokAIServerError.tls("the TLS certificate \(files.certificatePath) and key \(files.keyPath) do not go together: \(error)")
        }
    }
}

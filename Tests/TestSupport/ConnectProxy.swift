import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A CONNECT-only HTTP proxy on loopback, for tests: it opens each tunnel it is asked for (or
/// answers every request with `refuseWith`), relays bytes both ways, and records what it saw.
public final class ConnectProxy: Sendable {
    /// One request the proxy received.
    public struct Request: Sendable, Hashable {
        /// E.g. `CONNECT 127.0.0.1:8443 HTTP/1.1`.
        public var line: String
        /// The header lines, as received.
        public var headers: [String]
    }

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }
    public let port: Int

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let state: NIOLockedValueBox<Recorded>

    struct Recorded {
        var requests: [Request] = []
        /// Everything clients sent inside their tunnels.
        var tunnelled: [UInt8] = []
    }

    /// Every request received, in order.
    public var requests: [Request] { state.withLockedValue { $0.requests } }
    /// The bytes clients sent through the tunnels (TLS records when the client speaks HTTPS).
    public var tunnelledBytes: [UInt8] { state.withLockedValue { $0.tunnelled } }

    /// Starts a proxy on an ephemeral loopback port. With `refuseWith`, every request is
    /// answered with that status and no tunnel is opened.
    public static func start(refuseWith status: Int? = nil) throws -> ConnectProxy {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let state = NIOLockedValueBox(Recorded())
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ProxyHeadHandler(state: state, refuseWith: status))
                }
            }
        do {
            let channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
            return ConnectProxy(group: group, channel: channel, state: state)
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, state: NIOLockedValueBox<Recorded>) {
        self.group = group
        self.channel = channel
        self.state = state
        self.port = channel.localAddress?.port ?? 0
    }

    public func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// Reads a request head, then either refuses or connects to the target and turns the
/// connection into a tunnel.
private final class ProxyHeadHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let state: NIOLockedValueBox<ConnectProxy.Recorded>
    private let refuseWith: Int?
    private var buffered = ByteBuffer()
    private var done = false

    init(state: NIOLockedValueBox<ConnectProxy.Recorded>, refuseWith: Int?) {
        self.state = state
        self.refuseWith = refuseWith
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var chunk = unwrapInboundIn(data)
        buffered.writeBuffer(&chunk)
        let bytes = buffered.readableBytesView
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else {
            if buffered.readableBytes > 64 * 1024 { context.close(promise: nil) }
            return
        }
        done = true
        let headLength = end.upperBound - bytes.startIndex
        let head = String(decoding: buffered.readBytes(length: headLength) ?? [], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let request = ConnectProxy.Request(line: lines.first ?? "", headers: Array(lines.dropFirst()))
        state.withLockedValue { $0.requests.append(request) }

        let parts = request.line.split(separator: " ")
        guard refuseWith == nil, parts.count == 3, parts[0] == "CONNECT",
              let colon = parts[1].lastIndex(of: ":"), let port = Int(parts[1][parts[1].index(after: colon)...])
        else {
            answer(context: context, status: refuseWith ?? 405, close: true)
            return
        }
        let host = String(parts[1][..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let leftover = buffered
        let client = NIOLoopBound((context, self), eventLoop: context.eventLoop)
        ClientBootstrap(group: context.eventLoop).connect(host: host, port: port).whenComplete { result in
            let (context, handler) = client.value
            switch result {
            case .failure:
                handler.answer(context: context, status: 502, close: true)
            case .success(let target):
                handler.tunnel(context: context, to: target, leftover: leftover)
            }
        }
    }

    private func answer(context: ChannelHandlerContext, status: Int, close: Bool) {
        let text = "HTTP/1.1 \(status) \(status == 200 ? "Connection established" : "Refused")\r\n"
            + (close ? "Content-Length: 0\r\nConnection: close\r\n" : "") + "\r\n"
        let write = context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)))
        if close {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            write.whenComplete { _ in bound.value.close(promise: nil) }
        }
    }

    private func tunnel(context: ChannelHandlerContext, to target: any Channel, leftover: ByteBuffer) {
        let state = self.state
        let (near, far) = TunnelHandler.pair(recordingNear: { bytes in
            state.withLockedValue { $0.tunnelled.append(contentsOf: bytes.readableBytesView) }
        })
        answer(context: context, status: 200, close: false)
        do {
            try target.pipeline.syncOperations.addHandler(far)
            try context.pipeline.syncOperations.addHandler(near)
        } catch {
            context.close(promise: nil)
            target.close(promise: nil)
            return
        }
        if leftover.readableBytes > 0 { near.forward(leftover) }
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
}

/// One end of a tunnel: what one channel reads, its partner writes.
private final class TunnelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var partner: TunnelHandler?
    private var context: ChannelHandlerContext?
    private let record: (@Sendable (ByteBuffer) -> Void)?

    private init(record: (@Sendable (ByteBuffer) -> Void)?) {
        self.record = record
    }

    /// Two joined ends; `recordingNear` sees what the client end reads.
    static func pair(recordingNear: @escaping @Sendable (ByteBuffer) -> Void) -> (TunnelHandler, TunnelHandler) {
        let near = TunnelHandler(record: recordingNear)
        let far = TunnelHandler(record: nil)
        near.partner = far
        far.partner = near
        return (near, far)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    /// Sends bytes read on this end out of the partner's channel.
    func forward(_ buffer: ByteBuffer) {
        record?(buffer)
        partner?.context?.writeAndFlush(NIOAny(buffer), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        forward(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.context?.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

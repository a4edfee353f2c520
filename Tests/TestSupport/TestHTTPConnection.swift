import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 connection for tests, reusable for several sequential requests (keep-alive).
/// Request targets are sent verbatim, so tests control percent-encoding exactly.
public final class TestHTTPConnection: Sendable {
    private let channel: any Channel
    /// `Host` header value.
    private let authority: String

    private init(channel: any Channel, authority: String) {
        self.channel = channel
        self.authority = authority
    }

    /// Opens a connection to `host:port`.
    public static func connect(host: String = "127.0.0.1", port: Int) async throws -> TestHTTPConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(TestHTTPResponseCollector())
                }
            }
            .connect(host: host, port: port)
            .get()
        return TestHTTPConnection(channel: channel, authority: "\(host):\(port)")
    }

    /// Whether the connection is still open.
    public var isActive: Bool {
        channel.isActive
    }

    /// Sends one request and waits for its complete response. Adds `Host` and, with a body,
    /// `Content-Length`. Throws `TestHTTPError.connectionClosed` when the server closes first.
    public func send(
        method: String,
        path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> TestHTTPResponse {
        var httpHeaders = HTTPHeaders()
        httpHeaders.add(name: "Host", value: authority)
        for (name, value) in headers {
            httpHeaders.add(name: name, value: value)
        }
        if let body, !httpHeaders.contains(name: "content-length") {
            httpHeaders.add(name: "Content-Length", value: String(body.count))
        }
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path, headers: httpHeaders)
        let promise = channel.eventLoop.makePromise(of: TestHTTPResponse.self)
        let request = TestHTTPRequest(head: head, body: body.map { ByteBuffer(bytes: $0) }, response: promise)
        channel.writeAndFlush(request).cascadeFailure(to: promise)
        return try await promise.futureResult.get()
    }

    /// Returns once the connection is closed (by either side).
    public func waitUntilClosed() async {
        try? await channel.closeFuture.get()
    }

    /// Closes the connection.
    public func close() async {
        try? await channel.close().get()
    }
}

/// A request handed to the collector: it queues the response promise, then writes the parts.
struct TestHTTPRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var response: EventLoopPromise<TestHTTPResponse>
}

/// Assembles responses and completes the queued promises in order.
final class TestHTTPResponseCollector: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = TestHTTPRequest
    typealias OutboundOut = HTTPClientRequestPart

    private var waiting = CircularBuffer<EventLoopPromise<TestHTTPResponse>>()
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        waiting.append(request.response)
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        if let body = request.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head, let promise = waiting.popFirst() else { return }
            self.head = nil
            let response = TestHTTPResponse(
                status: Int(head.status.code),
                headers: head.headers.map { ($0.name, $0.value) },
                body: body
            )
            body = []
            promise.succeed(response)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A parser error at EOF (e.g. a body shorter than its Content-Length) is a closed
        // connection for the caller; channelInactive fails what is waiting.
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let partial = head.map {
            TestHTTPResponse(status: Int($0.status.code), headers: $0.headers.map { ($0.name, $0.value) }, body: body)
        }
        head = nil
        while let promise = waiting.popFirst() {
            promise.fail(TestHTTPError.connectionClosed(partial: partial))
        }
        context.fireChannelInactive()
    }
}

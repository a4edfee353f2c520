import Foundation
import NIOCore
import NIOHTTP1

/// Serves the fake API on one connection: collects each request, authenticates it, picks a
/// fault, waits the latency on the event loop, then answers (or misbehaves as the fault says).
/// `HTTPServerPipelineHandler` in front of it delivers one request at a time.
final class FakeNgrokAIHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let maxBodySize = 1 << 20

    private let core: ServerCore
    private var router: APIRouter?
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var bodyTooLarge = false

    /// One request, between its arrival and its answer.
    private struct Pending {
        var head: HTTPRequestHead
        var request: IncomingRequest
        var authorizationFailure: String?
        var fault: Fault?
        var tooLarge: Bool
    }

    init(core: ServerCore) {
        self.core = core
    }

    func handlerAdded(context: ChannelHandlerContext) {
        router = APIRouter(account: core.account, baseURL: ServerCore.baseURL(for: context.channel.localAddress, tls: core.tls))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
            bodyTooLarge = false
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes > Self.maxBodySize {
                bodyTooLarge = true
            } else {
                body.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            received(context: context, head: head)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func received(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let target = RequestTarget(head.uri)
        let request = IncomingRequest(
            method: head.method.rawValue,
            target: target,
            body: Array(body.readableBytesView),
            idempotencyKey: head.headers.first(name: "Idempotency-Key")
        )
        let failure = core.authorizationFailure(head.headers)
        let (fault, delay) = core.faults.decide(
            method: request.method,
            rawPath: target.rawPath,
            path: target.decodedPath,
            injecting: failure == nil
        )
        let pending = Pending(
            head: head,
            request: request,
            authorizationFailure: failure,
            fault: fault,
            tooLarge: bodyTooLarge
        )
        if delay > .zero {
            context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
                self.answer(context: context, pending)
            }
        } else {
            answer(context: context, pending)
        }
    }

    private func answer(context: ChannelHandlerContext, _ pending: Pending) {
        guard context.channel.isActive else {
            // The client left during the latency: the request is not applied.
            record(pending, status: 0)
            return
        }
        let response: APIResponse
        if let problem = Self.headProblem(pending.head) {
            response = problem.response(operationID: core.nextOperationID())
        } else if let failure = pending.authorizationFailure {
            response = APIError(status: 401, msg: failure).response(operationID: core.nextOperationID())
        } else if pending.tooLarge {
            response = APIError(status: 413, msg: "request body is larger than \(Self.maxBodySize) bytes")
                .response(operationID: core.nextOperationID())
        } else {
            switch pending.fault {
            case .rateLimited(let retryAfter):
                response = APIError(
                    status: 429,
                    msg: "too many requests: rate limit exceeded, retry after \(retryAfter)",
                    headers: [("Retry-After", retryAfter)]
                ).response(operationID: core.nextOperationID())
            case .serviceUnavailable:
                response = APIError(status: 503, msg: "the service is temporarily unavailable, try again later")
                    .response(operationID: core.nextOperationID())
            case .status(let status):
                response = APIError(status: status, msg: "injected failure with status \(status)")
                    .response(operationID: core.nextOperationID())
            case .malformedBody:
                response = .json(200, Data(#"{"aiGatewayProviderKeys":[{"id":"aigpk_2TRUNC"#.utf8) + [0xFF, 0x7B])
            case .resetMidResponse:
                record(pending, status: 0)
                resetMidResponse(context: context, head: pending.head)
                return
            case .dropResponseAfterApplying:
                _ = route(pending.request)
                record(pending, status: 0)
                context.close(promise: nil)
                return
            case .respondLate(let milliseconds):
                let late = route(pending.request)
                record(pending, status: late.status)
                context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(milliseconds))) {
                    if context.channel.isActive { self.write(late, context: context, head: pending.head) }
                }
                return
            case .delay, nil:
                response = route(pending.request)
            }
        }
        record(pending, status: response.status)
        write(response, context: context, head: pending.head)
    }

    private func route(_ request: IncomingRequest) -> APIResponse {
        guard let router else {
            return APIError(status: 500, msg: "connection not ready").response(operationID: core.nextOperationID())
        }
        do {
            return try router.respond(to: request)
        } catch {
            return error.response(operationID: core.nextOperationID())
        }
    }

    private func record(_ pending: Pending, status: Int) {
        var headers: [(String, String)] = []
        headers.reserveCapacity(pending.head.headers.count)
        for (name, value) in pending.head.headers {
            headers.append((name, value))
        }
        core.requestLog.record(
            RecordedRequest(
                method: pending.request.method,
                uri: pending.head.uri,
                path: pending.request.target.decodedPath,
                headers: headers,
                body: pending.request.body,
                status: status,
                fault: pending.fault,
                receivedAt: Date()
            )
        )
    }

    /// The longest request target (path and query) the fake reads.
    static let maxTargetBytes = 8192
    /// The largest header block the fake reads.
    static let maxHeaderBytes = 16_384

    /// A request head over the fake's bounds: 414 for the target, 431 for the headers.
    static func headProblem(_ head: HTTPRequestHead) -> APIError? {
        let target = head.uri.utf8.count
        if target > maxTargetBytes {
            return APIError(status: 414, msg: "the request target is \(target) bytes long (at most \(maxTargetBytes))")
        }
        let headers = head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if headers > maxHeaderBytes {
            return APIError(status: 431, msg: "the request headers are \(headers) bytes long (at most \(maxHeaderBytes))")
        }
        return nil
    }

    private func write(_ response: APIResponse, context: ChannelHandlerContext, head: HTTPRequestHead) {
        // Over a bound, the connection is closed after the answer: what follows is not read.
        let keepAlive = head.isKeepAlive && ![413, 414, 431].contains(response.status)
        var headers = HTTPHeaders()
        if response.isJSON {
            headers.add(name: "Content-Type", value: "application/json")
        }
        for (name, value) in response.headers {
            headers.add(name: name, value: value)
        }
        if response.status != 204 && response.status != 304 {
            headers.add(name: "Content-Length", value: String(response.body.count))
        }
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if head.version.major == 1 && head.version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if !response.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }

    /// Sends a 200 head promising a full body, half of that body, then closes.
    private func resetMidResponse(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let full = Data(
            #"{"aiGatewayProviderKeys":[],"uri":"this response is cut short by an injected fault","nextPageUri":null}"#.utf8
        )
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(full.count))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: full.count / 2)
        buffer.writeBytes(full.prefix(full.count / 2))
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer)))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

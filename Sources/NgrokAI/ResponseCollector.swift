import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Collects one response (head and whole body, up to a limit) for AsyncHTTPClient's
/// `execute(request:delegate:…)`, and remembers whether the head had arrived when an attempt
/// fails.
///
/// The delegate API, not `execute(_:deadline:)` of `HTTPClientRequest`: the latter starts an
/// unstructured task and an actor hop on Swift's global pool for every request (its
/// cancellation handler), which on a bulk run was a thread wake-up and ~10% of the CPU per
/// request. With this one, the request is handed to the pool on the caller's event loop and
/// the response comes back on it.
final class ResponseCollector: HTTPClientResponseDelegate {
    typealias Response = (status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer)

    private struct State {
        var head: HTTPResponseHead?
        var body = ByteBuffer()
    }

    private let state = NIOLockedValueBox(State())
    private let maxBytes: Int

    /// - Parameter maxBytes: The largest body accepted; a longer one fails with `NIOTooManyBytesError`.
    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// The status of the response head, if one arrived (asked after a failure).
    var headStatus: HTTPResponseStatus? { state.withLockedValue { $0.head?.status } }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLockedValue { $0.head = head }
        if let length = head.headers.first(name: "Content-Length").flatMap({ Int($0) }), length > maxBytes {
            return task.eventLoop.makeFailedFuture(NIOTooManyBytesError(maxBytes: maxBytes))
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        let fits = state.withLockedValue { state in
            guard state.body.readableBytes + part.readableBytes <= maxBytes else { return false }
            var part = part
            state.body.writeBuffer(&part)
            return true
        }
        return fits
            ? task.eventLoop.makeSucceededVoidFuture()
            : task.eventLoop.makeFailedFuture(NIOTooManyBytesError(maxBytes: maxBytes))
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        try state.withLockedValue { state in
            guard let head = state.head else { throw HTTPClientError.remoteConnectionClosed }
            return (head.status, head.headers, state.body)
        }
    }
}

import NIOConcurrencyHelpers

/// Tells whether AsyncHTTPClient ever read a request body.
///
/// AsyncHTTPClient asks a streamed body for its bytes only once a connection is ready and the
/// request head is going out (`NgrokAIClient.attempt`). If the bytes were never asked for, the
/// body was never written, so the server cannot have acted on the request: a POST that failed
/// in that state is safe to repeat.
final class SentBodyProbe: Sendable {
    private let touched = NIOLockedValueBox(false)

    /// Whether the body was read.
    var wasRead: Bool { touched.withLockedValue { $0 } }

    func markRead() { touched.withLockedValue { $0 = true } }
}

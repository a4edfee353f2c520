/// A failure the fake can inject into a request.
///
/// Faults are decided only for requests that pass authentication. Unless noted, the request's
/// mutation is NOT applied.
public enum Fault: Sendable, Hashable {
    /// 429 with `Retry-After: <retryAfter>` (sent verbatim: seconds or an HTTP-date).
    case rateLimited(retryAfter: String)
    /// 503 with an ngrok-style error body.
    case serviceUnavailable
    /// Any status with an ngrok-style error body (e.g. 500, 502, 504, 408).
    case status(Int)
    /// Sends a 200 head with a Content-Length and part of the body, then closes the connection.
    case resetMidResponse
    /// A complete 200 response whose JSON body is truncated garbage.
    case malformedBody
    /// Applies the request normally, then closes the connection without any response.
    case dropResponseAfterApplying
    /// Handles the request normally, after an extra delay (in addition to the plan's latency).
    case delay(milliseconds: Int)
    /// Applies the request at once and sends its response only after a delay: the change
    /// is made even if the client gives up or dies waiting.
    case respondLate(milliseconds: Int)

    /// The fault's kind, for counting.
    public var kind: Kind {
        switch self {
        case .rateLimited: .rateLimited
        case .serviceUnavailable: .serviceUnavailable
        case .status: .status
        case .resetMidResponse: .resetMidResponse
        case .malformedBody: .malformedBody
        case .dropResponseAfterApplying: .dropResponseAfterApplying
        case .delay: .delay
        case .respondLate: .respondLate
        }
    }

    /// Fault kinds without their parameters.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case rateLimited, serviceUnavailable, status, resetMidResponse, malformedBody
        case dropResponseAfterApplying, delay, respondLate
    }

    /// `.rateLimited` with a Retry-After in whole seconds.
    public static func rateLimited(seconds: Int = 1) -> Fault {
        .rateLimited(retryAfter: String(seconds))
    }
}

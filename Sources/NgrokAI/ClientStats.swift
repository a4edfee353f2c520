/// Counters of an ``NgrokAIClient``, for tests and reports.
public struct ClientStats: Sendable, Hashable {
    /// HTTP requests attempted (first attempts and retries).
    public var requestsSent: Int = 0
    /// Attempts that were retries.
    public var retries: Int = 0
    /// Attempts by HTTP method (`GET`, `POST`, …).
    public var requestsByMethod: [String: Int] = [:]
    /// Retries by HTTP method.
    public var retriesByMethod: [String: Int] = [:]
    /// API calls that ended in an error after something was sent.
    public var failedCalls: Int = 0

    public init() {}
}

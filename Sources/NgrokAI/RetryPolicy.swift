import NIOConcurrencyHelpers

/// When and how long the client waits before trying a request again.
///
/// Backoff is exponential with full jitter: before retry `n` (0-based) the client waits a
/// random duration in `0...min(maxDelay, baseDelay * 2^n)`. A `Retry-After` header, when
/// present on a retryable response, replaces the computed delay. No retry starts after
/// ``totalDeadline`` (measured from the call's start) would be passed.
public struct RetryPolicy: Sendable {
    /// Retries after the first attempt (so at most `maxRetries + 1` requests per call).
    public var maxRetries: Int
    /// The backoff before the first retry, doubled for each further one.
    public var baseDelay: Duration
    /// The longest computed backoff.
    public var maxDelay: Duration
    /// The time budget of a whole call, all attempts and waits included.
    public var totalDeadline: Duration
    /// The random source for jitter.
    public var jitter: Jitter

    public init(
        maxRetries: Int = 4,
        baseDelay: Duration = .milliseconds(250),
        maxDelay: Duration = .seconds(8),
        totalDeadline: Duration = .seconds(120),
        jitter: Jitter = .full
    ) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.totalDeadline = totalDeadline
        self.jitter = jitter
    }

    /// No retries at all.
    public static var none: RetryPolicy { RetryPolicy(maxRetries: 0) }

    /// The backoff before retry number `retry` (0-based), jitter applied.
    public func backoff(beforeRetry retry: Int) -> Duration {
        let cap = Self.exponential(base: baseDelay, retry: retry, max: maxDelay)
        let chosen = jitter.sample(cap)
        return min(max(chosen, .zero), cap)
    }

    /// `min(max, base * 2^retry)` without overflow.
    static func exponential(base: Duration, retry: Int, max: Duration) -> Duration {
        guard base > .zero else { return .zero }
        var delay = base
        var step = 0
        while step < retry && delay < max {
            delay = delay * 2
            step += 1
        }
        return min(delay, max)
    }
}

extension RetryPolicy {
    /// Picks a delay in `0...upperBound`. Inject your own for deterministic tests.
    public struct Jitter: Sendable {
        let sample: @Sendable (Duration) -> Duration

        /// `sample(upperBound)` must return a value in `0...upperBound`; values outside are clamped.
        public init(_ sample: @escaping @Sendable (_ upperBound: Duration) -> Duration) {
            self.sample = sample
        }

        /// Uniformly random in `0...upperBound` (the system random generator).
        public static let full = Jitter { upper in
            upper * Double.random(in: 0...1)
        }

        /// Always the full backoff: no randomness.
        public static let none = Jitter { upper in upper }

        /// Uniformly random from a seeded generator (SplitMix64): the same seed gives the same delays.
        public static func seeded(_ seed: UInt64) -> Jitter {
            let state = NIOLockedValueBox(SeededRandom(seed: seed))
            return Jitter { upper in
                let unit = state.withLockedValue { $0.unit() }
                return upper * unit
            }
        }
    }
}

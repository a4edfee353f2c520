import NIOConcurrencyHelpers
import NIOCore

/// Which faults the fake injects; change it at any time from any thread.
///
/// Scripted faults (`enqueue`) are used first, in order, by the next matching requests.
/// Otherwise one seeded random draw per request picks at most one probabilistic fault, in the
/// order 429, 503, reset, malformed, drop (their fractions should add up to at most 1).
public final class FaultPlan: Sendable {
    struct Scripted {
        var fault: Fault
        var remaining: Int
        var method: String?
        var pathPrefix: String?

        func matches(method: String, rawPath: Substring, path: String) -> Bool {
            if let expected = self.method, expected.uppercased() != method {
                return false
            }
            if let prefix = pathPrefix, !rawPath.hasPrefix(prefix), !path.hasPrefix(prefix) {
                return false
            }
            return true
        }
    }

    struct State {
        var latency: Duration = .zero
        var rateLimitedFraction = 0.0
        var retryAfterSeconds = 1
        var serviceUnavailableFraction = 0.0
        var resetMidResponseFraction = 0.0
        var malformedBodyFraction = 0.0
        var dropResponseAfterApplyingFraction = 0.0
        var scripted: [Scripted] = []
        var injected: [Fault.Kind: Int] = [:]
        var random: SeededRandom

        var anyProbabilistic: Bool {
            rateLimitedFraction > 0 || serviceUnavailableFraction > 0 || resetMidResponseFraction > 0
                || malformedBodyFraction > 0 || dropResponseAfterApplyingFraction > 0
        }
    }

    private let state: NIOLockedValueBox<State>

    /// A plan with no faults; `seed` drives the probabilistic draws.
    public init(seed: UInt64 = 1) {
        state = NIOLockedValueBox(State(random: SeededRandom(seed: seed ^ 0x6661_756C_7473)))
    }

    /// Delay added before every response (scheduled on the event loop; never blocks a thread).
    public var latency: Duration {
        get { state.withLockedValue { $0.latency } }
        set { state.withLockedValue { $0.latency = newValue } }
    }

    /// `latency` in whole milliseconds.
    public var latencyMilliseconds: Int {
        get { Int(latency.components.seconds * 1000 + latency.components.attoseconds / 1_000_000_000_000_000) }
        set { latency = .milliseconds(newValue) }
    }

    /// Fraction (0…1) of requests answered 429 with `Retry-After: retryAfterSeconds`.
    public var rateLimitedFraction: Double {
        get { state.withLockedValue { $0.rateLimitedFraction } }
        set { state.withLockedValue { $0.rateLimitedFraction = newValue } }
    }

    /// The Retry-After seconds of probabilistic 429s (default 1).
    public var retryAfterSeconds: Int {
        get { state.withLockedValue { $0.retryAfterSeconds } }
        set { state.withLockedValue { $0.retryAfterSeconds = newValue } }
    }

    /// Fraction (0…1) of requests answered 503.
    public var serviceUnavailableFraction: Double {
        get { state.withLockedValue { $0.serviceUnavailableFraction } }
        set { state.withLockedValue { $0.serviceUnavailableFraction = newValue } }
    }

    /// Fraction (0…1) of requests whose connection is closed mid-response.
    public var resetMidResponseFraction: Double {
        get { state.withLockedValue { $0.resetMidResponseFraction } }
        set { state.withLockedValue { $0.resetMidResponseFraction = newValue } }
    }

    /// Fraction (0…1) of requests answered 200 with a malformed JSON body.
    public var malformedBodyFraction: Double {
        get { state.withLockedValue { $0.malformedBodyFraction } }
        set { state.withLockedValue { $0.malformedBodyFraction = newValue } }
    }

    /// Fraction (0…1) of requests applied and then dropped without a response.
    public var dropResponseAfterApplyingFraction: Double {
        get { state.withLockedValue { $0.dropResponseAfterApplyingFraction } }
        set { state.withLockedValue { $0.dropResponseAfterApplyingFraction = newValue } }
    }

    /// Makes the next `count` requests matching `method` (any when nil) and `pathPrefix` (raw or
    /// decoded path; any when nil) get exactly `fault`, ahead of the probabilistic faults.
    public func enqueue(_ fault: Fault, count: Int = 1, method: String? = nil, pathPrefix: String? = nil) {
        guard count > 0 else { return }
        state.withLockedValue {
            $0.scripted.append(
                Scripted(fault: fault, remaining: count, method: method?.uppercased(), pathPrefix: pathPrefix)
            )
        }
    }

    /// Scripted faults not yet used.
    public var pendingScriptedCount: Int {
        state.withLockedValue { $0.scripted.reduce(0) { $0 + $1.remaining } }
    }

    /// How many faults of this kind were injected so far.
    public func injectedCount(of kind: Fault.Kind) -> Int {
        state.withLockedValue { $0.injected[kind] ?? 0 }
    }

    /// How many faults were injected so far, of any kind.
    public var totalInjectedCount: Int {
        state.withLockedValue { $0.injected.values.reduce(0, +) }
    }

    /// Removes every fault, scripted and probabilistic, and the latency. The injected counts
    /// are kept unless `clearCounts` is true.
    public func reset(clearCounts: Bool = false) {
        state.withLockedValue { state in
            let random = state.random
            let injected = state.injected
            state = State(random: random)
            if !clearCounts {
                state.injected = injected
            }
        }
    }

    /// Picks the fault (if any, and only when `injecting`) for one request and the total delay
    /// before it is handled; counts the fault.
    func decide(method: String, rawPath: Substring, path: String, injecting: Bool) -> (fault: Fault?, delay: TimeAmount) {
        state.withLockedValue { state in
            var fault: Fault?
            if !injecting {
                // Unauthenticated requests only get the latency.
            } else if let index = state.scripted.firstIndex(where: { $0.matches(method: method, rawPath: rawPath, path: path) }) {
                fault = state.scripted[index].fault
                state.scripted[index].remaining -= 1
                if state.scripted[index].remaining == 0 {
                    state.scripted.remove(at: index)
                }
            } else if state.anyProbabilistic {
                var draw = state.random.unit()
                let candidates: [(Double, Fault)] = [
                    (state.rateLimitedFraction, .rateLimited(seconds: state.retryAfterSeconds)),
                    (state.serviceUnavailableFraction, .serviceUnavailable),
                    (state.resetMidResponseFraction, .resetMidResponse),
                    (state.malformedBodyFraction, .malformedBody),
                    (state.dropResponseAfterApplyingFraction, .dropResponseAfterApplying),
                ]
                for (fraction, candidate) in candidates {
                    if draw < fraction {
                        fault = candidate
                        break
                    }
                    draw -= fraction
                }
            }
            if let fault {
                state.injected[fault.kind, default: 0] += 1
            }
            var delay = state.latency == .zero ? TimeAmount.zero : TimeAmount(state.latency)
            if case .delay(let milliseconds) = fault {
                delay = delay + .milliseconds(Int64(milliseconds))
            }
            return (fault, delay)
        }
    }
}

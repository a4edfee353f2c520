import Foundation
import Testing

@testable import NgrokAI

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test func exponentialCap() {
        let base = Duration.milliseconds(100)
        let max = Duration.seconds(1)
        #expect(RetryPolicy.exponential(base: base, retry: 0, max: max) == .milliseconds(100))
        #expect(RetryPolicy.exponential(base: base, retry: 1, max: max) == .milliseconds(200))
        #expect(RetryPolicy.exponential(base: base, retry: 3, max: max) == .milliseconds(800))
        #expect(RetryPolicy.exponential(base: base, retry: 4, max: max) == .seconds(1))
        #expect(RetryPolicy.exponential(base: base, retry: 10_000, max: max) == .seconds(1))
    }

    @Test func fullJitterStaysInRange() {
        let policy = RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))
        for retry in 0..<8 {
            let cap = RetryPolicy.exponential(base: .milliseconds(10), retry: retry, max: .milliseconds(50))
            for _ in 0..<50 {
                let delay = policy.backoff(beforeRetry: retry)
                #expect(delay >= .zero && delay <= cap)
            }
        }
    }

    @Test func seededJitterIsReproducible() {
        let a = RetryPolicy(jitter: .seeded(42))
        let b = RetryPolicy(jitter: .seeded(42))
        let c = RetryPolicy(jitter: .seeded(43))
        let first = (0..<6).map { a.backoff(beforeRetry: $0) }
        #expect(first == (0..<6).map { b.backoff(beforeRetry: $0) })
        #expect(first != (0..<6).map { c.backoff(beforeRetry: $0) })
    }

    @Test func injectedJitterIsClamped() {
        let policy = RetryPolicy(baseDelay: .milliseconds(10), jitter: .init { _ in .seconds(100) })
        #expect(policy.backoff(beforeRetry: 0) == .milliseconds(10))
        let none = RetryPolicy(baseDelay: .milliseconds(10), jitter: .none)
        #expect(none.backoff(beforeRetry: 2) == .milliseconds(40))
    }

    @Test func retryAfterSeconds() {
        #expect(RetryAfter.delay("0") == .zero)
        #expect(RetryAfter.delay(" 3 ") == .seconds(3))
        #expect(RetryAfter.delay("1.5") == .milliseconds(1500))
        #expect(RetryAfter.delay("") == nil)
        #expect(RetryAfter.delay("soon") == nil)
        #expect(RetryAfter.delay("-1") == nil)
        #expect(RetryAfter.delay("99999999999999999999")! >= .seconds(1_000_000))
    }

    @Test func retryAfterDates() {
        let now = Date(timeIntervalSince1970: 784_111_767)  // Sun, 06 Nov 1994 08:49:27 GMT
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.delay("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.delay("Sun Nov  6 08:49:37 1994", now: now) == .seconds(10))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:00 GMT", now: now) == .zero)
        #expect(RetryAfter.delay("Sunday, 06-Nov-25 08:49:37 GMT", now: now)! > .seconds(900_000_000))  // 2025
    }

    /// What is not an HTTP-date is not a wait, and never a trap (Foundation's DateFormatter
    /// trapped on the first of these, found by `scripts/fuzz.sh responses`).
    @Test(arguments: [
        "W\u{7F0}\u{94} 2015 07:28ed\u{514}\u{7CE}\u{7F0}\u{94} 2015 07:28:000GMT",
        "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 94",
        "Sun, 06 Nov 1994 08:49:37 GMT extra", "Sun, +6 Nov 1994 08:49:37 GMT", "Sun,\t06 Nov 1994 08:49:37 GMT",
        String(repeating: "Sun, ", count: 40),
    ])
    func retryAfterRejectsWhatIsNotAnHTTPDate(_ value: String) {
        #expect(RetryAfter.delay(value) == nil)
    }
}

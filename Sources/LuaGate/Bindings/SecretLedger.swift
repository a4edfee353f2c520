import NIOConcurrencyHelpers

/// Every secret this run has sent (a key's `value`) or received once (a `token`), so that
/// outputs that might echo them (the REPL's history) can keep them out. Thread-safe: tokens
/// are noted on the thread that receives the response.
public final class SecretLedger: Sendable {
    private let values = NIOLockedValueBox<Set<String>>([])

    public init() {}

    func note(_ found: [String]) {
        values.withLockedValue { $0.formUnion(found.filter { $0.count >= 4 }) }
    }

    /// The secrets seen so far.
    public var all: Set<String> { values.withLockedValue { $0 } }

    /// Whether `text` holds any secret seen so far.
    public func appears(in text: String) -> Bool {
        values.withLockedValue { set in set.contains { text.contains($0) } }
    }
}

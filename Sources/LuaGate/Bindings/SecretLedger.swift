import NIOConcurrencyHelpers

/// Every secret this run has sent (a key's `value`) or received once (a `token`), so that
/// outputs that might echo them (the REPL's history) can keep them out. Thread-safe: tokens
/// are noted on the thread that receives the response.
///
/// A run that will never reach the REPL's history turns it off (``stopRecording()``): a batch
/// job creating keys for hours would otherwise hold every secret it ever sent.
public final class SecretLedger: Sendable {
    /// `nil` once recording has stopped.
    private let values = NIOLockedValueBox<Set<String>?>([])

    public init() {}

    /// Notes secrets (shorter than 4 characters are ignored: they would match everywhere).
    public func note(_ found: [String]) {
        values.withLockedValue { $0?.formUnion(found.filter { $0.count >= 4 }) }
    }

    /// Forgets what was noted and notes nothing more.
    public func stopRecording() {
        values.withLockedValue { $0 = nil }
    }

    /// The secrets seen so far.
    public var all: Set<String> { values.withLockedValue { $0 ?? [] } }

    /// Whether `text` holds any secret seen so far.
    public func appears(in text: String) -> Bool {
        values.withLockedValue { set in set?.contains { text.contains($0) } ?? false }
    }
}

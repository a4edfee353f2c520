import NIOConcurrencyHelpers
import NIOCore

/// Every request the fake received (the most recent `capacity` of them), in completion order.
/// Thread-safe. An entry is recorded before its response is written, so a client that has its
/// response always finds the request here.
public final class RequestLog: Sendable {
    private struct State {
        var entries = CircularBuffer<RecordedRequest>()
        var total = 0
    }

    private let state = NIOLockedValueBox(State())
    /// The most entries kept; older ones are discarded.
    public let capacity: Int

    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    /// The recorded requests, oldest first.
    public func entries() -> [RecordedRequest] {
        state.withLockedValue { Array($0.entries) }
    }

    /// The number of recorded requests with this method (case-insensitive).
    public func count(method: String) -> Int {
        let method = method.uppercased()
        return state.withLockedValue { $0.entries.reduce(0) { $0 + ($1.method == method ? 1 : 0) } }
    }

    /// The number of entries kept.
    public var count: Int {
        state.withLockedValue { $0.entries.count }
    }

    /// The number of requests recorded since the last `clear()`, including discarded ones.
    public var totalCount: Int {
        state.withLockedValue { $0.total }
    }

    /// The most recent entry.
    public var last: RecordedRequest? {
        state.withLockedValue { $0.entries.last }
    }

    /// Forgets every entry.
    public func clear() {
        state.withLockedValue { $0 = State() }
    }

    func record(_ request: RecordedRequest) {
        state.withLockedValue { state in
            if state.entries.count >= capacity {
                state.entries.removeFirst()
            }
            state.entries.append(request)
            state.total += 1
        }
    }
}

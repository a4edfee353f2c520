import Dispatch
import NIOConcurrencyHelpers

/// Completions of async operations, posted from any thread and taken by the
/// Lua thread, which blocks while there is nothing to take.
final class CompletionQueue: Sendable {
    struct Completion: Sendable {
        var operation: Int
        var result: Result<any Sendable, any Error>
    }

    private let items = NIOLockedValueBox<[Completion]>([])
    private let available = DispatchSemaphore(value: 0)

    func post(_ completion: Completion) {
        items.withLockedValue { $0.append(completion) }
        available.signal()
    }

    /// The oldest completion, waiting up to `timeout` for one.
    func take(timeout: DispatchTimeInterval) -> Completion? {
        guard available.wait(timeout: .now() + timeout) == .success else { return nil }
        return items.withLockedValue { $0.removeFirst() }
    }
}

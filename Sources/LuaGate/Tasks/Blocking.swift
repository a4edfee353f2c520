import Dispatch

/// Runs async work to completion from a synchronous thread (the Lua thread),
/// which blocks until it finishes. The work runs on Swift's concurrency pool, never
/// on the Lua thread, and never touches the Lua state.
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    Task {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        box.finish(result)
    }
    return try box.wait().get()
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    // `result` is written once before `done.signal()` and read after `done.wait()`.
    private var result: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)

    func finish(_ result: Result<T, any Error>) {
        self.result = result
        done.signal()
    }

    func wait() -> Result<T, any Error> {
        done.wait()
        return result!
    }
}

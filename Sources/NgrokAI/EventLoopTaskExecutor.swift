import AsyncHTTPClient
import NIOCore

/// A Swift task executor that runs jobs on the HTTP client's event loops.
///
/// A request started from a task that prefers this executor (`Task(executorPreference:)`) runs
/// on the event loop that will carry its connection, and resumes there when the response is
/// in: no hop to Swift's global pool and back for every request. A job enqueued from one of
/// the loops stays on that loop (`any()` is sticky); one enqueued from elsewhere picks a loop.
/// The loops are made only when the first job arrives, so a run that never calls the API
/// starts no thread.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The executor of the shared event loops (`HTTPClient.defaultEventLoopGroup`).
    public static let shared = EventLoopTaskExecutor()

    private init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        HTTPClient.defaultEventLoopGroup.any().execute { job.runSynchronously(on: executor) }
    }
}

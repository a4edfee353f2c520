import NIOCore
import NIOPosix

/// A Swift task executor that runs jobs on the HTTP client's event loop.
///
/// A request started from a task that prefers this executor (`Task(executorPreference:)`) runs
/// on the event loop that carries its connection, and resumes there when the response is in:
/// no hop to Swift's global pool and back for every request. The loop is made only when the
/// first job or client needs it, so a run that never calls the API starts no thread.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The executor of ``eventLoops``.
    public static let shared = EventLoopTaskExecutor()

    /// The event loop that carries every client's connections, started at first use. One
    /// loop: a client is driven by one thread (the Lua thread), and a second loop only adds
    /// cross-core wake-ups (measured: 10-15% more CPU per request on 2 cores).
    public static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    private init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        Self.eventLoops.any().execute { job.runSynchronously(on: executor) }
    }
}

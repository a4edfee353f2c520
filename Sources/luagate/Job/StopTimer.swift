import CLuaShim

/// `--timeout`: after the duration, the Lua state is asked to stop (as SIGTERM
/// would, with exit status 124). A POSIX timer delivers the request as a
/// signal to the thread that made it, the Lua thread, whose handler sets the
/// hook on the coroutine running there: no other thread touches the state.
struct StopTimer {
    /// Starts the timer; call on the Lua thread. Durations past a century are a century.
    init?(after duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let century: Int64 = 100 * 366 * 86_400
        let nanoseconds = min(max(seconds, 0), century) * 1_000_000_000 + max(attoseconds, 0) / 1_000_000_000
        guard lg_start_timeout(nanoseconds) == 0 else { return nil }
    }

    func cancel() { lg_cancel_timeout() }
}

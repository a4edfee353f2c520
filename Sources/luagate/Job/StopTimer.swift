import CLuaShim
import Dispatch

/// `--timeout`: after the duration, asks the Lua state to stop (as SIGTERM
/// would, with exit status 124). Only sets a flag and a hook from its thread.
final class StopTimer: @unchecked Sendable {
    private let item: DispatchWorkItem

    init(after duration: Duration, state: OpaquePointer) {
        // The pointer is only used to set a hook, which Lua allows from any thread.
        nonisolated(unsafe) let L = state
        item = DispatchWorkItem { lg_request_stop(L, LG_STOP_TIMEOUT) }
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds), execute: item)
    }

    func cancel() { item.cancel() }
}

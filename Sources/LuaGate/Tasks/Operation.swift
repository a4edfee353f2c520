import LuaKit

/// Work a Lua call waits for: async work off the Lua thread, and how to hand
/// its result back to Lua on the Lua thread.
struct Operation {
    /// Counts against the process-wide cap on requests in flight.
    var isRequest: Bool
    var work: @Sendable () async -> Result<any Sendable, any Error>
    /// Pushes the successful result; returns how many values it pushed.
    var push: (LuaStack, any Sendable) -> Int32
    /// The Lua error for a failure.
    var failure: (any Error) -> any Error

    /// An operation whose work returns `T`, pushed by `push`.
    static func make<T: Sendable>(
        isRequest: Bool = true,
        _ work: @escaping @Sendable () async throws -> T,
        push: @escaping (LuaStack, T) -> Int32,
        failure: @escaping (any Error) -> any Error
    ) -> Operation {
        Operation(
            isRequest: isRequest,
            work: {
                do { return .success(try await work()) } catch { return .failure(error) }
            },
            push: { stack, value in push(stack, value as! T) },
            failure: failure)
    }
}

import CLua

/// What a Swift function called from Lua returns to the trampoline.
public enum LuaReturn: Sendable {
    /// That many results were pushed on top of the stack.
    case results(Int32)
    /// Yield the coroutine with that many values from the top of the stack.
    /// Resume it with `(true, results...)` to return them, or `(false, err)` to raise `err`.
    case yield(Int32)

    public static let none = LuaReturn.results(0)
    public static let one = LuaReturn.results(1)
}

/// A Swift function callable from Lua. It never raises: it throws, and the
/// C trampoline raises after this frame has returned.
/// - `LuaArgumentError` becomes a lauxlib-style `bad argument #n to 'f' (…)` error;
/// - a `LuaErrorValue` raises the value it pushes (e.g. an error table);
/// - any other error raises its description as a string.
public typealias LuaFunction = (LuaCall) throws -> LuaReturn

/// The arguments and stack of one call from Lua into Swift.
public struct LuaCall {
    /// The stack of the calling thread (a coroutine's, when called from one).
    public let stack: LuaStack
    /// Name used in argument errors when Lua cannot tell how the function was called.
    public let name: String

    /// Number of arguments passed.
    public var argumentCount: Int32 { stack.top }
    public var L: OpaquePointer { stack.L }
}

/// An error that pushes its own Lua value (a table, typically) to be raised.
public protocol LuaErrorValue: Error {
    func push(onto stack: LuaStack)
}

/// A lauxlib-style argument error: `bad argument #<argument> to '<name>' (<message>)`.
/// When `object` is given, that value (a table) is raised with its `message`
/// and `where` fields set to the formatted text and position.
public struct LuaArgumentError: Error {
    public var argument: Int32
    public var message: String
    public var object: (any LuaErrorValue)?

    public init(argument: Int32, _ message: String, object: (any LuaErrorValue)? = nil) {
        self.argument = argument
        self.message = message
        self.object = object
    }
}

/// A plain error raised as a Lua string.
public struct LuaRuntimeError: Error, CustomStringConvertible {
    public var description: String
    public init(_ message: String) { description = message }
}

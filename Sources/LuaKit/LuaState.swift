import CLua
import CLuaShim

/// Owns a Lua state and the Swift functions registered in it.
///
/// Only one thread may use a `LuaState` and its coroutines: it is not Sendable.
public final class LuaState {
    /// The main thread's `lua_State*`.
    public let L: OpaquePointer
    /// The main thread's stack.
    public var stack: LuaStack { LuaStack(L) }

    private var functions: [(name: String, body: LuaFunction)] = []

    /// Creates a state (allocator, panic handler and warnings as `luaL_newstate`);
    /// with `openLibraries`, the standard libraries are opened.
    public init(openLibraries: Bool = true) {
        _ = LuaState.dispatchInstalled
        guard let L = lg_newstate(nil) else { fatalError("luagate: cannot create a Lua state (out of memory)") }
        self.L = L
        lg_set_owner(L, Unmanaged.passUnretained(self).toOpaque())
        if openLibraries { luaL_openlibs(L) }
    }

    /// Whether ``close()`` ran; the state must not be used after it.
    public private(set) var isClosed = false

    /// Closes the state as `lua_close` does (lua.c does it at exit): pending finalizers
    /// (`__gc`) run and to-be-closed variables close, then everything is freed. Nothing may
    /// use the state afterwards; the deinitializer then does nothing more.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        lg_close(L)
    }

    deinit { close() }

    /// Pushes `body` as a Lua function. `name` is used in argument errors when
    /// Lua cannot tell how the function was called.
    public func pushFunction(_ name: String, _ body: @escaping LuaFunction) {
        functions.append((name, body))
        lg_push_swift_function(L, lua_Integer(functions.count - 1))
    }

    /// Sets the global `name` to `body`.
    public func setGlobal(_ name: String, function body: @escaping LuaFunction) {
        pushFunction(name, body)
        try? setGlobal(name)
    }

    /// Sets the global `name` to the value on top of the stack, popping it,
    /// in protected mode (a `__newindex` on `_G` may raise).
    public func setGlobal(_ name: String) throws(LuaError) {
        try check(lg_setglobal(L, name))
    }

    /// Builds a table of functions (a library, as `luaL_newlib`) and leaves it on the stack.
    public func pushLibrary(_ functions: KeyValuePairs<String, LuaFunction>) {
        stack.newTable(hashCount: Int32(functions.count))
        for (name, body) in functions {
            pushFunction(name, body)
            stack.rawSet(table: -2, key: name)
        }
    }

    /// Builds a table of functions from a list made at run time (a library whose names come
    /// from data) and leaves it on the stack.
    public func pushLibrary(_ functions: [(String, LuaFunction)]) {
        stack.newTable(hashCount: Int32(functions.count))
        for (name, body) in functions {
            pushFunction(name, body)
            stack.rawSet(table: -2, key: name)
        }
    }

    /// Registers the table on top of the stack as the already-loaded module
    /// `name` (so `require(name)` returns it), leaving it on the stack.
    public func registerModule(_ name: String) {
        lua_getfield(L, LG_REGISTRYINDEX, "_LOADED")
        lua_pushvalue(L, -2)
        lua_setfield(L, -2, name)
        stack.pop()
    }

    // MARK: - Dispatch from the C trampoline

    private static let dispatchInstalled: Void = {
        lg_set_dispatch { L, index in
            guard let L, let owner = lg_owner(L) else { return LG_RAISE }
            let state = Unmanaged<LuaState>.fromOpaque(owner).takeUnretainedValue()
            return state.invoke(Int(index), LuaStack(L))
        }
    }()

    private func invoke(_ index: Int, _ stack: LuaStack) -> Int32 {
        let entry = functions[index]
        do {
            switch try entry.body(LuaCall(stack: stack, name: entry.name)) {
            case .results(let n): return n
            case .yield(let n):
                lg_set_yield_count(stack.L, n)
                return LG_YIELD
            }
        } catch let error as LuaArgumentError {
            stack.ensure(4)
            if let object = error.object { object.push(onto: stack) } else { stack.pushNil() }
            stack.push(Int64(error.argument))
            stack.push(error.message)
            stack.push(entry.name)
            return LG_ARGERR
        } catch let error as any LuaErrorValue {
            stack.ensure(1)
            error.push(onto: stack)
            return LG_RAISE
        } catch {
            stack.ensure(1)
            stack.push(String(describing: error))
            return LG_RAISE
        }
    }
}

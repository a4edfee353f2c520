import CLua
import CLuaShim
import LuaKit
import NgrokAI

/// The luagate runtime: a Lua state with the standard libraries and the
/// luagate globals (`providerKeys`, `json`), and the API client behind them.
///
/// The HTTP client is created at the first API call, so scripts that make
/// none start as fast as `lua5.4` and need no token.
public final class Runtime {
    /// The Lua state; use it from one thread only.
    public let lua: LuaState
    /// How to reach the API; read at the first API call.
    public var api: NgrokAIConfiguration

    private var client: NgrokAIClient?

    /// Creates the state. With `ignoreEnvironment` (`-E`), `LUA_PATH` and
    /// `LUA_CPATH` are ignored, as `lua5.4 -E` does.
    public init(api: NgrokAIConfiguration, ignoreEnvironment: Bool = false) {
        self.api = api
        lua = LuaState(openLibraries: false)
        if ignoreEnvironment {
            lua.stack.push(true)
            lua_setfield(lua.L, LG_REGISTRYINDEX, "LUA_NOENV")
        }
        luaL_openlibs(lua.L)
        installLibraries()
    }

    /// The API client, created on first use.
    func apiClient() -> NgrokAIClient {
        if let client { return client }
        let made = NgrokAIClient(configuration: api)
        client = made
        return made
    }

    /// Shuts the HTTP client down if one was created.
    public func shutdown() {
        try? client?.syncShutdown()
        client = nil
    }

    /// Runs an API call from a Swift function called by Lua, blocking the Lua
    /// thread until it completes. API failures become Lua error objects;
    /// validation failures become argument errors naming the field
    /// (`argument` maps a field name to the argument that holds it).
    func perform<T: Sendable>(
        argument: @escaping (String?) -> Int32,
        _ body: @escaping @Sendable (NgrokAIClient) async throws -> T
    ) throws -> T {
        let client = apiClient()
        do {
            return try runBlocking { try await body(client) }
        } catch let error as NgrokAIError {
            throw ErrorObject.raising(error, argument: argument)
        }
    }
}

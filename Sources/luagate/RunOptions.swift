/// What a run was asked to do: the command line's values, whether they came
/// from ``LuagateCommand`` or, for the plain `luagate script.lua [args]`, were
/// taken without starting the argument parser at all (see ``plainScript(_:)``).
struct RunOptions {
    var execute: [String] = []
    var library: [String] = []
    var interactive = false
    var luaVersion = false
    var ignoreEnvironment = false
    var warnings = false
    var baseURL: String?
    var apiKeyFile: String?
    /// `--proxy URL`: wins over `HTTPS_PROXY`; empty for none.
    var proxy: String?
    var noProxy: String?
    var caFile: String?
    var concurrency = 8
    var maxInFlight = 64
    var retries = 4
    var requestTimeout: Double = 30
    var verbose = false
    var dryRun = false
    var maxChanges: Int?
    var lock: String?
    var lockWait: String?
    var journal: String?
    var resume = false
    /// `--caught-failures-ok`: failed changes the script caught do not make the exit status 5.
    var caughtFailuresOK = false
    var logFormat: LogFormat = .text
    var logLevel: String?
    var report: String?
    var timeout: String?
    var sandbox = false
    var sandboxData: String?
    var sandboxSave: String?
    var snapshot: String?
    var showVersion = false
    /// `--types DIR`: write the editor definitions and the luacheck std there, then exit.
    var types: String?
    /// The script (`-` for standard input) and its arguments.
    var scriptAndArguments: [String] = []
    /// `--plan`, `--apply` or `--export`: a declarative account instead of a script.
    var account: AccountCommand?

    enum LogFormat: String, CaseIterable {
        case text, json
    }

    var usesSandbox: Bool { sandbox || sandboxData != nil || sandboxSave != nil }

    /// The options of `luagate script [args...]` with no option before the
    /// script: the defaults, with everything after argv[0] belonging to the
    /// script (as lua.c takes it). Nil for any other command line, which goes
    /// to the argument parser. (The caller checks that no `LUAGATE_*`
    /// variable adds options.)
    ///
    /// Start-up is most of what a short script costs, and the parser's first
    /// use (reflection over every option) is about a third of it.
    ///
    /// lua.c's own options (`-v`, `-i`, `-E`, `-W`, `-e stat`, `-l mod`, attached or not) before
    /// the script take the same short cut, so `luagate -v` and `luagate -e "…"` start as fast;
    /// anything else (`--`, `-`, a long option) goes to the parser. Both read lua.c's options
    /// with ``LuaCommandLine/read(_:)``; a command line it refuses has been refused already.
    static func plainScript(_ argv: [String]) -> RunOptions? {
        guard argv.count > 1, case .options(let lua) = LuaCommandLine.read(Array(argv.dropFirst())), !lua.needsParser
        else { return nil }
        var options = RunOptions()
        options.luaVersion = lua.version
        options.interactive = lua.interactive
        options.ignoreEnvironment = lua.ignoreEnvironment
        options.warnings = lua.warnings
        options.execute = lua.execute
        options.library = lua.library
        options.scriptAndArguments = Array(argv[(1 + lua.end)...])
        return options
    }
}

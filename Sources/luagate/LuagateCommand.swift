import ArgumentParser

/// The command line: `lua5.4`'s options (`-e`, `-l`, `-i`, `-v`, `-E`, `-W`,
/// `--`, `-`) beside luagate's long options. Parsing stops at the script
/// name: everything after it belongs to the script (`arg[1]`, …).
struct LuagateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luagate",
        abstract: "Lua 5.4 with the ngrok AI Gateway API: a drop-in for the lua5.4 command line.",
        discussion: """
            Runs Lua scripts as lua5.4 does, with the global `providerKeys` bound to the
            AI Gateway management API (https://api.ngrok.ai).

            Credentials: the API token comes from AI_GATEWAY_API_KEY or --api-key-file; the
            base URL from AI_GATEWAY_API_URL or --base-url. They are read at the first API
            call: scripts that make none need no token.

            Sandbox: --sandbox runs everything against a fake of the API started in-process
            on 127.0.0.1, seeded with a sample account (or --sandbox-data FILE, e.g. made by
            --snapshot FILE from a real account), so scripts can be rehearsed safely.

            Exit status: 0 success; 1 a Lua error (reported as `luagate: message` with a
            traceback); 2 bad usage.

            Examples:
              luagate --sandbox scripts/examples/list-by-provider.lua
              luagate --snapshot my-account.json
              luagate --sandbox-data my-account.json --sandbox-save after.json job.lua
              luagate -e 'print(providerKeys.get("aigpk_123").name)'
            """
    )

    @Option(name: .customShort("e", allowingJoined: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Execute string 'stat'.", valueName: "stat"))
    var execute: [String] = []

    @Option(name: .customShort("l", allowingJoined: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Require library 'mod' into global 'mod' (or 'g=mod' into global 'g').", valueName: "mod"))
    var library: [String] = []

    @Flag(name: .customShort("i"), help: "Enter interactive mode after executing 'script'.")
    var interactive = false

    @Flag(name: .customShort("v"), help: "Show Lua version information.")
    var luaVersion = false

    @Flag(name: .customShort("E"), help: "Ignore environment variables (LUA_INIT, LUA_PATH, LUA_CPATH).")
    var ignoreEnvironment = false

    @Flag(name: .customShort("W"), help: "Turn warnings on.")
    var warnings = false

    @Option(name: .customLong("base-url"), help: ArgumentHelp(
        "API base URL (default: $AI_GATEWAY_API_URL or https://api.ngrok.ai). Plain http:// only for loopback.",
        valueName: "url"))
    var baseURL: String?

    @Option(name: .customLong("api-key-file"), help: ArgumentHelp(
        "Read the API token from this file (default: $AI_GATEWAY_API_KEY).", valueName: "path"))
    var apiKeyFile: String?

    @Option(name: .customLong("concurrency"), help: ArgumentHelp(
        "Default number of items task.map works on at once.", valueName: "n"))
    var concurrency: Int = 8

    @Option(name: .customLong("max-in-flight"), help: ArgumentHelp(
        "Most API requests in flight at once, however tasks nest.", valueName: "n"))
    var maxInFlight: Int = 64

    @Option(name: .customLong("retries"), help: ArgumentHelp(
        "Retries of a failed request (429, and 5xx or connection failures when safe to repeat).", valueName: "n"))
    var retries: Int = 4

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp(
        "Seconds one request attempt may take; then it fails with code \"timeout\".", valueName: "seconds"))
    var requestTimeout: Double = 30

    @Flag(name: .customLong("verbose"), help: "Log every API request and retry on stderr (never the token or key values).")
    var verbose = false

    @Flag(name: .customLong("sandbox"), help: ArgumentHelp(
        "Run against a built-in fake of the API on loopback, seeded with a sample account. No token needed."))
    var sandbox = false

    @Option(name: .customLong("sandbox-data"), help: ArgumentHelp(
        "Seed the sandbox from this file (a --snapshot file); implies --sandbox.", valueName: "file.json"))
    var sandboxData: String?

    @Option(name: .customLong("sandbox-save"), help: ArgumentHelp(
        "At exit, write the sandbox's keys to this file; implies --sandbox.", valueName: "file.json"))
    var sandboxSave: String?

    @Option(name: .customLong("snapshot"), help: ArgumentHelp(
        "Write the account's keys (as the API returns them; never key values) to this file, then exit.",
        valueName: "file.json"))
    var snapshot: String?

    @Flag(name: .customLong("version"), help: "Show the luagate version.")
    var showVersion = false

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp(
        "The script to run ('-' for standard input) and its arguments.", valueName: "script [args]"))
    var scriptAndArguments: [String] = []

    var usesSandbox: Bool { sandbox || sandboxData != nil || sandboxSave != nil }

    mutating func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard maxInFlight >= 1 else { throw ValidationError("--max-in-flight must be at least 1") }
        guard retries >= 0 else { throw ValidationError("--retries must be 0 or more") }
        guard requestTimeout > 0, requestTimeout.isFinite else {
            throw ValidationError("--request-timeout must be a positive number of seconds")
        }
    }
}

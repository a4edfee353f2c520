import ArgumentParser
import NgrokAI
import Logging

/// The command line: `lua5.4`'s options (`-e`, `-l`, `-i`, `-v`, `-E`, `-W`,
/// `--`, `-`) beside luagate's long options. Parsing stops at the script
/// name: everything after it belongs to the script (`arg[1]`, …).
struct LuagateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luagate",
        abstract: "Lua 5.4 with the ngrok AI Gateway API: a drop-in for the lua5.4 command line.",
        discussion: """
            Runs Lua scripts as lua5.4 does, with one global per resource of the AI Gateway \
            management API (https://api.ngrok.ai): \(Catalogue.all.map(\.name).joined(separator: ", ")); \
            api.request(method, path, ...) reaches paths the catalogue does not describe yet. \
            credits.purchase spends money: it always carries an Idempotency-Key, is never sent \
            under --dry-run and counts against --max-changes.

            Credentials: the API token comes from AI_GATEWAY_API_KEY or --api-key-file; the \
            base URL from AI_GATEWAY_API_URL or --base-url. They are read at the first API \
            call: scripts that make none need no token.

            Sandbox: --sandbox runs everything against a fake of the API started in-process \
            on 127.0.0.1, seeded with a sample account (or --sandbox-data FILE, e.g. made by \
            --snapshot FILE from a real account), so scripts can be rehearsed safely. There a \
            `sandbox` global resets the account, loads records, lists the requests sent and \
            injects faults (for specs: LUAGATE_SANDBOX=1 busted --lua=luagate).

            Editors and lint: --types DIR writes lua-language-server definitions and a luacheck \
            std for every luagate global and module.

            REPL: with no script on a terminal, or with -i, luagate reads Lua at a prompt with \
            line editing, Tab completion and history; type .help there (try luagate --sandbox).

            Batch jobs: every long option can also be set in the environment as LUAGATE_ \
            plus its name upper-cased with '-' as '_' (LUAGATE_DRY_RUN=1, \
            LUAGATE_MAX_CHANGES=10); the command line wins.

            Exit status: 0 success; 1 a Lua error (reported as `luagate: message` with a \
            traceback); 2 bad usage; 3 --max-changes refused a change; 4 --lock is held by \
            another run; 5 the script finished but a mutating call failed (even if caught); \
            124 --timeout expired; 130 interrupted (SIGINT); 143 terminated (SIGTERM).

            Declarative accounts: --plan FILE shows what makes the account match an account \
            file (require "luagate.account"); --apply FILE (or a plan saved with --out) makes \
            it so; --export FILE writes the account as such a file. Only records created by \
            the file's stack are ever deleted, and only with --prune. With \
            --detailed-exitcode, --plan exits 0 when nothing would change, 2 when changes are \
            pending, 1 on error (a misuse of the options included).

            Examples:
              luagate --sandbox --export account.lua
              luagate --sandbox --plan account.lua --plan-format markdown
              luagate --sandbox /usr/share/doc/luagate/examples/list-by-provider.lua
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

    @Option(name: .customLong("proxy"), help: ArgumentHelp(
        "Reach the API through this HTTP proxy, in a CONNECT tunnel (default: $HTTPS_PROXY or $https_proxy; '' for none).",
        valueName: "[http://][user:password@]host[:port]"))
    var proxy: String?

    @Option(name: .customLong("no-proxy"), help: ArgumentHelp(
        "Hosts reached without the proxy: names (with their subdomains), addresses, CIDR ranges or * (default: $NO_PROXY).",
        valueName: "list"))
    var noProxy: String?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp(
        "Also trust the CA certificates in this PEM file, e.g. a TLS-inspecting proxy's (default: $SSL_CERT_FILE).",
        valueName: "path"))
    var caFile: String?

    @Option(name: .customLong("concurrency"), help: ArgumentHelp(
        "Default number of items task.map works on at once.", valueName: "n"))
    var concurrency = RunOptions().concurrency

    @Option(name: .customLong("max-in-flight"), help: ArgumentHelp(
        "Most API requests in flight at once, however tasks nest.", valueName: "n"))
    var maxInFlight = RunOptions().maxInFlight

    @Option(name: .customLong("retries"), help: ArgumentHelp(
        "Retries of a failed request (429, and 5xx or connection failures when safe to repeat).", valueName: "n"))
    var retries = RunOptions().retries

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp(
        "Seconds one request attempt may take; then it fails with code \"timeout\".", valueName: "seconds"))
    var requestTimeout = RunOptions().requestTimeout

    @Flag(name: .customLong("verbose"), help: "Log every API request and retry on stderr (never the token or key values).")
    var verbose = false

    @Flag(name: .customLong("dry-run"), help: "Send no mutation: log what would change and return what records would look like.")
    var dryRun = false

    @Option(name: .customLong("max-changes"), help: ArgumentHelp(
        "Abort (exit 3) before the mutation that would exceed n changes in this run; plans check their size first.",
        valueName: "n"))
    var maxChanges: Int?

    @Option(name: .customLong("lock"), help: ArgumentHelp(
        "Hold an exclusive lock on this file for the run; if another run holds it, exit 4.", valueName: "path"))
    var lock: String?

    @Option(name: .customLong("lock-wait"), help: ArgumentHelp(
        "With --lock, wait up to this long for the lock (e.g. 30, 30s, 5m).", valueName: "duration"))
    var lockWait: String?

    @Option(name: .customLong("journal"), help: ArgumentHelp(
        "Append a JSON line for every mutation to this file, fsynced per line.", valueName: "path"))
    var journal: String?

    @Flag(name: .customLong("resume"), help: "With --journal, skip changes the journal shows done, and settle those a killed run left in doubt.")
    var resume = false

    @Flag(name: .customLong("caught-failures-ok"), help: ArgumentHelp(
        "Exit 0, not 5, when every failed change was caught by the script: for test runners such as busted, whose specs make changes fail on purpose."))
    var caughtFailuresOK = false

    @Option(name: .customLong("log-format"), help: ArgumentHelp("Logs on stderr as text or JSON lines.", valueName: "text|json"))
    var logFormat: RunOptions.LogFormat = .text

    @Option(name: .customLong("log-level"), help: ArgumentHelp(
        "trace, debug, info, notice, warning, error or critical (default notice; --verbose means debug).",
        valueName: "level"))
    var logLevel: String?

    @Option(name: .customLong("report"), help: ArgumentHelp(
        "At exit, write a JSON summary of the run here (and one line on stderr).", valueName: "path"))
    var report: String?

    @Option(name: .customLong("timeout"), help: ArgumentHelp(
        "Stop the whole job after this long (e.g. 90, 90s, 15m, 2h): exit 124.", valueName: "duration"))
    var timeout: String?

    @Flag(name: .customLong("sandbox"), help: ArgumentHelp(
        "Run against a built-in fake of the API on loopback, seeded with a sample account. No token needed."))
    var sandbox = false

    @Option(name: .customLong("sandbox-data"), help: ArgumentHelp(
        "Seed the sandbox from this file (a --snapshot file); implies --sandbox.", valueName: "file.json"))
    var sandboxData: String?

    @Option(name: .customLong("sandbox-save"), help: ArgumentHelp(
        "At exit, write the sandbox's account to this file; implies --sandbox.", valueName: "file.json"))
    var sandboxSave: String?

    @Option(name: .customLong("snapshot"), help: ArgumentHelp(
        "Write the account (every resource as the API returns it; never a secret) to this file, then exit.",
        valueName: "file.json"))
    var snapshot: String?

    @Flag(name: .customLong("version"), help: "Show the luagate version.")
    var showVersion = false

    @Option(name: .customLong("types"), help: ArgumentHelp(
        "Write editor definitions (lua-language-server) and a luacheck std for luagate's globals and modules into this folder, then exit.",
        valueName: "dir"))
    var types: String?

    @OptionGroup(title: "Declarative accounts")
    var account: AccountOptions

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp(
        "The script to run ('-' for standard input) and its arguments.", valueName: "script [args]"))
    var scriptAndArguments: [String] = []

    /// The parsed values, for the run.
    var runOptions: RunOptions {
        RunOptions(
            execute: execute, library: library, interactive: interactive, luaVersion: luaVersion,
            ignoreEnvironment: ignoreEnvironment, warnings: warnings, baseURL: baseURL, apiKeyFile: apiKeyFile,
            proxy: proxy, noProxy: noProxy, caFile: caFile,
            concurrency: concurrency, maxInFlight: maxInFlight, retries: retries, requestTimeout: requestTimeout,
            verbose: verbose, dryRun: dryRun, maxChanges: maxChanges, lock: lock, lockWait: lockWait,
            journal: journal, resume: resume, caughtFailuresOK: caughtFailuresOK, logFormat: logFormat, logLevel: logLevel, report: report,
            timeout: timeout, sandbox: sandbox, sandboxData: sandboxData, sandboxSave: sandboxSave,
            snapshot: snapshot, showVersion: showVersion, types: types, scriptAndArguments: scriptAndArguments,
            account: account.command)
    }

    mutating func validate() throws {
        try account.validate(scriptAndArguments: scriptAndArguments, hasCode: !execute.isEmpty || !library.isEmpty || interactive)
        if let maxChanges, maxChanges < 0 { throw ValidationError("--max-changes must be 0 or more (got \(maxChanges))") }
        if let lockWait {
            guard lock != nil else { throw ValidationError("--lock-wait needs --lock") }
            guard JobDuration.parse(lockWait) != nil else { throw ValidationError("--lock-wait: not a duration: \(lockWait)") }
        }
        if let timeout, JobDuration.parse(timeout) == nil { throw ValidationError("--timeout: not a duration: \(timeout)") }
        if resume && journal == nil { throw ValidationError("--resume needs --journal") }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1 (got \(concurrency))") }
        guard maxInFlight >= 1 else { throw ValidationError("--max-in-flight must be at least 1 (got \(maxInFlight))") }
        guard retries >= 0 else { throw ValidationError("--retries must be 0 or more (got \(retries))") }
        guard requestTimeout > 0, requestTimeout.isFinite else {
            throw ValidationError("--request-timeout must be a positive number of seconds")
        }
    }
}

extension RunOptions.LogFormat: ExpressibleByArgument {}

import CLua
import CLuaShim
import LuaGate
import LuaKit
import NgrokAI

#if canImport(Glibc)
import Glibc
#endif

/// The `lua5.4` command line (lua.c's `pmain`), running on a luagate runtime.
struct Runner {
    let progname: String
    /// argv as bytes, exactly as given (for the `arg` table).
    let rawArguments: [[UInt8]]
    let options: RunOptions
    let steps: CommandLineSteps
    let api: NgrokAIConfiguration
    let job: JobControl
    /// What the REPL needs to know (secrets to keep out of its history, the sandbox).
    var replSettings = REPL.Settings()

    /// Runs everything the command line asks for; returns the exit status.
    /// As in lua.c, the work happens inside a function called in protected
    /// mode (so tracebacks end in `[C]: in ?` as they do under lua5.4).
    func run() -> Int32 {
        let runtime = Runtime(
            api: api, job: job, ignoreEnvironment: options.ignoreEnvironment,
            concurrency: options.concurrency, maxInFlight: options.maxInFlight)
        defer { runtime.shutdown() }
        replSettings.sandbox?.install(in: runtime)
        let lua = runtime.lua
        lg_watch_termination(lua.L)
        let timeout = options.timeout.flatMap(JobDuration.parse)
        let timer = timeout.flatMap { StopTimer(after: $0) }
        if timeout != nil && timer == nil {
            Output.message(progname, Array("cannot start the --timeout timer: \(String(cString: strerror(errno)))".utf8))
            return 2
        }
        defer { timer?.cancel() }
        var status: Int32 = 1
        lua.pushFunction("pmain") { _ in
            status = main(runtime)
            if status == 0 { status = finishTasks(runtime) }
            return .none
        }
        do {
            try lua.call(arguments: 0, results: 0)
        } catch {
            Output.message(progname, error.bytes)
            status = 1
        }
        let result = exitStatus(runtime, scriptStatus: status)
        // As lua.c: the state is closed, so finalizers run (and their warnings print).
        timer?.cancel()
        lua.close()
        return result
    }

    /// Exit statuses, most specific first: 130/143/124 stopped (after letting
    /// requests in flight finish), 3 `--max-changes` refused, 1 a Lua error,
    /// 5 a mutating call failed (even if the script caught it; not with `--caught-failures-ok`), 0.
    private func exitStatus(_ runtime: Runtime, scriptStatus: Int32) -> Int32 {
        let stop = lg_stop_signal()
        if stop != 0 {
            let cancelled = runtime.settle(grace: Self.grace)
            if cancelled > 0 {
                Output.message(progname, Array("\(cancelled) requests still in flight after \(Self.grace) were cancelled".utf8))
            }
            switch stop {
            case SIGTERM: return 143
            case LG_STOP_TIMEOUT: return 124
            default: return 130
            }
        }
        if job.refusedChanges { return 3 }
        if scriptStatus != 0 { return scriptStatus }
        if !job.failures.isEmpty && !options.caughtFailuresOK { return 5 }
        return 0
    }

    /// How long requests in flight may take to finish after a stop request.
    static let grace: Duration = .seconds(10)

    private func main(_ runtime: Runtime) -> Int32 {
        let lua = runtime.lua
        // As lua.c, `-i` implies `-v`.
        if options.luaVersion || options.interactive { printVersion() }
        // Only the REPL's history on a terminal reads the secret ledger.
        if !((options.interactive || readsStandardInput) && Output.stdinIsTerminal) { runtime.secrets.stopRecording() }
        createArgumentTable(lua)
        lg_gc_generational(lua.L)
        if !options.ignoreEnvironment, !report(lua, runInitialization(lua)) { return 1 }
        if let account = options.account { return runAccount(lua, account) }
        for step in steps.steps {
            switch step {
            case .warningsOn: lua_warning(lua.L, "@on", 0)
            case .execute(let code):
                if !report(lua, runChunk(lua) { () throws(LuaError) in try lua.load(code, name: "=(command line)") }) { return 1 }
            case .library(let spec):
                if !report(lua, runLibrary(lua, spec)) { return 1 }
            }
        }
        if let script = steps.script {
            if !report(lua, runScript(lua, script)) { return 1 }
        }
        if options.interactive {
            repl(runtime).run()
        } else if readsStandardInput {
            if Output.stdinIsTerminal {
                printVersion()
                repl(runtime).run()
            } else if !report(lua, runChunk(lua) { () throws(LuaError) in try lua.loadFile(nil) }) {
                return 1
            }
        }
        return 0
    }

    /// No script, `-e` or `-v`: as lua.c, the REPL on a terminal, else standard input run as a file.
    private var readsStandardInput: Bool { steps.script == nil && options.execute.isEmpty && !options.luaVersion }

    /// The REPL (it sets the stop policy: Ctrl-C abandons an evaluation's requests).
    private func repl(_ runtime: Runtime) -> REPL { REPL(runtime: runtime, settings: replSettings) }

    /// Lets tasks the script left running finish, and reports failures that
    /// nobody awaited.
    /// SIGINT stops them as it stops the script (lua.c's own handler is gone once the
    /// script has returned): exit 130, the report and the journal's last lines written.
    private func finishTasks(_ runtime: Runtime) -> Int32 {
        lg_catch_interrupt(1)
        defer { lg_catch_interrupt(0) }
        do {
            if try !runtime.finishTasks(report: { Output.message(progname, Array($0.utf8)) }) { return 1 }
        } catch {
            Output.message(progname, Array("\(error)".utf8))
            // Said once: the stop's hook must not raise it again as pmain returns.
            if lg_stop_signal() != 0 { lua_sethook(runtime.lua.L, nil, 0, 0) }
            return 1
        }
        return 0
    }

    private func printVersion() {
        Output.out(String(cString: lg_copyright()) + "\n")
    }

    /// `arg`: the script at 0, its arguments at 1…, the interpreter and
    /// options at negative indices (without a script, argv[0] is at 0).
    private func createArgumentTable(_ lua: LuaState) {
        let script = steps.scriptIndex ?? 0
        let stack = lua.stack
        stack.newTable(arrayCount: Int32(max(0, rawArguments.count - script - 1)), hashCount: Int32(script + 1))
        for (i, bytes) in rawArguments.enumerated() {
            stack.push(bytes: bytes)
            lua_rawseti(lua.L, -2, lua_Integer(i - script))
        }
        try? lua.setGlobal("arg")  // before any script runs: _G has no metamethods yet
    }

    /// LUA_INIT_5_4, else LUA_INIT: `@file` runs a file, anything else is code.
    private func runInitialization(_ lua: LuaState) -> LuaError? {
        for name in ["LUA_INIT_5_4", "LUA_INIT"] {
            guard let value = getenv(name) else { continue }
            let code = String(cString: value)
            if code.hasPrefix("@") {
                return runChunk(lua) { () throws(LuaError) in try lua.loadFile(String(code.dropFirst())) }
            }
            return runChunk(lua) { () throws(LuaError) in try lua.load(Array(code.utf8), name: "=\(name)") }
        }
        return nil
    }

    /// `-l mod` (global `mod`, or the part before a `-`), or `-l g=mod`.
    private func runLibrary(_ lua: LuaState, _ spec: String) -> LuaError? {
        var global = spec
        var module = spec
        if let eq = spec.firstIndex(of: "=") {
            global = String(spec[..<eq])
            module = String(spec[spec.index(after: eq)...])
        } else if let dash = spec.firstIndex(of: "-") {
            global = String(spec[..<dash])
        }
        do {
            try lua.require(module)
            try lua.setGlobal(global)
        } catch {
            return error
        }
        return nil
    }

    /// `--plan`, `--apply`, `--export`: the stdlib's driver (`luagate.account.cli`) with the
    /// options as a table; its result is the exit status (a refusal it raises is a Lua error: 1).
    private func runAccount(_ lua: LuaState, _ account: AccountCommand) -> Int32 {
        do {
            try lua.load("return require('luagate.account.cli').main(...)", name: "=luagate")
        } catch {
            _ = report(lua, error)
            return 1
        }
        let stack = lua.stack
        stack.newTable(hashCount: 12)
        func set(_ key: String, _ value: String?) {
            guard let value else { return }
            stack.push(value)
            stack.rawSet(table: -2, key: key)
        }
        func flag(_ key: String, _ value: Bool) {
            stack.push(value)
            stack.rawSet(table: -2, key: key)
        }
        set("mode", account.mode.rawValue)
        set("file", account.file)
        set("out", account.out)
        set("format", account.format)
        set("stack", account.stack)
        flag("detailed", account.detailedExitcode)
        flag("prune", account.prune)
        flag("adopt", account.adopt)
        stack.push(options.concurrency)
        stack.rawSet(table: -2, key: "concurrency")
        if let max = account.maxDeletes {
            stack.push(max)
            stack.rawSet(table: -2, key: "max_deletes")
        }
        if let names = account.collections {
            stack.newTable(arrayCount: Int32(names.count))
            for (i, name) in names.enumerated() {
                stack.push(name)
                lua_rawseti(lua.L, -2, lua_Integer(i + 1))
            }
            stack.rawSet(table: -2, key: "collections")
        }
        do {
            try lua.call(arguments: 1, results: 1, catchInterrupt: true)
        } catch {
            _ = report(lua, error)
            return 1
        }
        defer { stack.pop() }
        return Int32(truncatingIfNeeded: lua_tointegerx(lua.L, -1, nil))
    }

    /// Loads the script (nil: stdin) and calls it with the script arguments.
    private func runScript(_ lua: LuaState, _ script: String?) -> LuaError? {
        do {
            try lua.loadFile(script)
        } catch {
            return error
        }
        // The script's arguments are arg[1], arg[2], … as the `arg` table holds them now.
        var count: Int32 = 0
        do {
            try lua.check(lg_pushargs(lua.L, &count))
            try lua.call(arguments: count, results: LUA_MULTRET, catchInterrupt: true)
        } catch {
            return error
        }
        return nil
    }

    private func runChunk(_ lua: LuaState, load: () throws(LuaError) -> Void) -> LuaError? {
        do {
            try load()
            try lua.call(arguments: 0, results: 0, catchInterrupt: true)
        } catch {
            return error
        }
        return nil
    }

    /// Prints a failure as lua.c's `report`; true when there was none.
    private func report(_ lua: LuaState, _ error: LuaError?) -> Bool {
        guard let error else { return true }
        Output.message(progname, error.bytes)
        return false
    }
}

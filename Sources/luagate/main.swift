import ArgumentParser
import LuaGate
import CLuaShim
import Logging
import NgrokAI

#if canImport(Glibc)
import Glibc
#endif

/// luagate: Lua 5.4 with the ngrok AI Gateway API.
let rawArguments = (0..<Int(CommandLine.argc)).map { i -> [UInt8] in
    guard let p = CommandLine.unsafeArgv[i] else { return [] }
    return Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
}
let argv = CommandLine.arguments
let progname = argv.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "luagate"

func usageError(_ message: String) -> Never {
    Output.error("\(progname): \(message)\n")
    Output.error("Usage: " + LuagateCommand.usageString() + "\n")
    Output.error("Try '\(progname) --help' for more information.\n")
    exit(2)
}

let options: LuagateCommand
do {
    options = try LuagateCommand.parse(Array(argv.dropFirst()))
} catch {
    if LuagateCommand.exitCode(for: error) == .success {
        Output.out(LuagateCommand.fullMessage(for: error) + "\n")
        exit(0)
    }
    usageError(LuagateCommand.message(for: error))
}
if let first = options.scriptAndArguments.first, first == "--help" || first == "-h" {
    Output.out(LuagateCommand.helpMessage() + "\n")
    exit(0)
}
if let first = options.scriptAndArguments.first, first.hasPrefix("-"), first != "-", first != "--" {
    usageError("unrecognized option '\(first)'")
}
if options.showVersion {
    Output.out("luagate \(LuaGateVersion.current) (\(String(cString: lg_copyright())))\n")
    exit(0)
}

var api: NgrokAIConfiguration
do {
    var base = NgrokAIConfiguration(userAgent: "luagate/\(LuaGateVersion.current)")
    base.requestTimeout = .milliseconds(Int64(options.requestTimeout * 1000))
    base.retry.maxRetries = options.retries
    if options.verbose {
        var logger = Logger(label: "luagate") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .debug
        base.logger = logger
    }
    api = try NgrokAIConfiguration.fromEnvironment(apiKeyFile: options.apiKeyFile, base: base)
    if let url = options.baseURL {
        api.baseURL = url
        _ = try api.validated()
    }
} catch {
    usageError(error.message)
}

/// The sandbox, saved at exit even when a script ends with `os.exit`.
nonisolated(unsafe) var sandbox: Sandbox?
if options.usesSandbox {
    do {
        let started = try Sandbox(dataFile: options.sandboxData, saveTo: options.sandboxSave)
        started.configure(&api)
        Output.error(started.banner)
        sandbox = started
        atexit {
            do { try sandbox?.save() } catch { Output.error("luagate: \(error)\n") }
        }
    } catch {
        usageError("\(error)")
    }
}

if let path = options.snapshot {
    do {
        let count = try runBlocking { [api] in try await Snapshot.write(to: path, api: api) }
        Output.error("\(progname): wrote \(count) \(count == 1 ? "key" : "keys") to \(path)\n")
        exit(0)
    } catch {
        Output.error("\(progname): snapshot: \(error)\n")
        exit(1)
    }
}

let steps = CommandLineSteps(argv: argv, options: options)
var status = Runner(progname: progname, rawArguments: rawArguments, options: options, steps: steps, api: api).run()
Output.flush()
do {
    try sandbox?.finish()
} catch {
    Output.error("\(progname): \(error)\n")
    if status == 0 { status = 1 }
}
exit(status)

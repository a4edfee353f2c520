import ArgumentParser
import CLuaShim
import Foundation
import LuaGate
import Logging
import NgrokAI

/// luagate: Lua 5.4 with the ngrok AI Gateway API. The steps of a run, in order.

let started = Date.now
let rawArguments = (0..<Int(CommandLine.argc)).map { i -> [UInt8] in
    guard let p = CommandLine.unsafeArgv[i] else { return [] }
    return Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
}
let argv = CommandLine.arguments
/// The name messages start with: argv[0] as given, as lua.c's `progname` (`/opt/x/luagate: …`
/// when run by a path, `luagate: …` when found on PATH), `luagate` when argv[0] is empty.
let progname = argv.first.flatMap { $0.isEmpty ? nil : $0 } ?? "luagate"

/// A misuse of the command line: status 2, or 1 under `--detailed-exitcode`, where 2 means
/// changes are pending (a CI job must not read a misuse as that).
func usageError(_ message: String) -> Never {
    Output.error("\(progname): \(message)\n")
    Output.error("Usage: " + LuagateCommand.usageString() + "\n")
    Output.error("Try '\(progname) --help' for more information.\n")
    exit(argv.contains("--detailed-exitcode") ? 1 : 2)
}

func fail(_ status: Int32, _ message: String) -> Never {
    Output.error("\(progname): \(message)\n")
    exit(status)
}

// The argument parser's description of the command line, for swift-argument-parser's
// generate-manual plugin (scripts/package.sh makes the man page from it).
if argv.count == 2, argv[1] == "--experimental-dump-help" {
    Output.out(LuagateCommand._dumpHelp() + "\n")
    exit(0)
}

// 1. Options. What lua.c refuses is refused as lua.c does (its message and usage, status 1),
// a mistyped long option as luagate's own usage error (status 2, with the option meant);
// then LUAGATE_* variables go first, so that the command line wins.
switch LuaCommandLine.read(Array(argv.dropFirst())) {
case .refused(let problem):
    Output.error("\(progname): \(problem)\n" + LuaCommandLine.usage(progname))
    exit(1)
case .unknownLongOption(let problem):
    usageError(problem)
case .options:
    break
}
let fromEnvironment: [String]
do {
    fromEnvironment = EnvironmentOptions.anySet() ? try EnvironmentOptions.arguments(given: argv) : []
} catch {
    usageError(error.description)
}
let parsedArguments = [argv[0]] + fromEnvironment + EnvironmentOptions.joiningNegativeValues(Array(argv.dropFirst()))
let options: RunOptions
if fromEnvironment.isEmpty, let plain = RunOptions.plainScript(argv) {
    options = plain
} else {
    do {
        options = try LuagateCommand.parse(Array(parsedArguments.dropFirst())).runOptions
    } catch {
        if LuagateCommand.exitCode(for: error) == .success {
            Output.out(LuagateCommand.fullMessage(for: error) + "\n")
            exit(0)
        }
        usageError(LuagateCommand.message(for: error))
    }
}
if let first = options.scriptAndArguments.first, first == "--help" {
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

if let folder = options.types {
    do {
        let runtime = Runtime(api: NgrokAIConfiguration(), job: try JobControl(options: JobOptions()))
        for (path, text) in EditorFiles.all(runtime).sorted(by: { $0.key < $1.key }) {
            let full = folder + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try OutputFiles.write(Data(text.utf8), to: full)
        }
        Output.error("\(progname): wrote the editor definitions and the luacheck std to \(folder)\n")
        exit(0)
    } catch let error as FileError {
        fail(1, "--types \(error)")
    } catch {
        fail(1, "--types \(folder): cannot create the folder")
    }
}

// 2. Logs on stderr: text or JSON lines, `notice` unless asked otherwise.
let logLevel = options.logLevel.flatMap(Logger.Level.init(rawValue:)) ?? (options.verbose ? .debug : .notice)
LoggingSystem.bootstrap { label in
    var handler: any LogHandler = options.logFormat == .json
        ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
    handler.logLevel = logLevel
    return StatusLineLogHandler(handler)  // log lines go above a progress bar
}
let logger = Logger(label: "luagate")

// 3. The API: token, base URL, timeouts, retries.
var api: NgrokAIConfiguration
do {
    var base = NgrokAIConfiguration(userAgent: "luagate/\(LuaGateVersion.current)")
    base.requestTimeout = .milliseconds(Int64(options.requestTimeout * 1000))
    base.retry.maxRetries = options.retries
    // One connection per request the scheduler may have in flight: with fewer,
    // HTTP/1.1 requests queue in the pool and concurrency is lost.
    base.maxConnectionsPerHost = options.maxInFlight
    base.logger = logLevel <= .info ? Logger(label: "luagate.api") : nil
    api = try NgrokAIConfiguration.fromEnvironment(apiKeyFile: options.apiKeyFile, base: base)
    if let url = options.baseURL { api.baseURL = url }
    if let proxy = options.proxy {
        api.httpsProxy = proxy
        api.httpProxy = proxy
    }
    if let list = options.noProxy { api.noProxy = list }
    if let file = options.caFile { api.caFile = file }
    _ = try api.validated()
} catch {
    usageError(error.message)
}

/// The user's own token, kept out of the REPL's history even in the sandbox.
let environmentToken = api.token

// 4. Every file the run will write can be written, or nothing runs.
if let problem = OutputFiles.problem(options, fromEnvironment: fromEnvironment) {
    usageError(problem)
}

// 5. One run at a time (--lock).
if let path = options.lock {
    do {
        if try !RunLock.acquire(path, wait: options.lockWait.flatMap(JobDuration.parse)) {
            fail(4, "another run holds the lock \(path)")
        }
    } catch {
        fail(4, "\(error)")
    }
}

// 6. The sandbox, saved at exit even when a script ends with `os.exit`.
nonisolated(unsafe) var sandbox: Sandbox?
if options.usesSandbox {
    do {
        let running = try Sandbox(dataFile: options.sandboxData, saveTo: options.sandboxSave)
        running.configure(&api)
        api.tokenSource = "the sandbox"
        Output.error(running.banner)
        sandbox = running
        atexit {
            do { try sandbox?.save() } catch { Output.error("\(progname): \(error)\n") }
        }
    } catch {
        usageError("\(error)")
    }
}

if let path = options.snapshot {
    do {
        let holding = try runBlocking { [api, progname] in
            try await Snapshot.write(to: path, api: api) { Output.error("\(progname): \($0)\n") }
        }
        Output.error("\(progname): wrote \(holding) to \(path)\n")
        exit(0)
    } catch {
        fail(1, "snapshot: \(error)")
    }
}

// 7. The job's rules: dry run, change budget, journal.
let job: JobControl
do {
    var jobOptions = JobOptions()
    jobOptions.dryRun = options.dryRun
    jobOptions.maxChanges = options.maxChanges
    jobOptions.journalPath = options.journal
    jobOptions.resume = options.resume
    jobOptions.logger = logger
    job = try JobControl(options: jobOptions)
} catch {
    usageError("\(error)")
}

// 8. Run, then the sandbox file and the report.
// From the command line as given (the parser's copy has `-lmod` split in two), so that the
// script's index is its index in argv.
let steps = CommandLineSteps(
    argv: [argv[0]] + fromEnvironment + Array(argv.dropFirst()), options: options, hiddenPrefix: fromEnvironment.count)
let replSettings = REPL.Settings(
    secrets: [environmentToken, api.token].compactMap { $0 }, baseURL: api.baseURL, sandbox: sandbox)
var status = Runner(
    progname: progname, rawArguments: rawArguments, options: options, steps: steps, api: api, job: job,
    replSettings: replSettings
).run()
job.finish()  // the journal's last lines (`unknown` for changes a stop cut off), then closed
Output.flush()
do {
    try sandbox?.finish()
} catch {
    Output.error("\(progname): \(error)\n")
    if status == 0 { status = 1 }
}
if let path = options.report {
    let report = JobReport(job: job, started: started, exitStatus: status)
    do {
        try report.write(to: path)
    } catch {
        Output.error("\(progname): --report \(error)\n")
    }
    Output.error("\(progname): \(report.line)\n")
}
exit(status)

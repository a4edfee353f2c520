import Foundation

/// Runs a program to completion and captures what it printed.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// From the start of the process to its exit, in seconds (not counting any wait for a
    /// turn to start): what a test that bounds a run's time should compare.
    var seconds: Double = 0
}

/// Runs programs the way a test needs them: awaited, never waited for on a pool thread. The
/// child's exit comes through `Process.terminationHandler` and its output from reader threads of
/// its own, so a test that runs the binary suspends until it is done and other tests keep running.
enum ProcessRunner {
    /// The built `luagate` binary: next to the test bundle in the build folder.
    static var luagate: String { buildDirectory + "/luagate" }

    static var buildDirectory: String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test runner may live inside `<name>.xctest/` on some layouts.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("luagate").path),
            dir.pathComponents.count > 1
        {
            dir = dir.deletingLastPathComponent()
        }
        return dir.path
    }

    /// Folder of the Lua scripts used by these tests.
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts").path

    /// Variables a test's child never inherits: no token, URL, proxy, CA or `LUA_INIT` of the
    /// machine running the tests.
    static let inherited = [
        "LUA_INIT", "LUA_INIT_5_4", "AI_GATEWAY_API_KEY", "AI_GATEWAY_API_URL", "SSL_CERT_FILE",
        "https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY",
    ]

    /// The child's environment: ours, less ``inherited`` and `removing`, with `environment` laid over.
    static func environment(_ environment: [String: String], removing: [String] = []) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for name in inherited + removing { env[name] = nil }
        env.merge(environment) { _, new in new }
        return env
    }

    /// Runs `executable` to its end; `stdin` is written to a pipe that is then closed.
    static func run(
        _ executable: String, _ arguments: [String], stdin: String? = nil,
        environment: [String: String] = [:], removing: [String] = [], directory: String? = nil
    ) async throws -> ProcessResult {
        await slots.acquire()
        let child: Child
        do {
            child = try Child(
                executable, arguments, environment: Self.environment(environment, removing: removing), directory: directory,
                stdin: Data((stdin ?? "").utf8))
        } catch {
            await slots.release()
            throw error
        }
        let (out, err) = (child.stdout, child.stderr)
        async let stdout = out.collected()
        async let stderr = err.collected()
        let status = await child.status()
        let result = ProcessResult(
            status: status, stdout: String(decoding: await stdout, as: UTF8.self),
            stderr: String(decoding: await stderr, as: UTF8.self), seconds: child.seconds)
        await slots.release()
        return result
    }

    /// How many programs ``run(_:_:stdin:environment:removing:directory:)`` runs at once; the
    /// rest wait their turn, suspended. Two cores gain nothing from more, and each child's pipes
    /// are descriptors of the test process, which Foundation's `Process.run` walks
    /// (`/proc/self/fd`) at every start. (`LiveProcess` takes no slot: a test may run others
    /// beside it.)
    static let slots = Slots(8)

    static func luagate(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) async throws
        -> ProcessResult
    {
        try await run(luagate, arguments, stdin: stdin, environment: environment)
    }
}

/// A started child process: its exit status and its output as asynchronous streams, fed by
/// `Process.terminationHandler` and one reader thread per output (no pool thread waits).
struct Child {
    let pid: Int32
    let stdout: AsyncStream<Data>
    let stderr: AsyncStream<Data>
    private let exit: AsyncStream<Int32>
    private let gone: ExitFlag
    private let started = ContinuousClock.now
    /// Kept alive until the child is done: the pipes' file handles own the descriptors.
    private let keep: [AnyObject]

    /// Starts `executable`; `stdin` (when given) is written to its standard input, which is then
    /// closed, else standard input is the null device.
    init(_ executable: String, _ arguments: [String], environment: [String: String], directory: String? = nil, stdin: Data?)
        throws
    {
        let process = Process()
        if executable == ProcessRunner.luagate {
            // luagate names itself by argv[0], as lua.c does: run it as a user runs it from
            // PATH, as `luagate` (bash's `exec -a` sets argv[0]; the pid stays the child's).
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "exec -a luagate \"$0\" \"$@\"", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe(), input = stdin.map { _ in Pipe() }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input ?? FileHandle.nullDevice
        let (exit, exited) = AsyncStream.makeStream(of: Int32.self)
        // The status as `Process` reports it: the exit code, or the number of the signal that ended it.
        let gone = ExitFlag()
        process.terminationHandler = { process in
            gone.set()
            exited.yield(process.terminationStatus)
            exited.finish()
        }
        try process.run()
        self.pid = process.processIdentifier
        self.gone = gone
        self.exit = exit
        self.stdout = Self.read(out.fileHandleForReading)
        self.stderr = Self.read(err.fileHandleForReading)
        self.keep = [process, out, err] + (input.map { [$0] } ?? [])
        // The child's ends are its own now. (Closed here rather than left to deallocation,
        // which does not come soon enough: the test process would collect descriptors.)
        try? out.fileHandleForWriting.close()
        try? err.fileHandleForWriting.close()
        try? input?.fileHandleForReading.close()
        if let stdin, let input {
            let writer = input.fileHandleForWriting
            if !stdin.isEmpty { writer.write(stdin) }
            try writer.close()
        }
    }

    /// The exit status, once the child has exited.
    func status() async -> Int32 {
        var status: Int32 = -1
        for await value in exit { status = value }
        _ = keep
        return status
    }

    /// Whether the child has exited (and been reaped: its pid may now be another process's).
    var hasExited: Bool { gone.isSet }

    /// Sends `signal` to the child unless it has exited: a pid is reused once its process is
    /// reaped, so a late signal would hit another test's process.
    func signal(_ signal: Int32) {
        if !hasExited { kill(pid, signal) }
    }

    /// Seconds since the child started (once ``status()`` has returned: its run time).
    var seconds: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The chunks read from `handle` until the end of the file, delivered as they come. The
    /// blocking reads run on a thread of their own, never on the cooperative pool.
    private static func read(_ handle: FileHandle) -> AsyncStream<Data> {
        let (chunks, sink) = AsyncStream.makeStream(of: Data.self)
        let reader = Thread {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                sink.yield(chunk)
            }
            try? handle.close()
            sink.finish()
        }
        reader.name = "luagate-tests.child-output"
        reader.start()
        return chunks
    }
}

/// Set once, from the thread that learns the child has exited.
final class ExitFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}

/// A counting semaphore that suspends instead of blocking.
actor Slots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

extension AsyncStream<Data> {
    /// Every chunk, joined.
    func collected() async -> Data {
        var all = Data()
        for await chunk in self { all.append(chunk) }
        return all
    }
}

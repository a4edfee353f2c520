import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs a program to completion and captures what it printed.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs programs the way a test needs them: awaited, never waited for on a thread. A test that
/// runs the binary suspends until it exits (swift-subprocess watches the child and reads its
/// pipes off the cooperative pool), so other tests keep running meanwhile.
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
    static func environment(_ environment: [String: String], removing: [String] = []) -> Subprocess.Environment {
        var changes: [Subprocess.Environment.Key: String?] = [:]
        for name in inherited + removing { changes[Subprocess.Environment.Key(stringLiteral: name)] = .some(nil) }
        for (name, value) in environment { changes[Subprocess.Environment.Key(stringLiteral: name)] = value }
        return .inherit.updating(changes)
    }

    /// Output beyond this is a test failure (thrown), not a hang or a truncation.
    static let outputLimit = 64 << 20

    /// Runs `executable` to its end; `stdin` is written to a pipe that is then closed.
    static func run(
        _ executable: String, _ arguments: [String], stdin: String? = nil,
        environment: [String: String] = [:], removing: [String] = [], directory: String? = nil
    ) async throws -> ProcessResult {
        let result = try await Subprocess.run(
            .path(FilePath(executable)), arguments: Arguments(arguments),
            environment: Self.environment(environment, removing: removing),
            workingDirectory: directory.map { FilePath($0) },
            input: .string(stdin ?? ""), output: .data(limit: outputLimit), error: .data(limit: outputLimit))
        return ProcessResult(
            status: result.terminationStatus.code,
            stdout: String(decoding: result.standardOutput, as: UTF8.self),
            stderr: String(decoding: result.standardError, as: UTF8.self))
    }

    static func luagate(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) async throws
        -> ProcessResult
    {
        try await run(luagate, arguments, stdin: stdin, environment: environment)
    }
}

extension TerminationStatus {
    /// The exit status, or the signal's number for a process a signal ended (as `Process` reports it).
    var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): signal
        }
    }
}

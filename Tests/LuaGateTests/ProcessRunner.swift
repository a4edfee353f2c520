import Foundation

/// Runs a program to completion and captures what it printed.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

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

    static func run(
        _ executable: String, _ arguments: [String], stdin: String? = nil,
        environment: [String: String] = [:], removing: [String] = [], directory: String? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        // A test's environment is its own: no inherited token, URL, proxy or CA.
        let inherited = ["LUA_INIT", "LUA_INIT_5_4", "AI_GATEWAY_API_KEY", "AI_GATEWAY_API_URL", "SSL_CERT_FILE",
                         "https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]
        for name in inherited + removing {
            env[name] = nil
        }
        env.merge(environment) { _, new in new }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes to the end concurrently so neither can fill up.
        let errData = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.data, as: UTF8.self))
    }

    static func luagate(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try run(luagate, arguments, stdin: stdin, environment: environment)
    }
}

/// Written by one reader thread before `DispatchGroup.leave`, read after `wait`.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

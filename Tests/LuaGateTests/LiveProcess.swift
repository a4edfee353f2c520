import Foundation

/// A process the test talks to while it runs: read its stdout line by line,
/// signal it, then collect the rest.
final class LiveProcess {
    let process = Process()
    private let out = Pipe()
    private let err = Pipe()
    private var buffer = Data()

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for name in ["LUA_INIT", "LUA_INIT_5_4", "AI_GATEWAY_API_KEY", "AI_GATEWAY_API_URL"] { env[name] = nil }
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// The next line of stdout (without the newline), or nil at end of output.
    func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = out.fileHandleForReading.availableData  // blocks until data or EOF
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    /// Reads lines until one satisfies `predicate`; false at end of output.
    func waitForLine(_ predicate: (String) -> Bool) -> Bool {
        while let line = readLine() { if predicate(line) { return true } }
        return false
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the exit; stdout is what was not read yet.
    func finish() -> ProcessResult {
        let rest = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus,
            stdout: String(decoding: buffer + rest, as: UTF8.self),
            stderr: String(decoding: errors, as: UTF8.self))
    }
}

import Foundation

/// A process the test talks to while it runs: read its stdout line by line, signal it, then
/// collect the rest. Every wait is a suspension (see ``Child``): no thread is held while the
/// process runs.
final class LiveProcess {
    private let child: Child
    /// Stdout read but not yet returned as a line.
    private var buffer = Data()
    private var chunks: AsyncStream<Data>.Iterator
    private let errors: Task<Data, Never>

    /// Starts the process (`async throws` like the rest, so tests read the same either way).
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws {
        child = try Child(executable, arguments, environment: ProcessRunner.environment(environment), stdin: nil)
        chunks = child.stdout.makeAsyncIterator()
        errors = Task { [stderr = child.stderr] in await stderr.collected() }
    }

    /// The next line of stdout (without the newline), or nil at end of output.
    func readLine() async throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            guard let chunk = await chunks.next() else { return nil }
            buffer.append(chunk)
        }
    }

    /// Reads lines until one satisfies `predicate`; false at end of output.
    func waitForLine(_ predicate: (String) -> Bool) async throws -> Bool {
        while let line = try await readLine() { if predicate(line) { return true } }
        return false
    }

    /// Sends `signal`, unless the process has exited already (its pid may be another's now).
    func signal(_ signal: Int32) { child.signal(signal) }

    /// Awaits the exit; stdout is what was not read yet.
    func finish() async throws -> ProcessResult {
        while let chunk = await chunks.next() { buffer.append(chunk) }
        let status = await child.status()
        return ProcessResult(
            status: status, stdout: String(decoding: buffer, as: UTF8.self),
            stderr: String(decoding: await errors.value, as: UTF8.self), seconds: child.seconds)
    }
}

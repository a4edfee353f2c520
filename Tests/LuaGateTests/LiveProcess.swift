import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A process the test talks to while it runs: read its stdout line by line, signal it, then
/// collect the rest. Every wait is a suspension (swift-subprocess runs it, in a task of its
/// own); no thread is held while the process runs.
final class LiveProcess {
    /// The child's pid, for ``signal(_:)``.
    let pid: pid_t
    private let run: Task<(status: Int32, stderr: String), any Error>
    /// Stdout read but not yet returned as a line.
    private var buffer = Data()
    private var chunks: AsyncThrowingStream<Data, any Error>.AsyncIterator

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws {
        let (chunks, output) = AsyncThrowingStream.makeStream(of: Data.self)
        let (started, pidSink) = AsyncThrowingStream.makeStream(of: pid_t.self)
        let run = Task {
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(executable)), arguments: Arguments(arguments),
                    environment: ProcessRunner.environment(environment),
                    input: .none, output: .sequence, error: .data(limit: ProcessRunner.outputLimit)
                ) { execution in
                    pidSink.yield(execution.processIdentifier.value)
                    pidSink.finish()
                    for try await chunk in execution.standardOutput { output.yield(Data(buffer: chunk)) }
                    output.finish()
                }
                return (status: result.terminationStatus.code, stderr: String(decoding: result.standardError, as: UTF8.self))
            } catch {
                pidSink.finish(throwing: error)
                output.finish(throwing: error)
                throw error
            }
        }
        var pids = started.makeAsyncIterator()
        guard let pid = try await pids.next() else { throw CancellationError() }
        self.pid = pid
        self.run = run
        self.chunks = chunks.makeAsyncIterator()
    }

    /// The next line of stdout (without the newline), or nil at end of output.
    func readLine() async throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            guard let chunk = try await chunks.next() else { return nil }
            buffer.append(chunk)
        }
    }

    /// Reads lines until one satisfies `predicate`; false at end of output.
    func waitForLine(_ predicate: (String) -> Bool) async throws -> Bool {
        while let line = try await readLine() { if predicate(line) { return true } }
        return false
    }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Awaits the exit; stdout is what was not read yet.
    func finish() async throws -> ProcessResult {
        var rest = Data()
        while let chunk = try await chunks.next() { rest.append(chunk) }
        let (status, stderr) = try await run.value
        return ProcessResult(
            status: status, stdout: String(decoding: buffer + rest, as: UTF8.self), stderr: stderr)
    }
}

import Dispatch
import Foundation
import NgrokAI
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// One line of the journal.
public struct JournalEntry: Codable, Sendable {
    public enum Status: String, Codable, Sendable {
        /// Written (and fsynced) before the request is sent, so a kill can never hide a mutation.
        case started
        case ok
        /// The API refused the change, or it was never sent.
        case failed
        /// Sent, but no answer says whether it was made: the connection was lost or timed out
        /// after the request went out, the answer could not be read, or the run stopped while
        /// it was in flight. `--resume` settles it (see `Runtime.settle`).
        case unknown
        /// Not sent: the record no longer held what the change was computed from (`expect`).
        case drifted
    }

    public var time: String
    /// The resource, e.g. `accessKeys`; absent in journals written before there were others
    /// (they are provider keys).
    public var resource: String?
    public var op: MutationKind
    public var id: String?
    /// The fields the call asked to change (never a secret).
    public var target: [String: JSONValue]
    /// A salted digest of the call's secret values (a rotation's `value`), never the values.
    public var secretDigest: SecretDigest?
    public var before: JSONValue?
    public var after: JSONValue?
    public var status: Status
    public var error: String?
    /// The `Idempotency-Key` a request carried (a credit purchase), journaled before it is
    /// sent, so `--resume` repeats the request with the same key instead of buying twice.
    public var idempotencyKey: String?
    /// The run that wrote the line (random, drawn once per run) and the number its `started`
    /// line got in that run; an outcome line carries the same two, so `--resume` pairs each
    /// outcome with its own `started` line even when identical calls overlap. Absent in
    /// journals written before they existed (and on lines no `started` line precedes).
    public var run: String?
    public var seq: Int?

    /// The id the call was made with: none for `create`, whose `ok` line
    /// records the id of the key it made.
    var requestID: String? { op == .create ? nil : id }

    /// The resource, reading an old journal's lines as provider keys.
    var resourceName: String { resource ?? Resource.providerKeys.name }

    public init(
        time: String, resource: String?, op: MutationKind, id: String?, target: [String: JSONValue],
        secretDigest: SecretDigest? = nil, before: JSONValue? = nil, after: JSONValue? = nil, status: Status,
        error: String? = nil, idempotencyKey: String? = nil, run: String? = nil, seq: Int? = nil
    ) {
        self.time = time
        self.resource = resource
        self.op = op
        self.id = id
        self.target = target
        self.secretDigest = secretDigest
        self.before = before
        self.after = after
        self.status = status
        self.error = error
        self.idempotencyKey = idempotencyKey
        self.run = run
        self.seq = seq
    }
}

/// The append-only JSON-lines record of every mutation of a run.
///
/// Lines are written by one serial writer queue (never on an event loop, where an `fsync`
/// would stall every connection), each with one `write` and an `fsync`; `write` returns once
/// the line is durable. A line that cannot be written (or synced) makes the journal broken
/// for the rest of the run: every later write fails, so no change is sent unjournaled.
/// A torn last line left by a killed run is repaired before the first line is appended.
public final class Journal: Sendable {
    public let path: String
    /// This run's salt for the digests of secret values.
    let salt: String
    private let queue = DispatchQueue(label: "luagate.journal")
    private let state: NIOLockedValueBox<State>

    struct State {
        var fd: Int32
        /// The length to cut the file to before the first write (a torn last line), or -1.
        var truncateTo: off_t = -1
        /// A complete last line without its newline: start a new line first.
        var needsNewline = false
        /// Why the journal cannot be written any more.
        var broken: String?
        var closed = false
    }

    /// Opens (creating) the journal for appending. Nothing is written until the first line.
    public init(path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError("cannot open journal \(path): \(String(cString: strerror(errno)))") }
        var state = State(fd: fd)
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0,
           let tail = Self.tail(path: path, size: info.st_size) {
            // Only a regular file is read back (`/dev/full` would read forever).
            if tail.bytes.isEmpty {
                // Ends with a newline: nothing to repair.
            } else if Self.line(tail.bytes) != nil {
                state.needsNewline = true
            } else {
                state.truncateTo = tail.start
            }
        }
        self.state = NIOLockedValueBox(state)
        self.path = path
        salt = SecretDigest.newSalt()
    }

    deinit { state.withLockedValue { if !$0.closed { _ = Glibc.close($0.fd) } } }

    /// Appends `entry` on the writer queue and returns once it is durable.
    public func write(_ entry: JournalEntry) async throws(JournalError) {
        let result: Result<Void, JournalError> = await withCheckedContinuation { continuation in
            enqueue(entry) { continuation.resume(returning: $0) }
        }
        try result.get()
    }

    /// Queues `entry` for the writer (lines are written in the order they are queued);
    /// `done` gets the outcome once it is durable, or why it is not.
    func enqueue(_ entry: JournalEntry, done: @escaping @Sendable (Result<Void, JournalError>) -> Void) {
        let line = Self.encode(entry)
        queue.async { done(self.append(line)) }
    }

    /// Appends `entry` from a thread that may block (not an event loop).
    public func writeNow(_ entry: JournalEntry) throws(JournalError) {
        let line = Self.encode(entry)
        try queue.sync { append(line) }.get()
    }

    /// Waits for the lines queued so far, then closes the file: later writes fail.
    public func close() {
        queue.sync {
            state.withLockedValue { state in
                guard !state.closed else { return }
                state.closed = true
                _ = Glibc.close(state.fd)
            }
        }
    }

    /// Why the journal cannot be written any more, if it cannot.
    public var broken: String? { state.withLockedValue { $0.broken } }

    private static func encode(_ entry: JournalEntry) -> [UInt8] {
        // Encoding a JournalEntry cannot fail (strings, JSON values, no floats that are not finite).
        var line = (try? encoder.encode(entry)).map(Array.init) ?? []
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// On the writer queue: one line, written whole and fsynced.
    private func append(_ line: [UInt8]) -> Result<Void, JournalError> {
        state.withLockedValue { state in
            if state.closed { return .failure(JournalError("the journal \(path) was closed at the end of the run")) }
            if let broken = state.broken {
                return .failure(JournalError("the journal \(path) could not be written earlier in this run (\(broken))"))
            }
            var bytes = line
            if state.truncateTo >= 0 {
                guard ftruncate(state.fd, state.truncateTo) == 0 else { return fail(&state, errno) }
                state.truncateTo = -1
            }
            if state.needsNewline {
                bytes.insert(UInt8(ascii: "\n"), at: 0)
                state.needsNewline = false
            }
            var info = stat()
            let regular = fstat(state.fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
            let size = regular ? info.st_size : -1
            let failure: Int32 = bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = Glibc.write(state.fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += n
                }
                return 0
            }
            if failure != 0 {
                // Take back a partial line, so the file still ends at a line's end.
                if size >= 0 { _ = ftruncate(state.fd, size) }
                return fail(&state, failure)
            }
            // A special file (a pipe, /dev/stderr) cannot be synced (EINVAL): the line is written.
            if fsync(state.fd) != 0, regular || errno != EINVAL { return fail(&state, errno) }
            return .success(())
        }
    }

    private func fail(_ state: inout State, _ code: Int32) -> Result<Void, JournalError> {
        let why = String(cString: strerror(code))
        state.broken = why
        return .failure(JournalError("cannot write the journal \(path): \(why)"))
    }

    /// The bytes after the last newline of a regular file and where they start.
    private static func tail(path: String, size: off_t) -> (start: off_t, bytes: [UInt8])? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = Glibc.close(fd) }
        var end = size
        var tail: [UInt8] = []
        let chunk = 4096
        var buffer = [UInt8](repeating: 0, count: chunk)
        while end > 0 {
            let start = max(0, end - off_t(chunk))
            let count = Int(end - start)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, count, start) }
            guard n == count else { return nil }
            if let newline = buffer[0..<count].lastIndex(of: UInt8(ascii: "\n")) {
                tail = Array(buffer[(newline + 1)..<count]) + tail
                return (start + off_t(newline + 1), tail)
            }
            tail = Array(buffer[0..<count]) + tail
            end = start
        }
        return (0, tail)
    }

    /// The entries of an existing journal (a missing file has none). A torn last line (the
    /// process was killed while writing it) is ignored; any other line that is not an entry
    /// is an error, since skipping it could make a resumed run repeat a change.
    public static func read(path: String) throws -> [JournalEntry] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [] }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return [] }
        return try entries(in: try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
    }

    /// The entries of a journal's contents (`path` only names it in errors).
    package static func entries(in data: Data, path: String) throws -> [JournalEntry] {
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var entries: [JournalEntry] = []
        for (index, line) in lines.enumerated() where !line.isEmpty {
            if let entry = Self.line(line) {
                entries.append(entry)
            } else if index != lines.count - 1 {  // the last has no newline after it: cut off mid-write
                throw JournalError("journal \(path), line \(index + 1): not a journal entry")
            }
        }
        return entries
    }

    private static func line<Bytes: DataProtocol>(_ bytes: Bytes) -> JournalEntry? {
        try? JSONDecoder().decode(JournalEntry.self, from: Data(bytes))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func now() -> String { Date.now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }

    /// A journal or API timestamp (RFC 3339, with or without fractional seconds).
    static func date(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
    }
}

public struct JournalError: Error, CustomStringConvertible {
    public var description: String
    /// The end of the run took the change as in flight (and journaled and counted it).
    var endOfRun = false
    init(_ description: String, endOfRun: Bool = false) {
        self.description = description
        self.endOfRun = endOfRun
    }
}

import Foundation
import NgrokAI
import NIOConcurrencyHelpers

/// One line of the journal.
public struct JournalEntry: Codable, Sendable {
    public enum Status: String, Codable, Sendable {
        /// Written before the request is sent, so a kill can never hide a mutation.
        case started
        case ok
        case failed
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
    public var before: JSONValue?
    public var after: JSONValue?
    public var status: Status
    public var error: String?

    /// The id the call was made with: none for `create`, whose `ok` line
    /// records the id of the key it made.
    var requestID: String? { op == .create ? nil : id }

    /// The resource, reading an old journal's lines as provider keys.
    var resourceName: String { resource ?? Resource.providerKeys.name }

    public init(
        time: String, resource: String?, op: MutationKind, id: String?, target: [String: JSONValue],
        before: JSONValue? = nil, after: JSONValue? = nil, status: Status, error: String? = nil
    ) {
        self.time = time
        self.resource = resource
        self.op = op
        self.id = id
        self.target = target
        self.before = before
        self.after = after
        self.status = status
        self.error = error
    }
}

/// The append-only JSON-lines record of every mutation of a run. Lines are
/// written from any thread, each with one `write` and an `fsync`.
public final class Journal: Sendable {
    private let fd: NIOLockedValueBox<Int32>
    public let path: String

    /// Opens (creating) the journal for appending.
    public init(path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError("cannot open journal \(path): \(String(cString: strerror(errno)))") }
        self.fd = NIOLockedValueBox(fd)
        self.path = path
    }

    deinit { fd.withLockedValue { _ = close($0) } }

    public func append(_ entry: JournalEntry) {
        guard var line = try? Self.encoder.encode(entry) else { return }
        line.append(UInt8(ascii: "\n"))
        fd.withLockedValue { fd in
            line.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 { if errno == EINTR { continue } else { return } }
                    offset += n
                }
            }
            _ = fsync(fd)
        }
    }

    /// The entries of an existing journal (a missing file has none). A torn
    /// last line (the process was killed while writing it) is ignored; any
    /// other line that is not an entry is an error, since skipping it could
    /// make a resumed run repeat a change.
    public static func read(path: String) throws -> [JournalEntry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try entries(in: try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
    }

    /// The entries of a journal's contents (`path` only names it in errors).
    package static func entries(in data: Data, path: String) throws -> [JournalEntry] {
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var entries: [JournalEntry] = []
        for (index, line) in lines.enumerated() where !line.isEmpty {
            do {
                entries.append(try JSONDecoder().decode(JournalEntry.self, from: Data(line)))
            } catch {
                let torn = index == lines.count - 1  // no newline after it: cut off mid-write
                if !torn { throw JournalError("journal \(path), line \(index + 1): not a journal entry") }
            }
        }
        return entries
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
    init(_ description: String) { self.description = description }
}

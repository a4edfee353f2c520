import LuaGate

#if canImport(Glibc)
import Glibc
#endif

/// The REPL's persistent history: one entry a line in
/// `$XDG_STATE_HOME/luagate/history` (else `~/.luagate_history`), the newest
/// last, without duplicates, at most `limit` entries, mode 0600 in a 0700
/// directory. Entries that hold the API token or a `value =` (a provider's
/// secret) are never written.
struct REPLHistory {
    static let limit = 1000

    /// nil: history is kept for this session only.
    let path: String?
    private let secrets: [String]
    /// The secrets this session sent or received (key values, tokens returned once).
    private let ledger: SecretLedger?
    /// This session's entries, oldest first.
    private(set) var entries: [String] = []

    init(path: String?, secrets: [String], ledger: SecretLedger? = nil) {
        self.path = path
        self.secrets = secrets.filter { !$0.isEmpty }
        self.ledger = ledger
        entries = merge(load(), adding: [])
    }

    /// `$XDG_STATE_HOME/luagate/history` when that variable holds an absolute
    /// path, else `~/.luagate_history`.
    static func defaultPath() -> String? {
        if let state = getenv("XDG_STATE_HOME").map({ String(cString: $0) }), state.hasPrefix("/") {
            return state + "/luagate/history"
        }
        if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty {
            return home + "/.luagate_history"
        }
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
        return String(cString: dir) + "/.luagate_history"
    }

    /// True when `text` may be written down: it holds no API token, no secret the session
    /// sent or received, and no `value` followed by `=` (as the Lua pattern `value%s*=`).
    func mayRemember(_ text: String) -> Bool {
        if secrets.contains(where: { text.contains($0) }) { return false }
        if ledger?.appears(in: text) == true { return false }
        var rest = Substring(text)
        while let found = rest.firstRange(of: "value") {
            rest = rest[found.upperBound...]
            if rest.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).first == "=" { return false }
        }
        return true
    }

    /// Adds a chunk the user entered (unless it holds a secret) and saves the
    /// file; returns false when nothing was added.
    mutating func add(_ chunk: String) -> Bool {
        let new = Self.entries(for: chunk)
        guard !new.isEmpty, mayRemember(chunk) else { return false }
        entries = merge(entries, adding: new)
        if path != nil { save(merge(load(), adding: new)) }
        return true
    }

    /// How a chunk is kept: a multi-line chunk becomes one line when joining
    /// its lines with spaces means the same (no comments, long brackets or
    /// line continuations), else one entry per line.
    static func entries(for chunk: String) -> [String] {
        let lines = chunk.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
        guard lines.count > 1 else { return lines.map(String.init) }
        let joinable = !chunk.contains("--") && !chunk.contains("[[") && !chunk.contains("[=")
            && !lines.contains { $0.hasSuffix("\\") || $0.hasSuffix("\\z") }
        guard joinable else { return lines.map(String.init) }
        return [lines.map { String($0.drop(while: \.isWhitespace)) }.joined(separator: " ")]
    }

    /// `list` plus `new`, each entry once (at its newest place), secrets dropped, capped.
    private func merge(_ list: [String], adding new: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for entry in (list + new).reversed() where !entry.isEmpty && mayRemember(entry) && seen.insert(entry).inserted {
            result.append(entry)
            if result.count == Self.limit { break }
        }
        return result.reversed()
    }

    // MARK: - The file

    private func load() -> [String] {
        guard let path, let file = fopen(path, "r") else { return [] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Writes the file through a temporary file and a rename, so that a
    /// crash never leaves half a history; failures are ignored (history is a convenience).
    private func save(_ list: [String]) {
        guard let path, let slash = path.lastIndex(of: "/") else { return }
        Self.makeDirectories(String(path[..<slash]))
        let temporary = path + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        let text = Array(list.map { $0 + "\n" }.joined().utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written == text.count, rename(temporary, path) == 0 {
            chmod(path, 0o600)
        } else {
            unlink(temporary)
        }
    }

    /// `mkdir -p` with mode 0700 for the directories it creates.
    private static func makeDirectories(_ directory: String) {
        guard !directory.isEmpty else { return }
        var st = stat()
        if stat(directory, &st) == 0 { return }
        if let slash = directory.lastIndex(of: "/") { makeDirectories(String(directory[..<slash])) }
        mkdir(directory, 0o700)
    }
}

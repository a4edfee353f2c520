import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The files a run writes (`--report`, `--journal`, `--lock`, `--sandbox-save`, `--snapshot`):
/// checked before the script starts, so that nothing runs that could not be recorded, and
/// written atomically with errors that read like `strerror`, never a Foundation dump.
enum OutputFiles {
    /// The first output file that cannot be written, as a message naming the option (or its
    /// `LUAGATE_*` variable) and why; nil when all can.
    static func problem(_ options: RunOptions, fromEnvironment: [String]) -> String? {
        let files: [(String, String?)] = [
            ("report", options.report), ("journal", options.journal), ("lock", options.lock),
            ("sandbox-save", options.sandboxSave), ("snapshot", options.snapshot),
        ]
        for (name, path) in files {
            guard let path else { continue }
            let shown = fromEnvironment.contains("--\(name)=\(path)")
                ? "\(EnvironmentOptions.variableName(name))=\(path)" : "--\(name) \(path)"
            if let why = unwritable(path) { return "\(shown): \(why)" }
        }
        return nil
    }

    /// Why `path` cannot be created or replaced, or nil.
    static func unwritable(_ path: String) -> String? {
        if path.isEmpty { return "no file name" }
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return "is a directory" }
            if access(path, W_OK) != 0 { return String(cString: strerror(errno)) }
        }
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        if stat(directory, &info) != 0 { return "\(String(cString: strerror(errno))) (\(directory))" }
        if (info.st_mode & S_IFMT) != S_IFDIR { return "not a directory (\(directory))" }
        if access(directory, W_OK | X_OK) != 0 { return "\(String(cString: strerror(errno))) (\(directory))" }
        return nil
    }

    /// Writes `data` to `path` through a temporary file in the same folder and a rename, so a
    /// reader never sees half a file. Errors are `strerror` texts.
    static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws(FileError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError(path, errno) }
        var failure: Int32 = 0
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw FileError(path, failure)
        }
    }
}

/// A file that could not be written: `path: No space left on device`.
struct FileError: Error, CustomStringConvertible {
    var description: String
    init(_ path: String, _ code: Int32) { description = "\(path): \(String(cString: strerror(code)))" }
}

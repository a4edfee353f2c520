import Foundation
import LuaKit

#if canImport(Glibc)
import Glibc
#endif

/// `luagate.files` (for the stdlib's declarative accounts): what Lua's io library cannot do.
enum AccountFiles {
    /// `hex = files.sha256(bytes)`: the SHA-256 of a string, in hex (an account file's hash).
    static func sha256(_ call: LuaCall) throws -> LuaReturn {
        guard let bytes = call.stack.bytes(at: 1), call.stack.type(at: 1) == .string else {
            throw LuaArgumentError(argument: 1, "string expected")
        }
        call.stack.push(SHA256.hex(SHA256.hash(bytes)))
        return .one
    }

    /// `ok | nil, err = files.write_private(path, bytes)`: writes a secret (a created key's
    /// token) to `path`, readable by its owner only (mode 0600, also when the file existed),
    /// through a temporary file beside it renamed into place, so a reader never sees half a token.
    static func writePrivate(_ call: LuaCall) throws -> LuaReturn {
        let path = try call.checkString(1)
        guard let bytes = call.stack.bytes(at: 2), call.stack.type(at: 2) == .string else {
            throw LuaArgumentError(argument: 2, "string expected")
        }
        return outcome(call, write(bytes, to: path).map { "\(path): \($0)" })
    }

    /// `true`, or `nil, problem`: how these functions answer.
    private static func outcome(_ call: LuaCall, _ problem: String?) -> LuaReturn {
        guard let problem else {
            call.stack.push(true)
            return .one
        }
        call.stack.pushNil()
        call.stack.push(problem)
        return .results(2)
    }

    /// `ok | nil, why = files.writable_folder(path)`: whether a file can be written at `path`
    /// (its folder exists and is writable), checked before a plan creates a key whose token
    /// goes there.
    static func writableFolder(_ call: LuaCall) throws -> LuaReturn {
        let path = try call.checkString(1)
        let folder = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        var status = stat()
        if stat(folder, &status) != 0 || (status.st_mode & S_IFMT) != S_IFDIR {
            return outcome(call, "the folder \(folder) does not exist")
        }
        if access(folder, W_OK) != 0 {
            return outcome(call, "the folder \(folder) is not writable: \(String(cString: strerror(errno)))")
        }
        return outcome(call, nil)
    }

    /// `files.same_file(a, b)`: whether two paths name one existing file (device and inode).
    static func sameFile(_ call: LuaCall) throws -> LuaReturn {
        let a = try call.checkString(1), b = try call.checkString(2)
        var x = stat(), y = stat()
        call.stack.push(stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino)
        return .one
    }

    private static func write(_ bytes: [UInt8], to path: String) -> String? {
        let temporary = path + ".luagate-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        var failure: String?
        if fchmod(fd, 0o600) != 0 { failure = String(cString: strerror(errno)) }
        var offset = 0
        while failure == nil && offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
            } else {
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if failure != nil { unlink(temporary) }
        return failure
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// `--lock PATH`: an exclusive `flock` held for the life of the process, so
/// two copies of a job never run at once.
enum RunLock {
    /// Takes the lock, waiting up to `wait` (nil: not at all); false if another run holds it.
    static func acquire(_ path: String, wait: Duration?) throws -> Bool {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunLockError("--lock \(path): \(String(cString: strerror(errno)))") }
        let deadline = ContinuousClock.now + (wait ?? .zero)
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }  // fd stays open: the lock lives with the process
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw RunLockError("--lock \(path): \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now >= deadline {
                close(fd)
                return false
            }
            usleep(50_000)
        }
    }
}

struct RunLockError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

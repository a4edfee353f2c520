import CLuaShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to the C standard streams, which Lua's `print` and `io.write` share.
enum Output {
    static func out(_ text: String) { write(Array(text.utf8), toError: false) }

    static func error(_ text: String) { write(Array(text.utf8), toError: true) }

    static func error(bytes: [UInt8]) { write(bytes, toError: true) }

    static func flush() { lg_flush_stdout() }

    /// `progname: message` on stderr, as lua.c's `l_message` (no prefix in the REPL).
    static func message(_ progname: String?, _ message: [UInt8]) {
        var line = progname.map { Array("\($0): ".utf8) } ?? []
        line += message
        line.append(UInt8(ascii: "\n"))
        error(bytes: line)
    }

    static var stdinIsTerminal: Bool { isatty(0) != 0 }

    private static func write(_ bytes: [UInt8], toError: Bool) {
        bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { lg_write(toError ? 1 : 0, $0.baseAddress, $0.count) }
        }
    }
}

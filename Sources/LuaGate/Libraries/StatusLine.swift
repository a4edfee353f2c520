import CLua
import CLuaShim
import LuaKit
import Logging
import NIOConcurrencyHelpers

/// The status line (luagate.progress's bar) at the bottom of stderr, and the log lines
/// that are written while it shows: each log line lifts the bar, is written, and the bar
/// is drawn again below it, so neither breaks the other's line. The bar is drawn from the
/// Lua thread; logs come from any thread; one lock orders them.
public enum StatusLine {
    /// The line drawn now, if any, and its width on the terminal.
    private static let drawn = NIOLockedValueBox<(line: [UInt8], width: Int)?>(nil)

    private static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { lg_write(1, $0.baseAddress, $0.count) }
        }
    }

    /// Characters the line takes on a terminal: its code points less colour sequences.
    static func width(_ line: [UInt8]) -> Int {
        var width = 0
        var escape = false
        for byte in line {
            if escape {
                if byte >= 0x40 && byte <= 0x7E && byte != UInt8(ascii: "[") { escape = false }
            } else if byte == 0x1B {
                escape = true
            } else if byte & 0xC0 != 0x80 {
                width += 1
            }
        }
        return width
    }

    private static let cr = UInt8(ascii: "\r")
    private static func blank(_ n: Int) -> [UInt8] { [UInt8](repeating: UInt8(ascii: " "), count: n) }

    /// Draws `line` in place of the status line (spaces cover what is left of a longer one;
    /// no cursor control, so that NO_COLOR output holds no escape sequence).
    static func draw(_ line: [UInt8]) {
        drawn.withLockedValue { current in
            let width = width(line)
            write([cr] + line + blank(max(0, (current?.width ?? 0) - width)))
            current = (line, width)
        }
    }

    /// Ends the status line: `keep` leaves it on its own line, otherwise it is erased.
    static func end(keep: Bool) {
        drawn.withLockedValue { current in
            guard let shown = current else { return }
            write(keep ? [UInt8(ascii: "\n")] : [cr] + blank(shown.width) + [cr])
            current = nil
        }
    }

    /// Runs `body`, which writes whole lines to stderr, above the status line.
    public static func above(_ body: () -> Void) {
        drawn.withLockedValue { current in
            guard let shown = current else { return body() }
            write([cr] + blank(shown.width) + [cr])
            body()
            write(shown.line)
        }
    }

    /// `term.status(line)` draws the status line; `term.status(nil [, keep])` ends it
    /// (`keep`: the last line stays, followed by a newline; otherwise it is erased).
    static func status(_ call: LuaCall) throws -> LuaReturn {
        if call.stack.type(at: 1) == .nil || call.stack.type(at: 1) == .none {
            end(keep: lua_toboolean(call.L, 2) != 0)
        } else {
            guard call.stack.type(at: 1) == .string, let line = call.stack.bytes(at: 1) else {
                throw call.typeError(1, expected: "string")
            }
            draw(line)
        }
        return .none
    }
}

/// A log handler whose lines go above the status line (see `StatusLine`).
public struct StatusLineLogHandler: LogHandler {
    public var wrapped: any LogHandler

    public init(_ wrapped: any LogHandler) { self.wrapped = wrapped }

    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        StatusLine.above { wrapped.log(event: event) }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Colours of the REPL's output: ANSI escapes when standard output (or, for
/// errors, standard error) is a terminal and `NO_COLOR` is not set.
struct REPLStyle {
    enum Colour: String {
        case string = "32"    // green
        case number = "33"    // yellow
        case constant = "35"  // magenta: nil, booleans, json.null
        case summary = "36"   // cyan: records and other values shown by their tostring
        case comment = "90"   // grey: headers, cycle marks, elided tables, timings
        case error = "31"     // red
    }

    var enabled: Bool

    /// Colours for a stream (1 standard output, 2 standard error).
    static func forStream(_ fd: Int32) -> REPLStyle {
        let noColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        return REPLStyle(enabled: isatty(fd) != 0 && !noColor && term != "dumb")
    }

    func paint(_ text: String, _ colour: Colour) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }
}

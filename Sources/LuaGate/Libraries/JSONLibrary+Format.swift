import Foundation
import LuaKit
import NgrokAI

/// The options of `json.encode(value, {sort_keys = true, indent = false})`.
struct EncodeOptions {
    var sortKeys = true
    /// Spaces per level when pretty-printing; nil for compact output.
    var indent: Int?

    init(_ call: LuaCall, argument: Int32) throws {
        let options = try OptionsTable(call, argument: argument, allowed: ["indent", "sort_keys"])
        switch options["sort_keys"] {
        case nil: break
        case .boolean(let b)?: sortKeys = b
        default: throw options.error("sort_keys", "must be a boolean")
        }
        switch options["indent"] {
        case nil, .boolean(false)?: break
        case .boolean(true)?: indent = 2
        case .integer(let n)? where n >= 0: indent = Int(n)
        default: throw options.error("indent", "must be a boolean or a non-negative integer")
        }
    }
}

/// Floats with an integral value (`1.0`, `-0.0`, `1e20`), which JSONEncoder prints as
/// integers: each is encoded as a placeholder string, then the placeholder (quotes
/// included) is replaced by the float's own spelling, so `math.type` survives a round trip.
/// The placeholder holds a random UUID between private-use characters; an input string
/// containing the UUID is refused, so only placeholders are ever replaced.
struct IntegralFloats {
    private let marker = "\u{F8FE}\(UUID().uuidString)#"
    private static let end: Character = "\u{F8FF}"
    private var spellings: [String] = []

    mutating func encodable(_ d: Double) -> JSONValue {
        guard d.rounded(.towardZero) == d else { return .double(d) }
        spellings.append(d.description)  // "1.0", "-0.0", "1e+20": valid JSON numbers
        return .string("\(marker)\(spellings.count - 1)\(Self.end)")
    }

    func check(_ s: String) throws {
        if s.contains(marker) { throw JSONEncodingError(description: "string collides with an internal marker") }
    }

    /// `text` with every placeholder replaced by its number (one pass).
    func restore(in text: String) -> String {
        guard !spellings.isEmpty else { return text }
        let parts = text.components(separatedBy: "\"" + marker)
        var out = parts[0]
        for part in parts.dropFirst() {
            // part: "<index>\u{F8FF}\"<rest of the text>"
            let digits = part.prefix { $0.isASCII && $0.isNumber }
            let rest = part.dropFirst(digits.count + 2)
            out += spellings[Int(digits)!]
            out += rest
        }
        return out
    }
}

/// Layout of JSONEncoder's pretty output: `indent` spaces per level instead of two, and
/// empty containers on one line. Raw newlines never occur inside JSON strings, so every
/// line break and leading space of the output is layout.
enum JSONLayout {
    static func reindent(_ text: String, spaces: Int) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // Foundation prints an empty container as "{", "", "}": join them.
            if line.isEmpty, let last = lines.last, last.hasSuffix("{") || last.hasSuffix("[") {
                continue
            }
            let trimmed = line.drop { $0 == " " }
            if trimmed == "}" || trimmed == "]" || trimmed == "}," || trimmed == "],",
                let last = lines.last, last.hasSuffix(trimmed.hasPrefix("}") ? "{" : "[")
            {
                lines[lines.count - 1] = last + trimmed
                continue
            }
            let level = (line.count - trimmed.count) / 2
            lines.append(Substring(String(repeating: " ", count: level * spaces)) + trimmed)
        }
        return lines.joined(separator: "\n")
    }
}

/// Why `json.decode` failed, with the position Foundation reports ("around character N",
/// a 0-based byte offset) or the end of the input for a truncated text.
struct JSONParseFailure: CustomStringConvertible {
    var reason: String
    /// 0-based byte offset, when known.
    var offset: Int?
    var bytes: [UInt8]

    init(_ error: any Error, in bytes: [UInt8]) {
        self.bytes = bytes
        var detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        if let range = detail.range(of: " around character ") {
            offset = Int(detail[range.upperBound...].prefix { $0.isNumber })
            detail = String(detail[..<range.lowerBound])
        } else if detail.localizedCaseInsensitiveContains("end of file") {
            offset = bytes.count
            detail = "unexpected end of input"
        }
        if detail.hasSuffix(".") { detail.removeLast() }
        reason = detail.prefix(1).lowercased() + detail.dropFirst()
    }

    var description: String {
        guard let offset, offset <= bytes.count else { return reason }
        let before = bytes[..<offset]
        let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        // Columns count characters (UTF-8 lead bytes), not bytes.
        let column = bytes[lineStart..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        if offset == bytes.count { return "\(reason) at line \(line), column \(column)" }
        return "\(reason) at line \(line), column \(column) (byte \(offset + 1))"
    }
}

import Foundation
import Mustache

/// Where in a template (or one of its partials) something is.
struct TagPosition: CustomStringConvertible {
    var partial: String?
    var line: Int
    var column: Int

    var description: String {
        "line \(line), column \(column)" + (partial.map { " of partial '\($0)'" } ?? "")
    }
}

/// A template that failed to parse, or a strict render that met a missing variable:
/// `template: missing variable 'nmae' at line 1, column 8`.
struct TemplateError: Error, CustomStringConvertible {
    var message: String
    var position: TagPosition?
    var note = ""

    init(message: String, position: TagPosition?) {
        self.message = message
        self.position = position
    }

    /// The first problem a strict render recorded, or nil when there was none.
    init?(_ misses: TemplateRender, source: String, partials: [String: String]) {
        var seen = Set<String>()
        let missing = misses.missing.filter { seen.insert($0).inserted }
        if let name = missing.first {
            message = "missing variable '\(name)'"
            position = TagLocator.locate(name, in: source, partials: partials)
            if missing.count > 1 {
                note = " (also missing: " + missing.dropFirst().map { "'\($0)'" }.joined(separator: ", ") + ")"
            }
        } else if let name = misses.tables.first {
            message = "'\(name)' is a table; render its fields in a section {{#\(name)}}…{{/\(name)}}"
            position = TagLocator.locate(name, in: source, partials: partials)
        } else {
            return nil
        }
    }

    var description: String { "template: \(message)" + (position.map { " at \($0)" } ?? "") + note }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else {
            // swift-mustache's internal reader error: it ran past the end of the text.
            return "\(error)" == "overflow" ? "unexpected end of template" : "\(error)"
        }
        switch error {
        case .sectionCloseNameIncorrect: return "section closed with a different name than it was opened with"
        case .unfinishedName: return "unfinished tag"
        case .expectedSectionEnd: return "section not closed"
        case .invalidSetDelimiter: return "invalid set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "transform applied to an inheritance section"
        case .illegalTokenInsideInheritSection: return "tag not allowed inside an inheritance section"
        case .textInsideInheritSection: return "text not allowed inside an inheritance section"
        case .invalidConfigVariableSyntax: return "invalid pragma"
        case .unrecognisedConfigVariable: return "unknown pragma"
        }
    }
}

/// Finds the first interpolation tag naming a variable, for error messages only:
/// swift-mustache parses and renders, but its tokens carry no positions. Tags are
/// searched with the default delimiters and with any set by `{{=<% %>=}}`.
enum TagLocator {
    static func locate(_ name: String, in source: String, partials: [String: String]) -> TagPosition? {
        if let (line, column) = locate(name, in: source) { return TagPosition(partial: nil, line: line, column: column) }
        for (partial, text) in partials.sorted(by: { $0.key < $1.key }) {
            if let (line, column) = locate(name, in: text) { return TagPosition(partial: partial, line: line, column: column) }
        }
        return nil
    }

    private static let setDelimiters = try! NSRegularExpression(pattern: #"\{\{=\s*(\S+)\s+(\S+?)\s*=\}\}"#)

    private static func locate(_ name: String, in text: String) -> (Int, Int)? {
        guard !name.isEmpty else { return nil }
        let whole = NSRange(text.startIndex..., in: text)
        var delimiters = [("{{", "}}")]
        for match in setDelimiters.matches(in: text, range: whole) where delimiters.count < 16 {
            if let open = Range(match.range(at: 1), in: text), let close = Range(match.range(at: 2), in: text) {
                let pair = (String(text[open]), String(text[close]))
                if !delimiters.contains(where: { $0 == pair }) { delimiters.append(pair) }
            }
        }
        let e = NSRegularExpression.escapedPattern(for:)
        // {{name}}, {{{name}}}, {{& name}}, {{lowercased(name)}}
        let regexes = delimiters.compactMap { open, close in
            try? NSRegularExpression(pattern: e(open) + #"\s*[&{]?\s*(?:[\w.?*-]++\()*+"# + e(name) + #"\)*+\s*\}?"# + e(close))
        }
        // Only the text around each place the name is written is searched: a tag holds it, and
        // searching the whole text at every character could take quadratic time.
        var from = text.startIndex
        var tried = 0
        while tried < 1000, let found = text.range(of: name, range: from..<text.endIndex) {
            tried += 1
            let start = text.index(found.lowerBound, offsetBy: -256, limitedBy: text.startIndex) ?? text.startIndex
            let end = text.index(found.upperBound, offsetBy: 256, limitedBy: text.endIndex) ?? text.endIndex
            let window = NSRange(start..<end, in: text)
            let matches = regexes.flatMap { $0.matches(in: text, range: window).compactMap { Range($0.range, in: text) } }
                .filter { $0.contains(found.lowerBound) }
            if let at = matches.map(\.lowerBound).min() {
                let before = text[..<at]
                let line = before.reduce(1) { $1.isNewline ? $0 + 1 : $0 }
                let lineStart = before.lastIndex(where: \.isNewline).map { text.index(after: $0) } ?? text.startIndex
                return (line, text.distance(from: lineStart, to: at) + 1)
            }
            from = found.upperBound
        }
        return nil
    }
}

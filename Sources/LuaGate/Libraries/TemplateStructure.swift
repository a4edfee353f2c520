import Foundation

/// What a template's tags nest like, read before swift-mustache parses it: how deep its
/// sections go, and which partials it includes outside any section (with nothing that could
/// end the inclusion). Deep nesting and an unconditional partial cycle would otherwise
/// exhaust the stack; they become errors that name the problem and where it is.
struct TemplateStructure {
    /// Deepest section nesting a template may have.
    static let maxDepth = 100

    /// Partials included outside any section.
    var unconditionalPartials: [String] = []

    /// Scans `text` (tags as Mustache writes them, set-delimiter tags honoured).
    init(_ text: String, partial: String?) throws(TemplateError) {
        var open: [Character] = ["{", "{"]
        var close: [Character] = ["}", "}"]
        let characters = Array(text)
        var index = 0
        var line = 1
        var depth = 0
        func starts(_ token: [Character], at i: Int) -> Bool {
            i + token.count <= characters.count && Array(characters[i..<(i + token.count)]) == token
        }
        while index < characters.count {
            if characters[index] == "\n" { line += 1 }
            guard starts(open, at: index) else {
                index += 1
                continue
            }
            var start = index + open.count
            var end = close
            if open == ["{", "{"], start < characters.count, characters[start] == "{" {
                end = ["}", "}", "}"]  // {{{triple}}}
                start += 1
            }
            var stop = start
            while stop < characters.count, !starts(end, at: stop) { stop += 1 }
            guard stop < characters.count else { break }  // unclosed: the parser reports it
            let content = String(characters[start..<stop]).trimmingCharacters(in: .whitespaces)
            for c in characters[start..<stop] where c == "\n" { line += 1 }
            index = stop + end.count
            guard let kind = content.first else { continue }
            let name = content.dropFirst().trimmingCharacters(in: .whitespaces)
            switch kind {
            case "#", "^", "$", "<":
                depth += 1
                if depth > Self.maxDepth {
                    throw TemplateError(
                        message: "sections nested more than \(Self.maxDepth) deep",
                        position: TagPosition(partial: partial, line: line, column: 1))
                }
            case "/":
                depth = max(0, depth - 1)
            case ">":
                if depth == 0 { unconditionalPartials.append(name) }
            case "=":
                let inner = content.dropFirst().dropLast().split(whereSeparator: { $0 == " " || $0 == "\t" })
                if content.last == "=", inner.count == 2 {
                    open = Array(inner[0])
                    close = Array(inner[1])
                }
            default:
                break
            }
        }
    }

    /// Fails if, starting from the main template, partials include each other in a cycle
    /// with no section in between: such a render would never end.
    static func checkCycles(main: TemplateStructure, partials: [String: TemplateStructure]) throws(TemplateError) {
        var path: [String] = []
        var done = Set<String>()
        func visit(_ name: String) throws(TemplateError) {
            if let start = path.firstIndex(of: name) {
                let cycle = (path[start...] + [name]).joined(separator: " → ")
                throw TemplateError(
                    message: "partial '\(name)' includes itself with no section in between to end it (\(cycle))", position: nil)
            }
            guard !done.contains(name), let structure = partials[name] else { return }
            path.append(name)
            for next in structure.unconditionalPartials { try visit(next) }
            path.removeLast()
            done.insert(name)
        }
        for name in main.unconditionalPartials { try visit(name) }
    }
}

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
    /// Partials included anywhere.
    var allPartials: [String] = []

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
            let content = String(characters[start..<stop]).trimmingCharacters(in: .whitespacesAndNewlines)
            for c in characters[start..<stop] where c == "\n" { line += 1 }
            index = stop + end.count
            guard let kind = content.first else { continue }
            let name = content.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)
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
                allPartials.append(name)
            case "=":
                let inner = content.dropFirst().dropLast().split(whereSeparator: { $0.isWhitespace })
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
        if let cycle = cycle(main: main, partials: partials, through: \.unconditionalPartials) {
            throw TemplateError(
                message: "partial '\(cycle[0])' includes itself with no section in between to end it (\(cycle.joined(separator: " → ")))",
                position: nil)
        }
    }

    /// The first cycle of partials reachable from the main template along `edges`, as the
    /// names from the repeated partial back to itself (`p → q → p`); nil when there is none.
    static func cycle(
        main: TemplateStructure, partials: [String: TemplateStructure], through edges: KeyPath<TemplateStructure, [String]>
    ) -> [String]? {
        var path: [String] = []
        var done = Set<String>()
        func visit(_ name: String) -> [String]? {
            if let start = path.firstIndex(of: name) { return Array(path[start...]) + [name] }
            guard !done.contains(name), let structure = partials[name] else { return nil }
            path.append(name)
            for next in structure[keyPath: edges] {
                if let found = visit(next) { return found }
            }
            path.removeLast()
            done.insert(name)
            return nil
        }
        for name in main[keyPath: edges] {
            if let found = visit(name) { return found }
        }
        return nil
    }
}

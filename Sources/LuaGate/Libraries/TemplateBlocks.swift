import Mustache

/// Block overrides that expand themselves. `{{<p}}{{$b}}…{{/b}}{{/p}}` renders partial `p` with
/// `b`'s text replaced, and swift-mustache renders each `{{$b}}` as that override with no
/// lookup on the way: an override that expands `b` again, itself or through other blocks'
/// overrides or defaults, would recurse until the stack ran out, out of reach of the render's
/// guard. Such templates are refused before rendering.
///
/// swift-mustache keeps its parsed tokens to itself, so they are read through `Mirror`; a
/// test renders the recursion this guards against, so a change in that library shows.
enum TemplateBlocks {
    /// Fails when, among `templates` (the template and its partials' bodies), some block's
    /// override can expand that block again without a section between.
    static func checkOverrides(_ templates: [MustacheTemplate]) throws(TemplateError) {
        // A block is a tag whose first character is `$`: without one in any text there is none
        // (and reading the tokens through Mirror would double the cost of a small render).
        guard templates.contains(where: { $0.description.utf8.contains(UInt8(ascii: "$")) }) else { return }
        var graph = Graph()
        for template in templates { graph.add(tokens(of: template), within: nil, overriding: false) }
        guard let (block, path) = graph.overrideCycle() else { return }
        throw TemplateError(
            message: "block '\(block)' expands itself through its own override (\(path.joined(separator: " → "))): "
                + "the render would never end",
            position: nil)
    }

    /// Which blocks each block's text expands (not inside a section, where the render's guard
    /// can end a recursion), and which of those edges come from an override.
    private struct Graph {
        var edges: [String: [(to: String, override: Bool)]] = [:]

        /// Walks `tokens`, the text of block `within` (nil: no block), an override when `overriding`.
        mutating func add(_ tokens: [Any], within: String?, overriding: Bool, depth: Int = 0) {
            guard depth < TemplateStack.maxLevels + 8 else { return }
            for token in tokens {
                guard let (kind, fields) = TemplateBlocks.unpack(token) else { continue }
                switch kind {
                case "blockExpansion":
                    guard let name = fields["name"] as? String else { continue }
                    if let within { edges[within, default: []].append((name, overriding)) }
                    if let inner = fields["default"] as? MustacheTemplate {
                        add(TemplateBlocks.tokens(of: inner), within: name, overriding: false, depth: depth + 1)
                    }
                case "blockDefinition":
                    if let name = fields["name"] as? String, let inner = fields["template"] as? MustacheTemplate {
                        add(TemplateBlocks.tokens(of: inner), within: name, overriding: true, depth: depth + 1)
                    }
                case "partial", "dynamicNamePartial":
                    for (name, inner) in (fields["inherits"] as? [String: MustacheTemplate]) ?? [:] {
                        add(TemplateBlocks.tokens(of: inner), within: name, overriding: true, depth: depth + 1)
                    }
                case "section", "invertedSection":
                    guard let inner = fields["template"] as? MustacheTemplate else { continue }
                    // A name looked up on the stack: the render's guard can end a recursion there.
                    // `.`, `.x` and a transform of `.` look nothing up on the stack: no guard.
                    let name = fields["name"] as? String ?? ""
                    let guarded = !name.isEmpty && !name.hasPrefix(".")
                    var inside = Graph()
                    inside.add(TemplateBlocks.tokens(of: inner), within: guarded ? nil : within, overriding: overriding,
                               depth: depth + 1)
                    for (from, list) in inside.edges { edges[from, default: []] += list }
                default:
                    break
                }
            }
        }

        /// A block reached again from itself along a path with at least one override edge, as
        /// the block and the path (`b → b`); nil when there is none. Paths through defaults only
        /// follow the template's nesting and end.
        func overrideCycle() -> (String, [String])? {
            for (from, list) in edges.sorted(by: { $0.key < $1.key }) {
                for edge in list where edge.override {
                    if let path = path(from: edge.to, to: from) { return (from, [from] + path) }
                }
            }
            return nil
        }

        /// The blocks from `start` to `goal` along any edges, both ends included; nil when unreachable.
        private func path(from start: String, to goal: String) -> [String]? {
            var previous: [String: String] = [start: start]
            var queue = [start]
            var head = 0
            while head < queue.count {
                let node = queue[head]
                head += 1
                if node == goal {
                    var path = [node]
                    var at = node
                    while at != start, let before = previous[at] { path.insert(before, at: 0); at = before }
                    return path
                }
                for edge in edges[node] ?? [] where previous[edge.to] == nil {
                    previous[edge.to] = node
                    queue.append(edge.to)
                }
            }
            return nil
        }
    }

    /// A parsed template's tokens.
    static func tokens(of template: MustacheTemplate) -> [Any] {
        for child in Mirror(reflecting: template).children where child.label == "tokens" {
            return Mirror(reflecting: child.value).children.map(\.value)
        }
        return []
    }

    /// A token's case name and its labelled values (`name`, `template`, `default`, `inherits`).
    static func unpack(_ token: Any) -> (String, [String: Any])? {
        guard let payload = Mirror(reflecting: token).children.first, let kind = payload.label else { return nil }
        var fields: [String: Any] = [:]
        for field in Mirror(reflecting: payload.value).children {
            if let label = field.label { fields[label] = unwrap(field.value) }
        }
        return (kind, fields)
    }

    /// The value inside an optional held as `Any`, or the value itself.
    private static func unwrap(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }
}

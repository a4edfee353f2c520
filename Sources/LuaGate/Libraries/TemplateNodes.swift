import CLuaShim
import Foundation
import Mustache

/// How template values look to swift-mustache, and how strict rendering notices a miss.
///
/// Names resolve as the Mustache spec says: the first part of `a.b.c` walks the context
/// stack from the top; the rest resolve against the former result only. swift-mustache
/// asks each object for a child and takes the first non-nil answer, so:
/// - objects pushed on the stack (`scope`: a section's or a list's element) answer nil for
///   a name they lack, letting the lookup go on down the stack;
/// - the root (the bottom of the stack) and values reached by name answer, in strict mode,
///   a `Missing` value for a name they lack, which records itself when interpolated and is
///   falsey in sections;
/// - values reached by name are one-element sequences of their scope form, so a section
///   over them pushes the scope form, never the one that answers `Missing`;
/// - once the render is nested too deeply (``TemplateRender/tooDeep``), every name answers
///   nil: each section then renders nothing and the render unwinds.
enum TemplateNode {
    /// A value reached by name; `path` is the dotted name from the start of the tag.
    static func named(_ value: TemplateValue, path: String, render: TemplateRender) -> Any {
        switch value {
        case .text(let text): return TextNode(text: text, path: path, render: render)
        case .boolean(let b): return b
        case .null: return NSNull()
        case .list(let items): return ListNode(items: items, path: path, render: render)
        case .object(let members): return ObjectNode(members: members, path: path, scope: false, render: render)
        }
    }

    /// A value pushed on the context stack.
    static func scope(_ value: TemplateValue, render: TemplateRender) -> Any {
        switch value {
        case .text(let text): return text
        case .boolean(let b): return b
        case .null: return NSNull()
        case .list(let items): return ListNode(items: items, path: ".", render: render)
        case .object(let members): return ObjectNode(members: members, path: "", scope: true, render: render)
        }
    }
}

/// One render's state: in strict mode, the names interpolated without a value and those
/// whose value is a table, in render order; and whether the render ran out of depth.
/// One render on one thread fills it.
final class TemplateRender {
    let strict: Bool
    var missing: [String] = []
    var tables: [String] = []
    /// Set once the stack got too deep; from then on every lookup answers nil.
    private(set) var abandoned = false

    /// Stack a render leaves untouched: the frames of one nesting level, the unwinding and
    /// the caller's own work fit in it many times over.
    static let stackReserve = 1 << 20

    init(strict: Bool) { self.strict = strict }

    /// Whether the render must stop nesting. swift-mustache recurses once per section and
    /// partial and each level looks a name up here first, so checking the stack left at each
    /// lookup bounds any recursion, including partials that include themselves for as long
    /// as the data lets them, or forever.
    var tooDeep: Bool {
        if !abandoned && lg_stack_remaining() < Self.stackReserve { abandoned = true }
        return abandoned
    }

    /// A `Missing` value for `path` in strict mode; nil otherwise.
    func miss(_ path: String) -> Any? { strict ? Missing(path: path, render: self) : nil }

    /// Notes a table interpolated at `path` (strict mode).
    func table(_ path: String) {
        if strict { tables.append(path) }
    }
}

struct ObjectNode: MustacheParent, MustacheSequence, MustacheCustomRenderable {
    let members: [String: TemplateValue]
    let path: String
    let scope: Bool
    let render: TemplateRender

    func child(named name: String) -> Any? {
        if render.tooDeep { return nil }
        let childPath = path.isEmpty ? name : "\(path).\(name)"
        if let value = members[name] { return TemplateNode.named(value, path: childPath, render: render) }
        return scope ? nil : render.miss(childPath)
    }

    func makeIterator() -> CollectionOfOne<ObjectNode>.Iterator {
        CollectionOfOne(ObjectNode(members: members, path: "", scope: true, render: render)).makeIterator()
    }

    var renderText: String {
        render.table(path)
        return ""
    }
    var isNull: Bool { false }
}

struct ListNode: MustacheParent, MustacheSequence, MustacheCustomRenderable, MustacheTransformable {
    let items: [TemplateValue]
    let path: String
    let render: TemplateRender

    private var elements: [Any] { items.map { TemplateNode.scope($0, render: render) } }

    /// Lists have no named children. Reached by name (`{{list.x}}`), that is a miss in strict
    /// mode; pushed on the stack (by `{{^list}}`), nil lets the lookup go on down the stack.
    func child(named name: String) -> Any? {
        path == "." || render.tooDeep ? nil : render.miss("\(path).\(name)")
    }

    func makeIterator() -> IndexingIterator<[Any]> { elements.makeIterator() }

    /// swift-mustache's list transforms: `{{count(tags)}}`, `first`, `last`, `reversed`, `empty`.
    func transform(_ name: String) -> Any? {
        elements.transform(name) ?? render.miss("\(name)(\(path))")
    }

    var renderText: String {
        render.table(path)
        return ""
    }
    var isNull: Bool { false }
}

struct TextNode: MustacheParent, MustacheSequence, MustacheCustomRenderable, MustacheTransformable {
    let text: String
    let path: String
    let render: TemplateRender

    func child(named name: String) -> Any? { render.tooDeep ? nil : render.miss("\(path).\(name)") }

    func makeIterator() -> CollectionOfOne<String>.Iterator { CollectionOfOne(text).makeIterator() }

    /// swift-mustache's string transforms: `{{lowercased(name)}}`, `uppercased`, `capitalized`, `reversed`.
    func transform(_ name: String) -> Any? {
        text.transform(name) ?? render.miss("\(name)(\(path))")
    }

    var renderText: String { text }
    var isNull: Bool { false }
}

/// A name that resolved to nothing, in strict mode.
struct Missing: MustacheParent, MustacheCustomRenderable, MustacheTransformable {
    let path: String
    let render: TemplateRender

    func child(named name: String) -> Any? { render.tooDeep ? nil : Missing(path: "\(path).\(name)", render: render) }
    func transform(_ name: String) -> Any? { self }

    var renderText: String {
        render.missing.append(path)
        return ""
    }
    var isNull: Bool { true }
}

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
/// - every lookup goes through ``TemplateRender/lookUp(_:_:)`` first, which answers the
///   partials' markers (``PartialMarkers``) and, once the render is nested too deeply, answers
///   nil for every name: each section and partial then renders nothing and the render unwinds;
/// - the bottom of the stack is always one of these nodes (``ScalarRoot`` for a text, boolean
///   or null context), so every lookup reaches one.
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

struct ObjectNode: MustacheParent, MustacheSequence, MustacheCustomRenderable {
    let members: [String: TemplateValue]
    let path: String
    let scope: Bool
    let render: TemplateRender

    func child(named name: String) -> Any? {
        render.lookUp(name) {
            let childPath = path.isEmpty ? name : "\(path).\(name)"
            if let value = members[name] { return TemplateNode.named(value, path: childPath, render: render) }
            return scope ? nil : render.miss(childPath)
        }
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
        render.lookUp(name) { path == "." ? nil : render.miss("\(path).\(name)") }
    }

    func makeIterator() -> IndexingIterator<[Any]> {
        render.iterating(items.count)
        // Past the render's budget a list renders as empty, and the render unwinds.
        return (render.tooDeep ? [] : elements).makeIterator()
    }

    /// swift-mustache's list transforms: `{{count(tags)}}`, `first`, `last`, `reversed`, `empty`
    /// (all but `reversed` answered without building the list's elements).
    func transform(_ name: String) -> Any? {
        switch name {
        case "count": return items.count
        case "empty": return items.isEmpty
        case "first": return items.first.map { TemplateNode.scope($0, render: render) } ?? render.miss("\(name)(\(path))")
        case "last": return items.last.map { TemplateNode.scope($0, render: render) } ?? render.miss("\(name)(\(path))")
        default: return elements.transform(name) ?? render.miss("\(name)(\(path))")
        }
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

    func child(named name: String) -> Any? { render.lookUp(name) { render.miss("\(path).\(name)") } }

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

    func child(named name: String) -> Any? { render.lookUp(name) { Missing(path: "\(path).\(name)", render: render) } }
    func transform(_ name: String) -> Any? { self }

    var renderText: String {
        render.missing.append(path)
        return ""
    }
    var isNull: Bool { true }
}

/// A text, boolean or null as the whole context. It renders, tests and transforms as that
/// value does (`{{.}}`, `{{#.}}`, `{{uppercased(.)}}`), and answers the names the stack
/// lets through as the root does: a miss in strict mode.
struct ScalarRoot: MustacheParent, MustacheCustomRenderable, MustacheTransformable {
    let value: TemplateValue
    let render: TemplateRender

    func child(named name: String) -> Any? { render.lookUp(name) { render.miss(name) } }

    func transform(_ name: String) -> Any? {
        guard case .text(let text) = value else { return render.miss("\(name)(.)") }
        return text.transform(name) ?? render.miss("\(name)(.)")
    }

    var renderText: String {
        switch value {
        case .text(let text): return text
        case .boolean(let b): return String(b)
        default: return ""
        }
    }
    var isNull: Bool {
        switch value {
        case .null, .boolean(false): return true
        default: return false
        }
    }
}

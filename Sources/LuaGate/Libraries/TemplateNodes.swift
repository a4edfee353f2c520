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
///   over them pushes the scope form, never the one that answers `Missing`.
enum TemplateNode {
    /// A value reached by name; `path` is the dotted name from the start of the tag.
    static func named(_ value: TemplateValue, path: String, misses: TemplateMisses?) -> Any {
        switch value {
        case .text(let text): return TextNode(text: text, path: path, misses: misses)
        case .boolean(let b): return b
        case .null: return NSNull()
        case .list(let items): return ListNode(items: items, path: path, misses: misses)
        case .object(let members): return ObjectNode(members: members, path: path, scope: false, misses: misses)
        }
    }

    /// A value pushed on the context stack.
    static func scope(_ value: TemplateValue, misses: TemplateMisses?) -> Any {
        switch value {
        case .text(let text): return text
        case .boolean(let b): return b
        case .null: return NSNull()
        case .list(let items): return ListNode(items: items, path: ".", misses: misses)
        case .object(let members): return ObjectNode(members: members, path: "", scope: true, misses: misses)
        }
    }
}

/// What a strict render found: names interpolated without a value, and names interpolated
/// whose value is a table, in render order. One render on one thread fills it.
final class TemplateMisses {
    var missing: [String] = []
    var tables: [String] = []
}

struct ObjectNode: MustacheParent, MustacheSequence, MustacheCustomRenderable {
    let members: [String: TemplateValue]
    let path: String
    let scope: Bool
    let misses: TemplateMisses?

    func child(named name: String) -> Any? {
        let childPath = path.isEmpty ? name : "\(path).\(name)"
        if let value = members[name] { return TemplateNode.named(value, path: childPath, misses: misses) }
        guard !scope, let misses else { return nil }
        return Missing(path: childPath, misses: misses)
    }

    func makeIterator() -> CollectionOfOne<ObjectNode>.Iterator {
        CollectionOfOne(ObjectNode(members: members, path: "", scope: true, misses: misses)).makeIterator()
    }

    var renderText: String {
        misses?.tables.append(path)
        return ""
    }
    var isNull: Bool { false }
}

struct ListNode: MustacheParent, MustacheSequence, MustacheCustomRenderable, MustacheTransformable {
    let items: [TemplateValue]
    let path: String
    let misses: TemplateMisses?

    private var elements: [Any] { items.map { TemplateNode.scope($0, misses: misses) } }

    /// Lists have no named children. Reached by name (`{{list.x}}`), that is a miss in strict
    /// mode; pushed on the stack (by `{{^list}}`), nil lets the lookup go on down the stack.
    func child(named name: String) -> Any? {
        path == "." ? nil : misses.map { Missing(path: "\(path).\(name)", misses: $0) }
    }

    func makeIterator() -> IndexingIterator<[Any]> { elements.makeIterator() }

    /// swift-mustache's list transforms: `{{count(tags)}}`, `first`, `last`, `reversed`, `empty`.
    func transform(_ name: String) -> Any? {
        elements.transform(name) ?? misses.map { Missing(path: "\(name)(\(path))", misses: $0) }
    }

    var renderText: String {
        misses?.tables.append(path)
        return ""
    }
    var isNull: Bool { false }
}

struct TextNode: MustacheParent, MustacheSequence, MustacheCustomRenderable, MustacheTransformable {
    let text: String
    let path: String
    let misses: TemplateMisses?

    func child(named name: String) -> Any? { misses.map { Missing(path: "\(path).\(name)", misses: $0) } }

    func makeIterator() -> CollectionOfOne<String>.Iterator { CollectionOfOne(text).makeIterator() }

    /// swift-mustache's string transforms: `{{lowercased(name)}}`, `uppercased`, `capitalized`, `reversed`.
    func transform(_ name: String) -> Any? {
        text.transform(name) ?? misses.map { Missing(path: "\(name)(\(path))", misses: $0) }
    }

    var renderText: String { text }
    var isNull: Bool { false }
}

/// A name that resolved to nothing, in strict mode.
struct Missing: MustacheParent, MustacheCustomRenderable, MustacheTransformable {
    let path: String
    let misses: TemplateMisses

    func child(named name: String) -> Any? { Missing(path: "\(path).\(name)", misses: misses) }
    func transform(_ name: String) -> Any? { self }

    var renderText: String {
        misses.missing.append(path)
        return ""
    }
    var isNull: Bool { true }
}

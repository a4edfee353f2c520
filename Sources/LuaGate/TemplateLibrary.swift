import CLua
import Foundation
import LuaKit
import Mustache

/// `luagate.template`: Mustache templates, parsed and rendered by
/// hummingbird-project/swift-mustache, over Lua tables.
///
/// `s = template.render(tpl, context [, {escape = "none", strict = true, partials = {}}])`
enum TemplateLibrary {
    static func render(_ call: LuaCall) throws -> LuaReturn {
        let source = try call.checkString(1)
        let options = try TemplateOptions(call, argument: 3)
        var members: [String: TemplateValue] = [:]
        switch call.type(2) {
        case .none, .nil: break
        case .table:
            var reader = TemplateContextReader(stack: call.stack)
            let context: TemplateValue
            do {
                context = try reader.value(at: 2)
            } catch {
                throw LuaArgumentError(argument: 2, "\(error)")
            }
            guard case .object(let m) = context else {
                throw LuaArgumentError(argument: 2, "context must be a table of named values, not a list")
            }
            members = m
        default:
            throw call.typeError(2, expected: "table")
        }
        do {
            call.stack.push(try options.renderer.render(source, members))
        } catch {
            throw LuaRuntimeError(error.description)
        }
        return .one
    }
}

/// The options table of `template.render`.
struct TemplateOptions {
    var renderer = TemplateRenderer()

    init(_ call: LuaCall, argument: Int32) throws {
        guard call.type(argument) != .none, call.type(argument) != .nil else { return }
        try call.checkTable(argument)
        let s = call.stack
        lua_pushnil(call.L)
        while lua_next(call.L, argument) != 0 {
            defer { s.pop() }
            let key = s.string(at: -2) ?? "?"
            func fail(_ message: String) -> LuaArgumentError {
                s.pop()  // the key: the deferred pop removes the value
                return LuaArgumentError(argument: argument, message)
            }
            switch key {
            case "escape":
                guard let name = s.string(at: -1), let escape = TemplateRenderer.Escape(rawValue: name) else {
                    throw fail("field 'escape': must be \"none\", \"json\" or \"html\"")
                }
                renderer.escape = escape
            case "strict":
                guard s.type(at: -1) == .boolean else { throw fail("field 'strict': must be a boolean") }
                renderer.strict = lua_toboolean(call.L, -1) != 0
            case "partials":
                guard s.type(at: -1) == .table else { throw fail("field 'partials': must be a table of name = template") }
                guard let partials = Self.strings(s, at: s.absolute(-1)) else {
                    throw fail("field 'partials': must be a table of name = template")
                }
                renderer.partials = partials
            default:
                throw fail("unknown option '\(key)' (allowed: escape, partials, strict)")
            }
        }
    }

    /// A table of string keys and string values, or nil.
    private static func strings(_ s: LuaStack, at index: Int32) -> [String: String]? {
        var result: [String: String] = [:]
        lua_pushnil(s.L)
        while lua_next(s.L, index) != 0 {
            defer { s.pop() }
            guard let key = s.string(at: -2), s.type(at: -2) == .string, let value = s.string(at: -1) else {
                s.pop()
                return nil
            }
            result[key] = value
        }
        return result
    }
}

/// Renders one template with its partials.
struct TemplateRenderer {
    enum Escape: String {
        /// Values as they are.
        case none
        /// Values escaped to sit inside a JSON string: `"` → `\"`, newline → `\n`, ….
        case json
        /// The Mustache spec's HTML escaping (swift-mustache's default).
        case html

        /// The CONTENT_TYPE pragma put in front of each template; nil keeps HTML.
        var pragma: String? {
            switch self {
            case .none: return "TEXT"
            case .json: return JSONStringContentType.name
            case .html: return nil
            }
        }
    }

    var escape = Escape.none
    /// A missing variable is an error naming it and its position.
    var strict = true
    var partials: [String: String] = [:]

    func render(_ source: String, _ members: [String: TemplateValue]) throws(TemplateError) -> String {
        _ = JSONStringContentType.registered
        let template = try parse(source, partial: nil)
        var library = MustacheLibrary()
        for (name, text) in partials { library.register(try parse(text, partial: name), named: name) }
        let misses = strict ? TemplateMisses() : nil
        let output = template.render(ObjectNode(members: members, path: "", scope: false, misses: misses), library: library)
        if let misses, let error = TemplateError(misses, source: source, partials: partials) { throw error }
        return output
    }

    /// Parses with the escaping pragma on a standalone first line, which renders nothing.
    /// Partials get it too: swift-mustache starts each partial with HTML escaping.
    private func parse(_ text: String, partial: String?) throws(TemplateError) -> MustacheTemplate {
        let prefix = escape.pragma.map { "{{%CONTENT_TYPE:\($0)}}\n" } ?? ""
        do {
            return try MustacheTemplate(string: prefix + text)
        } catch let error as MustacheTemplate.ParserError {
            let line = error.context.lineNumber - (prefix.isEmpty ? 0 : 1)
            throw TemplateError(message: TemplateError.describe(error.error),
                                position: TagPosition(partial: partial, line: line, column: error.context.columnNumber))
        } catch {
            throw TemplateError(message: "\(error)", position: nil)
        }
    }
}

/// Escapes values to sit inside a JSON string, with JSONEncoder doing the escaping.
struct JSONStringContentType: MustacheContentType {
    static let name = "LUAGATE_JSON"
    static let registered: Void = MustacheContentTypes.register(JSONStringContentType(), named: name)

    func escapeText(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(text) else { return text }  // a String always encodes
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)  // without the quotes
    }
}

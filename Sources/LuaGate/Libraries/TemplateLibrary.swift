import Foundation
import LuaKit
import Mustache

/// `luagate.template`: Mustache templates, parsed and rendered by
/// hummingbird-project/swift-mustache, over Lua tables.
///
/// `s = template.render(tpl, context [, {escape = "none", strict = true, partials = {}}])`;
/// any value may be the context.
enum TemplateLibrary {
    static func render(_ call: LuaCall) throws -> LuaReturn {
        let source = try call.checkString(1)
        let options = try TemplateOptions(call, argument: 3)
        // Any value may be the root context (`{{.}}` is the value itself); none is `{}`.
        var context = TemplateValue.object([:])
        if call.type(2) != .none && call.type(2) != .nil {
            var reader = TemplateContextReader(stack: call.stack)
            do {
                context = try reader.value(at: 2)
            } catch {
                throw LuaArgumentError(argument: 2, "\(error)")
            }
            // An empty table at the root holds named values yet to come, not an empty list.
            if case .list(let items) = context, items.isEmpty { context = .object([:]) }
        }
        do {
            call.stack.push(try options.renderer.render(source, context))
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
        let options = try OptionsTable(call, argument: argument, allowed: ["escape", "partials", "strict"])
        if let value = options["escape"] {
            guard let escape = value.stringValue.flatMap(TemplateRenderer.Escape.init(rawValue:)) else {
                throw options.error("escape", "must be \"none\", \"json\" or \"html\"")
            }
            renderer.escape = escape
        }
        switch options["strict"] {
        case nil: break
        case .boolean(let b)?: renderer.strict = b
        default: throw options.error("strict", "must be a boolean")
        }
        switch options["partials"] {
        case nil: break
        case .table(let entries)?:
            for (name, text) in entries {
                guard let name = name.stringValue, let text = text.stringValue else {
                    throw options.error("partials", "must be a table of name = template")
                }
                renderer.partials[name] = text
            }
        default: throw options.error("partials", "must be a table of name = template")
        }
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

    func render(_ source: String, _ context: TemplateValue) throws(TemplateError) -> String {
        _ = JSONStringContentType.registered
        let measure = try TemplateStack.measure([source] + partials.values)
        return try TemplateStack.run(levels: measure.levels) { reserve -> Result<String, TemplateError> in
            do throws(TemplateError) {
                return .success(try renderHere(source, context, reserve: reserve, measure: measure))
            } catch {
                return .failure(error)
            }
        }.get()
    }

    /// Parses and renders on this thread, which has the stack for it (``TemplateStack``).
    private func renderHere(_ source: String, _ context: TemplateValue, reserve: Int, measure: TemplateStack.Measure)
        throws(TemplateError) -> String
    {
        let template = try parse(source, partial: nil)
        let names = partials.keys.sorted()
        let markers = PartialMarkers()
        var library = MustacheLibrary()
        var bodies = [template]
        for (index, name) in names.enumerated() {
            let body = try parse(partials[name]!, partial: name)
            bodies.append(body)
            library.register(body, named: markers.bodyName(index))
            library.register(try parse(PartialMarkers.wrapper(index), partial: name), named: name)
        }
        try TemplateBlocks.checkOverrides(bodies)
        let render = TemplateRender(strict: strict, partials: names, markers: markers, reserve: reserve,
                                    sectionTags: measure.levels, indentation: measure.indentation)
        let root: Any
        switch context {
        case .object(let members): root = ObjectNode(members: members, path: "", scope: false, render: render)
        case .list: root = TemplateNode.scope(context, render: render)
        case .text, .boolean, .null: root = ScalarRoot(value: context, render: render)
        }
        let output = template.render(root, library: library)
        if render.abandoned && render.work > TemplateRender.maxWork {
            throw TemplateError(message: "rendering took more than \(TemplateRender.maxWork) steps (lookups and list "
                                    + "elements): sections over lists nested in each other multiply the work", position: nil)
        }
        if render.abandoned {
            throw TemplateError(
                message: "rendering nested too deeply" + (render.cycle.map {
                    ": partial '\($0[0])' includes itself (\($0.joined(separator: " → "))) and the data does not end it"
                } ?? ""),
                position: nil)
        }
        if strict, let error = TemplateError(render, source: source, partials: partials) { throw error }
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

import LuaKit
import NgrokAI

/// Reads a table argument of named fields (`{name = "x", description = json.null}`),
/// refusing unknown fields and wrong types with validation errors that name
/// the field, before any request is made.
struct FieldReader {
    let operation: String
    let argument: Int32
    let id: String?
    private let entries: [String: LuaValue]

    /// Reads argument `argument` of `call` as a table holding only `allowed` fields.
    /// With `optional`, a missing (nil) argument reads as an empty table.
    init(_ call: LuaCall, argument: Int32, operation: String, id: String? = nil, allowed: [String], optional: Bool = false) throws {
        self.operation = operation
        self.argument = argument
        self.id = id
        let type = call.type(argument)
        if optional, type == .nil || type == .none {
            entries = [:]
            return
        }
        guard type == .table else {
            throw Self.error(call.typeError(argument, expected: "table").message, argument, operation, id, field: nil)
        }
        let value: LuaValue
        do {
            value = try call.stack.value(at: argument)
        } catch {
            throw Self.error("\(error)", argument, operation, id, field: nil)
        }
        var entries: [String: LuaValue] = [:]
        let pairs: [(LuaValue, LuaValue)]
        switch value {
        case .table(let t): pairs = Array(t)
        case .array(let a): pairs = a.enumerated().map { (.integer(Int64($0.offset + 1)), $0.element) }
        default: pairs = []
        }
        for (key, item) in pairs {
            guard let name = key.stringValue, allowed.contains(name) else {
                let shown = key.stringValue.map { "'\($0)'" } ?? "[\(Self.describe(key))]"
                let list = allowed.sorted().joined(separator: ", ")
                throw Self.error("unknown field \(shown) (allowed: \(list))", argument, operation, id, field: key.stringValue)
            }
            entries[name] = item
        }
        self.entries = entries
    }

    /// A string field; `required` ones must be present.
    func string(_ name: String, required: Bool = false) throws -> String? {
        switch entries[name] {
        case nil:
            if required { throw failure(name, "is required") }
            return nil
        case .string(let s)?:
            guard let text = s.string else { throw failure(name, "must be valid UTF-8") }
            return text
        case let other?:
            throw failure(name, "must be a string (got \(other.typeName))")
        }
    }

    /// A field that may be a string (set), `json.null` (clear) or absent (unchanged).
    func patch(_ name: String) throws -> Patch<String> {
        switch entries[name] {
        case nil: return .unchanged
        case .null?: return .clear
        case .string(let s)?:
            guard let text = s.string else { throw failure(name, "must be valid UTF-8") }
            return .set(text)
        case let other?:
            throw failure(name, "must be a string or json.null (got \(other.typeName))")
        }
    }

    /// An integer field.
    func integer(_ name: String) throws -> Int? {
        switch entries[name] {
        case nil: return nil
        case .integer(let i)?: return Int(clamping: i)
        case .number(let d)? where d == d.rounded() && abs(d) < 1e15: return Int(d)
        case let other?:
            throw failure(name, "must be an integer (got \(other.typeName))")
        }
    }

    func failure(_ field: String, _ rule: String) -> any Error {
        Self.error("field '\(field)': \(rule)", argument, operation, id, field: field)
    }

    static func error(_ text: String, _ argument: Int32, _ operation: String, _ id: String?, field: String?) -> any Error {
        var error = NgrokAIError.validation(operation: operation, id: id, field: field ?? "", rule: text)
        error.field = field
        error.message = text
        return LuaArgumentError(argument: argument, text, object: ErrorObject(error: error))
    }

    private static func describe(_ key: LuaValue) -> String {
        switch key {
        case .integer(let i): return String(i)
        case .number(let d): return String(d)
        case .boolean(let b): return String(b)
        default: return key.typeName
        }
    }
}

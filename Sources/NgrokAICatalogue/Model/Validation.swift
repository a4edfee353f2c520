import Foundation

/// A value that breaks a rule of the catalogue, found before anything is sent.
public struct Violation: Error, Sendable, Equatable {
    /// Where: a field name, or a path into a nested value (`router.rules[1].steps`).
    public var field: String
    /// The rule broken, e.g. `at most 255 characters (got 300)`.
    public var rule: String
    /// The field is not one the operation takes (``rule`` is then the whole message).
    public var isUnknownField: Bool
    /// ngrok's error code for a rule it states in prose (the fake answers with it).
    public var code: String?

    public init(field: String, rule: String, isUnknownField: Bool = false, code: String? = nil) {
        self.field = field
        self.rule = rule
        self.isUnknownField = isUnknownField
        self.code = code
    }

    /// `field 'name': at most 255 characters (got 300)` or `unknown field 'x' (allowed: …)`.
    public var message: String { isUnknownField ? rule : "field '\(field)': \(rule)" }
}

/// What a body is checked for.
public enum WriteMode: Sendable, Equatable {
    /// A create body, an action body, query parameters, or a nested value written whole.
    case create
    /// A PATCH body: every field optional, `null` clears where allowed.
    case update
}

extension Resource {
    /// The query parameters of `list`: `beforeId`, `limit`, then ``listFilters``.
    public var listParameters: [Field] {
        [
            Field("beforeId", .string, "Start after this id (the API's cursor).", create: .optional, minLength: 1),
            Field("limit", .integer, "Page size.", create: .optional, range: Catalogue.pageSize),
        ] + listFilters
    }

    /// Checks a create or update body against the catalogue and returns it normalized (Unix
    /// times as RFC 3339, empty tables as empty arrays where a list is expected).
    /// A ``partlyPublished`` resource lets members the catalogue does not know through as
    /// given (see ``Shape/unknownFields(in:fields:mode:)``).
    public func checked(_ body: [String: JSONValue], for mode: WriteMode) throws(Violation) -> [String: JSONValue] {
        let checked: [String: JSONValue]
        do {
            checked = try Shape.check(body, fields: fields, mode: mode, path: "", lenient: partlyPublished)
        } catch {
            throw ruleCode(error)
        }
        try checkRules(checked)
        return checked
    }

    /// Checks the body of an action such as `rotate`.
    public func checked(_ body: [String: JSONValue], action: Action) throws(Violation) -> [String: JSONValue] {
        try Shape.check(body, fields: action.fields, mode: .create, path: "")
    }
}

/// Checking values against lists of fields. Walks follow the catalogue's shapes, which are
/// finite, so the depth of any walk is bounded by the deepest shape.
public enum Shape {
    /// Checks `members` against `fields` and returns them normalized.
    public static func check(
        _ members: [String: JSONValue], fields: [Field], mode: WriteMode, path: String,
        exclusive: [[String]] = [], lenient: Bool = false
    ) throws(Violation) -> [String: JSONValue] {
        let allowed = fields.filter { mode == .update ? $0.update != .no : $0.create != .no }
        var out: [String: JSONValue] = [:]
        for key in members.keys.sorted() where !allowed.contains(where: { $0.name == key }) {
            if lenient, !fields.contains(where: { $0.name == key }) {
                out[key] = members[key]
                continue
            }
            let list = allowed.map(\.name).sorted().joined(separator: ", ")
            let shown = (path.isEmpty ? key : "\(path).\(key)").abbreviated()
            let rule = list.isEmpty ? "unknown field '\(shown)' (it takes none)" : "unknown field '\(shown)' (allowed: \(list))"
            throw Violation(field: shown, rule: rule, isUnknownField: true)
        }
        for field in allowed {
            let at = path.isEmpty ? field.name : "\(path).\(field.name)"
            guard let value = members[field.name] else {
                if mode == .create && field.create == .required { throw Violation(field: at, rule: "is required") }
                continue
            }
            if value.isNull {
                // In a create body, null for an optional field means the same as leaving it out.
                if mode == .create && field.create == .optional { continue }
                guard mode == .update else {
                    throw Violation(field: at, rule: "must be \(describe(field.type)) (got json.null)")
                }
                guard field.update == .setOrClear else { throw Violation(field: at, rule: "cannot be cleared") }
                out[field.name] = .null
                continue
            }
            out[field.name] = try checkValue(value, field: field, type: field.type, mode: mode, path: at, lenient: lenient)
        }
        if !exclusive.isEmpty {
            let given = Set(out.keys).intersection(fields.map(\.name))
            guard exclusive.contains(where: { Set($0) == given }) else {
                let options = exclusive.map { $0.joined(separator: " and ") }.joined(separator: ", or ")
                throw Violation(field: path, rule: "needs either \(options)")
            }
        }
        return out
    }

    /// Checks query parameters (required ones must be present) and returns them as
    /// `name=value` strings in field order, values not yet percent-encoded.
    public static func queryItems(_ parameters: [String: JSONValue], fields: [Field]) throws(Violation) -> [(String, String)] {
        let checked = try check(parameters, fields: fields, mode: .create, path: "")
        return fields.compactMap { field in
            guard let value = checked[field.name] else { return nil }
            switch value {
            case .string(let s): return (field.name, s)
            case .int(let i): return (field.name, String(i))
            case .bool(let b): return (field.name, b ? "true" : "false")
            case .double(let d): return (field.name, String(d))
            default: return nil
            }
        }
    }

    /// The members of `value` that `fields` do not know, at any depth, as paths without list
    /// positions (`rules.regex`), sorted.
    public static func unknownFields(in value: JSONValue, fields: [Field], path: String = "") -> [String] {
        var found = Set<String>()
        collectUnknown(value, fields, path, &found)
        return found.sorted()
    }

    private static func collectUnknown(_ value: JSONValue, _ fields: [Field], _ path: String, _ found: inout Set<String>) {
        switch value {
        case .array(let items): for item in items { collectUnknown(item, fields, path, &found) }
        case .object(let members):
            for (key, member) in members {
                let at = path.isEmpty ? key : "\(path).\(key)"
                guard let field = fields.first(where: { $0.name == key }) else {
                    found.insert(at)
                    continue
                }
                if let nested = nestedFields(field.type) { collectUnknown(member, nested, at, &found) }
            }
        default: break
        }
    }

    private static func checkValue(
        _ value: JSONValue, field: Field, type: FieldType, mode: WriteMode, path: String, lenient: Bool = false
    ) throws(Violation) -> JSONValue {
        let expected = mode == .update && path.firstIndex(of: ".") == nil && field.update == .setOrClear
            ? "\(describe(type)) or json.null" : describe(type)
        func mismatch() -> Violation { Violation(field: path, rule: "must be \(expected) (got \(luaName(value)))") }
        switch type {
        case .string, .duration, .decimal, .oneOf:
            guard case .string(let text) = value else { throw mismatch() }
            try checkLength(text, field: field, path: path)
            if case .oneOf(let choices) = type, !choices.contains(text) {
                throw Violation(field: path, rule: "must be one of \(choices.joined(separator: ", ")) (got \"\(text.abbreviated())\")")
            }
            if case .duration = type, !isDuration(text) {
                throw Violation(field: path, rule: "must be a duration such as 30s or 1m30s (got \"\(text.abbreviated())\")")
            }
            return value
        case .timestamp:
            switch value {
            case .string(let text):
                guard RFC3339.date(from: text) != nil else {
                    throw Violation(field: path, rule: "must be an RFC 3339 time such as 2026-01-31T12:00:00Z (got \"\(text.abbreviated())\")")
                }
                return value
            case .int(let seconds):
                return .string(RFC3339.string(from: Date(timeIntervalSince1970: Double(seconds))))
            case .double(let seconds) where seconds.isFinite:
                return .string(RFC3339.string(from: Date(timeIntervalSince1970: seconds)))
            default: throw mismatch()
            }
        case .integer:
            let integer: Int64
            switch value {
            case .int(let i): integer = i
            case .double(let d) where d == d.rounded() && abs(d) < 9.0e15: integer = Int64(d)
            default: throw mismatch()
            }
            if let range = field.range, !range.contains(integer) {
                throw Violation(field: path, rule: "must be between \(range.lowerBound) and \(range.upperBound) (got \(integer))")
            }
            return .int(integer)
        case .number:
            switch value {
            case .int, .double: return value
            default: throw mismatch()
            }
        case .boolean:
            guard case .bool = value else { throw mismatch() }
            return value
        case .ref, .any:
            return value
        case .object(let members, let exclusive):
            let given: [String: JSONValue]
            switch value {
            case .object(let object): given = object
            case .array(let items) where items.isEmpty: given = [:]  // an empty Lua table marked as a list
            default: throw mismatch()
            }
            return .object(try check(given, fields: members, mode: .create, path: path, exclusive: exclusive, lenient: lenient))
        case .array(let item, let minItems):
            let items: [JSONValue]
            switch value {
            case .array(let list): items = list
            case .object(let members) where members.isEmpty: items = []  // an empty Lua table
            default: throw mismatch()
            }
            if items.count < minItems {
                throw Violation(field: path, rule: "needs at least \(minItems) item\(minItems == 1 ? "" : "s")")
            }
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for (index, element) in items.enumerated() {
                let at = "\(path)[\(index + 1)]"
                guard !element.isNull else { throw Violation(field: at, rule: "must not be json.null") }
                out.append(try checkValue(element, field: field, type: item, mode: .create, path: at, lenient: lenient))
            }
            return .array(out)
        }
    }

    private static func checkLength(_ text: String, field: Field, path: String) throws(Violation) {
        if let min = field.minLength, text.unicodeScalars.count < min {
            throw Violation(field: path, rule: min == 1 ? "must not be empty" : "at least \(min) characters (got \(text.unicodeScalars.count))")
        }
        if let max = field.maxLength, text.utf8.count > max {
            let count = text.unicodeScalars.count
            if count > max { throw Violation(field: path, rule: "at most \(max) characters (got \(count))") }
        }
    }

    /// `300ms`, `1.5h`, `2h45m`: Go's `time.ParseDuration` syntax (a sign, then number-unit pairs).
    static func isDuration(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        if rest == "0" { return true }
        guard !rest.isEmpty else { return false }
        let units = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != "." else { return false }
            rest = rest.dropFirst(number.count)
            guard let unit = units.sorted(by: { $0.count > $1.count }).first(where: { rest.hasPrefix($0) }) else { return false }
            rest = rest.dropFirst(unit.count)
        }
        return true
    }

    /// `a string`, `an integer`, `a table`, as messages say what was expected.
    public static func describe(_ type: FieldType) -> String {
        switch type {
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "a boolean"
        case .timestamp: "an RFC 3339 string or a number (Unix time)"
        case .array: "a list"
        case .ref, .object: "a table"
        case .any: "a value"
        default: "a string"
        }
    }

    /// The Lua type a script gave, for messages.
    static func luaName(_ value: JSONValue) -> String {
        switch value {
        case .null: "json.null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array(let items): items.isEmpty ? "table" : "list"
        case .object: "table"
        }
    }
}

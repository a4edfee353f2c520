import CLua
import LuaKit
import NgrokAI

/// Reading the arguments of a resource call: an id, and a table of named fields read as JSON
/// and checked against the catalogue, before any request. Failures are lauxlib-style argument
/// errors (`bad argument #2 to 'update' (field 'name': …)`) that raise a `validation` error object.
struct Arguments {
    let call: LuaCall
    let operation: String

    /// Argument `n` as a record id: a non-empty string.
    func id(_ n: Int32 = 1) throws -> String {
        guard call.type(n) == .string else {
            throw error(call.typeError(n, expected: "string").message, argument: n, id: nil, field: "id")
        }
        guard let id = call.stack.string(at: n), !id.isEmpty else {
            let rule = call.stack.string(at: n) == nil ? "id must be valid UTF-8" : "id must not be empty"
            throw error(rule, argument: n, id: nil, field: "id")
        }
        if id.utf8.count > Catalogue.maxIDLength, id.count > Catalogue.maxIDLength {
            throw error("id: at most \(Catalogue.maxIDLength) characters (got \(id.count))", argument: n, id: nil, field: "id")
        }
        return id
    }

    /// Argument `n` as a table whose keys are names in `allowed`, values read as JSON (nil
    /// fields are absent, `json.null` is JSON null). With `optional`, nil reads as `{}`.
    /// With `lenient` (a partly published resource), names outside `allowed` are read too: the
    /// catalogue check then refuses only the ones it knows to be wrong.
    func fields(_ n: Int32, allowed: [String], id: String? = nil, optional: Bool = false, lenient: Bool = false) throws -> [String: JSONValue] {
        let type = call.type(n)
        if optional, type == .nil || type == .none { return [:] }
        guard type == .table else { throw error(call.typeError(n, expected: "table").message, argument: n, id: id, field: nil) }
        let stack = call.stack
        let L = stack.L
        guard stack.ensure(4) else { throw error("table too large", argument: n, id: id, field: nil) }
        var fields: [String: JSONValue] = [:]
        var encoding = JSONEncoding(stack: stack, marksIntegralFloats: false)
        lua_pushnil(L)
        while lua_next(L, n) != 0 {
            let keyType = lua_type(L, -2)
            guard keyType == LUA_TSTRING, let name = stack.string(at: -2), lenient || allowed.contains(name) else {
                let shown = keyType == LUA_TSTRING ? "'\(stack.string(at: -2) ?? "?")'" : "[\(Self.describeKey(stack))]"
                let field = keyType == LUA_TSTRING ? stack.string(at: -2) : nil
                lua_settop(L, -3)
                let list = allowed.sorted().joined(separator: ", ")
                let rule = list.isEmpty ? "unknown field \(shown) (it takes none)" : "unknown field \(shown) (allowed: \(list))"
                throw error(rule, argument: n, id: id, field: field)
            }
            do {
                var visiting = Set<UnsafeRawPointer>()
                fields[name] = try encoding.value(at: -1, path: name, visiting: &visiting)
            } catch let failure as JSONEncodingError {
                let got = stack.type(at: -1).name
                lua_settop(L, -3)
                let rule = failure.description.contains("UTF-8") ? "must be valid UTF-8"
                    : failure.description.hasPrefix("cannot encode inf") || failure.description.hasPrefix("cannot encode -inf")
                        || failure.description.contains("nan") && got == "number" ? "must be a finite number"
                    : failure.description.hasPrefix("cannot encode a ") && !failure.description.contains(" at \(name).")
                        && !failure.description.contains(" at \(name)[") ? "cannot be a \(got)" : failure.description
                throw error("field '\(name)': \(rule)", argument: n, id: id, field: name)
            }
            lua_settop(L, -2)
        }
        return fields
    }

    /// Runs a catalogue check; a violation becomes the argument error of argument `n` (of 1
    /// when it is about the id).
    func checked<T>(_ n: Int32, id: String?, _ body: () throws(Violation) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw self.error(error.message, argument: error.field == "id" ? 1 : n, id: id, field: error.field, apiCode: error.code)
        }
    }

    /// The argument error raising a `validation` error object (`apiCode`: ngrok's code for
    /// the rule, when the catalogue knows it).
    func error(_ text: String, argument: Int32, id: String?, field: String?, apiCode: String? = nil) -> any Error {
        var error = NgrokAIError.validation(operation: operation, id: id, field: field ?? "", rule: text)
        error.field = field
        error.message = text
        return LuaArgumentError(argument: argument, text, object: ErrorObject(error: error, apiCode: apiCode))
    }

    private static func describeKey(_ stack: LuaStack) -> String {
        let L = stack.L
        switch lua_type(L, -2) {
        case LUA_TNUMBER:
            var isInteger: Int32 = 0
            let i = lua_tointegerx(L, -2, &isInteger)
            return isInteger != 0 ? String(i) : String(lua_tonumberx(L, -2, nil))
        case LUA_TBOOLEAN: return lua_toboolean(L, -2) != 0 ? "true" : "false"
        default: return stack.type(at: -2).name
        }
    }
}

extension Resource {
    /// The names a script may give to `operation` (`create`, `update`, an action, `list`, a query).
    func allowedNames(_ operation: String) -> [String] {
        switch operation {
        case "create": return fields.filter { $0.create != .no }.map(\.name)
        case "update": return fields.filter { $0.update != .no }.map(\.name)
        default: break
        }
        if let action = action(operation) { return action.fields.map(\.name) }
        return queryParameters(operation).map(\.name)
    }

    /// The parameters scripts give to `list`/`iter` (paging is theirs: no `beforeId`) or a query.
    func queryParameters(_ operation: String) -> [Field] {
        if kind == .collection, operation == "list" || operation == "iter" {
            return listParameters.filter { $0.name != "beforeId" }
        }
        if operation == "list" || operation == "iter" { return queries.first { $0.result.isPaged }?.parameters ?? [] }
        return query(operation)?.parameters ?? []
    }
}

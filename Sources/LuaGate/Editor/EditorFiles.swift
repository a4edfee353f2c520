import Foundation
import NgrokAI

/// What editors and linters need to know of luagate, written from the resource catalogue, the
/// stdlib's doc comments and the running state: LuaLS definition files (`---@meta`) and a
/// luacheck std. `luagate --types DIR` writes them; the package installs them.
public enum EditorFiles {
    /// Relative path → contents: `luagate.lua` (the globals), `luagate/<module>.lua` (each
    /// stdlib module), `luacheckrc` (a std table for `stds.luagate = dofile(…)`).
    public static func all(_ runtime: Runtime) -> [String: String] {
        var files = ["luagate.lua": LuaLSTypes.globals(runtime), "luacheckrc": luacheckStd(runtime)]
        for module in documentedModules {
            files[module.replacingOccurrences(of: ".", with: "/") + ".lua"] = LuaLSTypes.module(module, runtime)
        }
        // A callable module whose argument is the account file: its shape comes from the catalogue.
        files["luagate/account.lua"] = LuaLSTypes.account(runtime)
        return files
    }

    /// The stdlib modules users `require` (their definition files are written).
    public static let documentedModules = ["luagate.job", "luagate.metadata", "luagate.plan", "luagate.rename", "luagate.template", "luagate.time"]

    /// A luacheck std: every luagate global and its fields, read-only.
    static func luacheckStd(_ runtime: Runtime) -> String {
        var text = """
            -- The luagate globals for luacheck, read-only. Written by `luagate --types DIR`; use it with
            --   stds.luagate = dofile("/usr/share/luagate/luacheckrc")
            --   std = "lua54+luagate"
            return {
              read_globals = {

            """
        for (name, fields) in runtime.luagateGlobals().sorted(by: { $0.key < $1.key }) {
            let list = fields.keys.sorted().map { "\($0) = {}" }.joined(separator: ", ")
            text += "    \(name) = { fields = { \(list) } },\n"
        }
        return text + "  },\n}\n"
    }
}

/// LuaLS definitions.
enum LuaLSTypes {
    static func globals(_ runtime: Runtime) -> String {
        var out = """
            ---@meta
            -- The luagate globals for lua-language-server, written by `luagate --types DIR` from the
            -- resource catalogue. Records are plain tables with the API's field names.

            ---An API failure, as every luagate function raises it.
            ---@class luagate.error
            ---@field status integer? The HTTP status; nil for validation and transport failures.
            ---@field code string ngrok's `ERR_NGROK_…` code, or validation, http, network, timeout, decode, auth, config, drift.
            ---@field message string What went wrong.
            ---@field operation string The call, e.g. `providerKeys.update`.
            ---@field id string? The record id, when there is one.
            ---@field field string? The offending field, for validation errors.
            ---@field body string? The raw response body, for HTTP errors.
            ---@field current table? For `drift` errors: the record as it is now.

            ---`{id, uri}` of a user or record.
            ---@class luagate.ref
            ---@field id string
            ---@field uri string

            ---Options of every `update`: `expect` sends the update only if these fields still hold these values;
            ---a record that already holds the update's values is left alone (second result `"unchanged"`);
            ---`before` is the record as the caller read it, which `--journal` records without reading it again.
            ---@class luagate.updateOptions
            ---@field expect? table<string, any>
            ---@field before? table


            """
        for resource in Catalogue.all { out += self.resource(resource) }
        out += purchasesAndAPI
        out += jsonAndTask
        out += "\n-- Stdlib modules that are globals too, loaded on first use.\n"
        for (global, module) in Runtime.moduleGlobals { out += "\(global) = require(\"\(module)\")\n" }
        return out
    }

    private static func recordClass(_ resource: Resource) -> String { "luagate.\(resource.recordName)" }

    static func luaType(_ type: FieldType) -> String {
        switch type {
        case .string, .duration, .decimal, .oneOf: "string"
        case .timestamp: "string"
        case .integer: "integer"
        case .number: "number"
        case .boolean: "boolean"
        case .ref: "luagate.ref"
        case .object: "table"
        case .array(let item, _): luaType(item) + "[]"
        case .any: "any"
        }
    }

    /// `{name: string, description?: string}`: a table of fields for a parameter.
    private static func shape(_ fields: [Field], requiredWhen: (Field) -> Bool, clearable: (Field) -> Bool = { _ in false }) -> String {
        "{" + fields.map { field in
            var type = luaType(field.type)
            if case .timestamp = field.type { type = "string|number" }
            if clearable(field) { type += "|lightuserdata" }
            return "\(field.name)\(requiredWhen(field) ? "" : "?"): \(type)"
        }.joined(separator: ", ") + "}"
    }

    private static func resource(_ resource: Resource) -> String {
        let record = recordClass(resource)
        var out = "---\(resource.summary)\n---@class \(record)\n"
        let fields = resource.kind == .readOnly ? (recordQuery(resource)?.fields ?? []) : resource.fields
        for field in fields where field.inRecord {
            out += "---@field \(field.name) \(luaType(field.type))\(field.requiredInRecord ? "" : "?") \(field.summary)\n"
        }
        out += "\n---@class luagate.\(resource.name)\n\(resource.name) = {}\n\n"
        for operation in resource.operations {
            out += function(resource, operation, record: record)
        }
        return out
    }

    /// The query whose items a read-only resource's record class describes: the paged one, or
    /// else the first list (`models.list`) when the record class is not the library's own name.
    private static func recordQuery(_ resource: Resource) -> Query? {
        if let paged = resource.queries.first(where: { $0.result.isPaged }) { return paged }
        guard resource.recordName != resource.name else { return nil }
        return resource.queries.first { if case .items = $0.result { true } else { false } }
    }

    private static func function(_ resource: Resource, _ operation: String, record: String) -> String {
        let name = "\(resource.name).\(operation)"
        let syntax = "---`\(Signatures.signature(resource, operation))`\n"
        let writable = resource.fields.filter { $0.create != .no }
        let updatable = resource.fields.filter { $0.update != .no }
        // A read-only resource's `list` or `get` that is one query (`models.list`, `models.get`).
        let isQuery = resource.kind == .readOnly && resource.query(operation).map { !$0.result.isPaged } == true
        switch isQuery ? "" : operation {
        case "list", "iter":
            let parameters = shape(resource.queryParameters(operation)) { $0.create == .required }
            let required = resource.queryParameters(operation).contains { $0.create == .required }
            let result = operation == "list" ? "---@return \(record)[]\n" : "---@return fun(): \(record)?\n"
            return syntax + "---@param params\(required ? "" : "?") \(parameters)\n" + result + "function \(name)(params) end\n\n"
        case "get":
            let id = resource.kind == .collection ? "---@param id string\n" : ""
            return syntax + id + "---@return \(record)\n" + "function \(name)(\(resource.kind == .collection ? "id" : "")) end\n\n"
        case "create":
            return syntax + "---@param fields \(shape(writable) { $0.create == .required })\n---@return \(record)\n"
                + "function \(name)(fields) end\n\n"
        case "update":
            let fields = "---@param fields \(shape(updatable, requiredWhen: { _ in false }, clearable: { $0.update == .setOrClear }))\n"
                + "---@param options? luagate.updateOptions\n---@return \(record)\n---@return \"unchanged\"? unchanged\n"
            if resource.kind == .collection {
                return syntax + "---@param id string\n" + fields + "function \(name)(id, fields, options) end\n\n"
            }
            return syntax + fields + "function \(name)(fields, options) end\n\n"
        case "delete":
            return syntax + "---@param id string\n---@return true\nfunction \(name)(id) end\n\n"
        default:
            if let action = resource.action(operation) {
                return "---\(action.summary)\n" + syntax + "---@param id string\n---@param fields \(shape(action.fields) { $0.create == .required })\n"
                    + "---@return \(record)\nfunction \(name)(id, fields) end\n\n"
            }
            let query = resource.query(operation)
            let parameters = query?.parameters ?? []
            var parameter = parameters.isEmpty ? "" : "---@param params\(parameters.contains { $0.create == .required } ? "" : "?") \(shape(parameters) { $0.create == .required })\n"
            var names = parameters.isEmpty ? [] : ["params"]
            if let argument = query?.argument {
                parameter = "---@param \(argument.name) string\n" + parameter
                names.insert(argument.name, at: 0)
            }
            // A list of the record class's items (or one of them) returns that class.
            let isRecord = query.map { q in recordQuery(resource).map { $0.path == q.path } ?? false } ?? false
            let result = query.map { q -> String in
                switch q.result {
                case .items: return isRecord ? "\(record)[]" : "table[]"
                case .item: return isRecord ? record : "table"
                default: return "table"
                }
            } ?? "any"
            return "---\(query?.summary ?? "")\n" + syntax + parameter + "---@return \(result)\n"
                + "function \(name)(\(names.joined(separator: ", "))) end\n\n"
        }
    }

    /// The `json` and `task` globals (written by hand: they are not API resources).
    static let jsonAndTask = """
        ---JSON: `json.null` is the null that survives tables (sends JSON null, clears a field).
        ---@class luagate.json
        ---@field null lightuserdata
        json = {}

        ---@param value any
        ---@param options? {indent?: boolean|integer, sort_keys?: boolean}
        ---@return string
        function json.encode(value, options) end

        ---@param text string
        ---@return any
        function json.decode(text) end

        ---A table that encodes as a JSON array even when empty.
        ---@param t? table
        ---@return table
        function json.array(t) end

        ---Tasks on coroutines: API calls in a task yield, so tasks overlap.
        ---@class luagate.task
        ---@field concurrency integer The default concurrency of task.map.
        task = {}

        ---@class luagate.taskHandle
        local handle = {}

        ---Waits for the task and returns what it returned (or raises its error).
        ---@return any ...
        function handle:await() end

        ---@param f function
        ---@param ... any
        ---@return luagate.taskHandle
        function task.spawn(f, ...) end

        ---@param seconds number
        function task.sleep(seconds) end

        ---@return number seconds on a monotonic clock
        function task.now() end

        ---@param items table
        ---@param f fun(item: any, index: integer): any
        ---@param options? {concurrency?: integer}
        ---@return table results
        function task.map(items, f, options) end

        ---@param handles luagate.taskHandle[]
        ---@return table results
        function task.all(handles) end

        """

    /// A stdlib module: its functions with the doc comments of its source.
    static func module(_ name: String, _ runtime: Runtime) -> String {
        let short = String(name.split(separator: ".").last!)
        var out = "---@meta \(name)\n-- Written by `luagate --types DIR` from the module's doc comments.\n\n"
        out += "---@class \(name)\nlocal \(short) = {}\n\n"
        return out + moduleMembers(name, runtime) + "return \(short)\n"
    }

    /// The public fields of a stdlib module (those in `skipping` left out), each with the doc
    /// comment of its source: functions with their parameter names, other values typed.
    static func moduleMembers(_ name: String, _ runtime: Runtime, skipping: Set<String> = []) -> String {
        let short = String(name.split(separator: ".").last!)
        var out = ""
        let fields = runtime.moduleFields(name)
        let docs = Runtime.stdlibSource(name).map { docComments(String(decoding: $0, as: UTF8.self)) } ?? [:]
        for (field, type) in fields.sorted(by: { $0.key < $1.key }) where !field.hasPrefix("_") && !skipping.contains(field) {
            let doc = docs[field].map { $0.filter { !$0.hasPrefix("@param_names ") }.map { "---" + $0 + "\n" }.joined() } ?? ""
            if type == .function {
                let parameters = parameterNames(docs[field]) ?? "..."
                out += doc + "function \(short).\(field)(\(parameters)) end\n\n"
            } else {
                out += doc + "---@type \(type == .table ? "table" : "any")\n\(short).\(field) = nil\n\n"
            }
        }
        return out
    }

    /// Each `function M.name` of a Lua source with the `---` lines just above it.
    static func docComments(_ source: String) -> [String: [String]] {
        var docs: [String: [String]] = [:]
        var pending: [String] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("---") {
                pending.append(String(line.dropFirst(3)))
            } else if line.hasPrefix("function M."), let open = line.firstIndex(of: "(") {
                let name = String(line[line.index(line.startIndex, offsetBy: 11)..<open])
                docs[name] = pending + ["@param_names " + line[line.index(after: open)...].prefix { $0 != ")" }]
                pending = []
            } else {
                pending = []
            }
        }
        return docs.mapValues { lines in lines }
    }

    /// The parameter names recorded by `docComments` (`keys, spec, opts`).
    private static func parameterNames(_ doc: [String]?) -> String? {
        doc?.last.flatMap { $0.hasPrefix("@param_names ") ? String($0.dropFirst(13)) : nil }
    }
}

import CLua
import Foundation
import LuaKit
import NgrokAI

/// `api` (global and `require "api"`): the door to what the catalogue does not describe yet.
///
/// `api.request(method, path [, {query = {…}, body = table|string}])` sends one request to the
/// configured API (never another host) with the same token, timeouts, retries (only what is
/// safe to repeat: GET, HEAD, PUT, DELETE, and any method after a 429), error objects and
/// secret redaction as every other call, and returns the decoded body (nil when empty, e.g.
/// 204). POST, PUT, PATCH and DELETE are changes: `--dry-run` does not send them, they count
/// against `--max-changes`, and the journal records them (with the catalogue's secret fields,
/// `value` and `token`, left out at any depth).
extension Runtime {
    func installAPI() {
        lua.pushLibrary(["request": { [unowned self] in try apiRequest($0) }])
        lua.registerModule("api")
        try? lua.setGlobal("api")  // a fresh _G has no metamethods
    }

    private func apiRequest(_ call: LuaCall) throws -> LuaReturn {
        let operation = "api.request"
        let args = Arguments(call: call, operation: operation)
        guard call.type(1) == .string, let given = call.stack.string(at: 1) else { throw call.typeError(1, expected: "string") }
        let method = given.uppercased()
        guard NgrokAIClient.requestMethods.contains(method) else {
            throw LuaArgumentError(
                argument: 1, "unknown method '\(given)' (one of \(NgrokAIClient.requestMethods.joined(separator: ", ")))")
        }
        guard call.type(2) == .string, let path = call.stack.string(at: 2) else { throw call.typeError(2, expected: "string") }
        if let problem = NgrokAIClient.pathProblem(path) { throw LuaArgumentError(argument: 2, "path \(problem)") }
        let options = try args.fields(3, allowed: ["body", "query"], optional: true)
        let query = try Self.queryItems(options["query"], args)
        var bytes: [UInt8]?
        var shown: JSONValue?  // the body as journals and dry runs show it
        var secretValues: [String] = []
        switch options["body"] {
        case nil: break
        case .string(let text)?:
            bytes = Array(text.utf8)
            if let parsed = try? JSONValue(parsing: Data(text.utf8)) {
                shown = APISecrets.strip(parsed)
                secretValues = APISecrets.values(in: parsed)
            } else {
                // Journaled by its SHA-256, so `--resume` tells bodies of one length apart.
                shown = .string("(\(text.utf8.count) bytes, not JSON, sha256 \(SHA256.hex(SHA256.hash(Array(text.utf8)))))")
            }
        case let body? where body.objectValue != nil || body.arrayValue != nil:
            bytes = Array(try Self.encoder.encode(body))
            shown = APISecrets.strip(body)
            secretValues = APISecrets.values(in: body)
        case let body?:
            throw args.error(
                "field 'body': must be a table or a string (got \(Self.typeName(body)))", argument: 3, id: nil, field: "body")
        }
        if bytes != nil, method == "GET" || method == "HEAD" {
            throw args.error("field 'body': a \(method) request takes no body", argument: 3, id: nil, field: "body")
        }
        if !secretValues.isEmpty { secrets.note(secretValues) }
        let push: (LuaStack, JSONValue?) -> Int32 = { stack, value in
            if let value { stack.push(apiValue: value) } else { stack.pushNil() }
            return 1
        }
        let argument: (String?) -> Int32 = { $0 == "body" || $0 == "query" ? 3 : 2 }  // a too-long URL: the path
        let sent = bytes
        let ledger = secrets
        guard NgrokAIClient.mutatingMethods.contains(method) else {
            let job = self.job
            return try request(call, argument: argument, { client in
                job.countRead()
                let value = try await client.request(method, path: path, query: query, body: sent, operation: operation)
                if let value { ledger.note(APISecrets.values(in: value)) }
                return value
            }, push: push)
        }
        // Query items named as secret fields are left out of the journal and the dry-run
        // line like body members; the journal tells calls apart by their digest.
        let secretQuery = query.filter { APISecrets.names.contains($0.0) }
        let shownQuery = query.filter { !APISecrets.names.contains($0.0) }
        var target: [String: JSONValue] = [:]
        if !shownQuery.isEmpty { target["query"] = .object(Dictionary(shownQuery.map { ($0.0, .string($0.1)) }) { a, _ in a }) }
        if let shown { target["body"] = shown }
        var callSecrets: [String: JSONValue] = [:]
        if !secretValues.isEmpty { callSecrets["body"] = .array(secretValues.map { .string($0) }) }
        if !secretQuery.isEmpty {
            callSecrets["query"] = .object(Dictionary(secretQuery.map { ($0.0, .string($0.1)) }) { a, _ in a })
            secrets.note(secretQuery.map(\.1).filter { !$0.isEmpty })
        }
        let describedBody = shown.map { " " + Runtime.show($0) } ?? ""
        let describedQuery = query.isEmpty ? "" : "?" + query.map {
            "\($0.0)=\(APISecrets.names.contains($0.0) ? "(secret)" : $0.1)"
        }.joined(separator: "&")
        let raw = RawChange(
            kind: method == "DELETE" ? .delete : MutationKind(rawValue: method.lowercased()), resource: "api", id: path,
            target: target, secrets: callSecrets,
            repeatableInDoubt: NgrokAIClient.repeatableMethods.contains(method),
            idempotent: NgrokAIClient.repeatableMethods.contains(method),
            dryRunLine: "would send \(method) \(path)\(describedQuery)\(describedBody)", dryRunResult: nil,
            redact: APISecrets.strip)
        return try sendChange(call, raw, operation: operation, argument: argument, push: push) { client, _ in
            let value = try await client.request(method, path: path, query: query, body: sent, operation: operation)
            if let value { ledger.note(APISecrets.values(in: value)) }
            return value
        }
    }

    /// `query = {name = value}`: strings, numbers and booleans, sent in name order.
    private static func queryItems(_ value: JSONValue?, _ args: Arguments) throws -> [(String, String)] {
        guard let value else { return [] }
        if case .array(let items) = value, items.isEmpty { return [] }
        guard case .object(let members) = value else {
            throw args.error("field 'query': must be a table of name = value", argument: 3, id: nil, field: "query")
        }
        return try members.keys.sorted().map { name in
            switch members[name]! {
            case .string(let s): return (name, s)
            case .int(let i): return (name, String(i))
            case .double(let d): return (name, String(d))
            case .bool(let b): return (name, b ? "true" : "false")
            case let other:
                throw args.error(
                    "field 'query.\(name)': must be a string, number or boolean (got \(typeName(other)))",
                    argument: 3, id: nil, field: "query")
            }
        }
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "json.null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array, .object: "table"
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// The catalogue's secret fields (`value`, `token`, …) found by name at any depth of a body
/// the catalogue does not describe: journals, logs and dry runs never show them.
enum APISecrets {
    /// Every secret field name of the catalogue, at any depth, actions included.
    static let names: Set<String> = {
        var found = Set<String>()
        func walk(_ fields: [Field]) {
            for field in fields {
                if field.isSecret { found.insert(field.name) }
                if let nested = Shape.nestedFields(field.type) { walk(nested) }
            }
        }
        for resource in Catalogue.all {
            walk(resource.fields)
            for action in resource.actions { walk(action.fields) }
        }
        return found
    }()

    /// `value` without any member named as a secret field, at any depth.
    @Sendable static func strip(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var kept: [String: JSONValue] = [:]
            for (name, member) in members where !names.contains(name) { kept[name] = strip(member) }
            return .object(kept)
        case .array(let items): return .array(items.map(strip))
        default: return value
        }
    }

    /// The strings held by secret members of `value`, at any depth.
    static func values(in value: JSONValue) -> [String] {
        switch value {
        case .object(let members):
            return members.flatMap { name, member -> [String] in
                if names.contains(name), case .string(let text) = member, !text.isEmpty { return [text] }
                return values(in: member)
            }
        case .array(let items): return items.flatMap(values)
        default: return []
        }
    }
}

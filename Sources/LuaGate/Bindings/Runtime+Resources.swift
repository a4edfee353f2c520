import CLua
import CLuaShim
import LuaKit
import NgrokAI

/// The resource libraries (`providerKeys`, `accessKeys`, …, `usage`, `credits`): one global
/// per catalogue entry, each function generic over the entry. Every function checks its
/// arguments against the catalogue before any request, runs the call (yielding in a task,
/// blocking elsewhere), and pushes the record(s) or raises an error object.
extension Runtime {
    func installResources() {
        for resource in Catalogue.all {
            Record.install(resource, in: lua)
            lua.pushLibrary(resource.operations.map { name in (name, binding(resource, name)) })
            lua.stack.newTable(hashCount: 1)
            lua.pushFunction("__index") { call in try Self.missingFunction(resource, call) }
            lua.stack.rawSet(table: -2, key: "__index")
            lua_setmetatable(lua.L, -2)
            lua.registerModule(resource.name)
            try? lua.setGlobal(resource.name)  // a fresh _G has no metamethods
        }
        lua.pushFunction("next", { [unowned self] in try iterNext($0) })
        lua_setfield(lua.L, LG_REGISTRYINDEX, Runtime.iterNextKey)
    }

    /// `__index` of a resource library: a name it does not have is a clear error
    /// (`gatewayConfig has no function 'delete' (it has: get, update)`); other keys are nil.
    private static func missingFunction(_ resource: Resource, _ call: LuaCall) throws -> LuaReturn {
        guard call.type(2) == .string, let key = call.stack.string(at: 2), !key.hasPrefix("__") else {
            call.stack.pushNil()
            return .one
        }
        throw LuaRuntimeError(
            "\(resource.name) has no function '\(key)' (it has: \((resource.operations + extraFunctions(resource)).joined(separator: ", ")))")
    }

    private func binding(_ resource: Resource, _ name: String) -> LuaFunction {
        switch (resource.kind, name) {
        case (.readOnly, _) where resource.query(name).map({ !$0.result.isPaged }) ?? false:
            return { [unowned self] in try query(resource, name, $0) }
        case (_, "list") where resource.kind != .singleton: return { [unowned self] in try list(resource, $0) }
        case (_, "iter") where resource.kind != .singleton: return { [unowned self] in try iter(resource, $0) }
        case (.readOnly, _): return { [unowned self] in try query(resource, name, $0) }
        case (_, "get"): return { [unowned self] in try get(resource, $0) }
        case (_, "create"): return { [unowned self] in try create(resource, $0) }
        case (_, "update"): return { [unowned self] in try update(resource, $0) }
        case (_, "delete"): return { [unowned self] in try delete(resource, $0) }
        default: return { [unowned self] in try act(resource, name, $0) }
        }
    }

    /// `record = R.get(id)`; `record = gatewayConfig.get()`
    func get(_ resource: Resource, _ call: LuaCall) throws -> LuaReturn {
        let id = resource.kind == .collection ? try Arguments(call: call, operation: "\(resource.name).get").id() : nil
        let job = self.job
        return try request(call, argument: { _ in 1 }, {
            job.countRead()
            return try await $0.get(resource, id: id)
        }, push: { stack, record in Record.push(resource, record, onto: stack) })
    }

    /// `record = R.create{fields}`: the record as created, with any token returned once.
    func create(_ resource: Resource, _ call: LuaCall) throws -> LuaReturn {
        let args = Arguments(call: call, operation: "\(resource.name).create")
        let given = try args.fields(1, allowed: resource.allowedNames("create"), lenient: resource.partlyPublished)
        let body = try args.checked(1, id: nil) { () throws(Violation) in try resource.checked(given, for: .create) }
        UnknownFieldWarning.note(resource, body, operation: args.operation, dryRun: job.options.dryRun)
        noteSecrets(Shape.secrets(in: .object(body), fields: resource.fields))
        let secrets = self.secrets
        return try mutate(call, .create, resource, id: nil, target: publicPart(resource, body), body: body,
                          operation: args.operation, argument: { _ in 1 }) { client in
            let record = try await client.create(resource, body)
            secrets.note(Shape.secrets(in: .object(record), fields: resource.fields))
            return record
        }
    }

    /// `record = R.update(id, {fields} [, {expect = {field = value}, before = record}])`; for a singleton
    /// `gatewayConfig.update({fields} [, options])`: `json.null` clears a field, absent fields
    /// are left unchanged. With `expect`, the record is read first and the update is sent only
    /// if each named field still holds that value (`json.null`: absent); otherwise it raises
    /// an error with code `drift` and the record as it is now in `current`; a record that
    /// already holds every field of the update is left as it is, and the call returns
    /// `record, "unchanged"`. `before`: the record as the caller read it, which `--journal`
    /// records as the change's `before` instead of reading the record again.
    func update(_ resource: Resource, _ call: LuaCall) throws -> LuaReturn {
        let args = Arguments(call: call, operation: "\(resource.name).update")
        let id = resource.kind == .collection ? try args.id() : nil
        let n: Int32 = id == nil ? 1 : 2
        let given = try args.fields(n, allowed: resource.allowedNames("update"), id: id, lenient: resource.partlyPublished)
        let body = try args.checked(n, id: id) { () throws(Violation) in try resource.checked(given, for: .update) }
        UnknownFieldWarning.note(resource, body, operation: args.operation, dryRun: job.options.dryRun)
        let options = try args.fields(n + 1, allowed: ["expect", "before"], id: id, optional: true)
        var known: [String: JSONValue]?
        switch options["before"] {
        case nil: break
        case .object(let fields)?: known = fields
        default: throw args.error("field 'before': must be a record", argument: n + 1, id: id, field: "before")
        }
        var expect: [String: JSONValue]?
        switch options["expect"] {
        case nil: break
        case .object(let fields)?: expect = fields
        case .array(let items)? where items.isEmpty: expect = [:]
        default: throw args.error("field 'expect': must be a table of field = value", argument: n + 1, id: id, field: "expect")
        }
        noteSecrets(Shape.secrets(in: .object(body), fields: resource.fields))
        let target = publicPart(resource, body)
        return try mutate(call, .update, resource, id: id, target: target, body: body, operation: args.operation,
                          argument: { $0 == "id" ? 1 : n }, expect: expect, before: known,
                          targetIsWhole: target == body) { try await $0.update(resource, id: id, body) }
    }

    /// `true = R.delete(id)`
    func delete(_ resource: Resource, _ call: LuaCall) throws -> LuaReturn {
        let args = Arguments(call: call, operation: "\(resource.name).delete")
        let id = try args.id()
        return try mutate(call, .delete, resource, id: id, target: [:], operation: args.operation, argument: { _ in 1 }) {
            try await $0.delete(resource, id: id)
            return nil
        }
    }

    /// `record = R.<action>(id, {fields})`, e.g. `providerKeys.rotate(id, {value=, name=})`.
    func act(_ resource: Resource, _ name: String, _ call: LuaCall) throws -> LuaReturn {
        let args = Arguments(call: call, operation: "\(resource.name).\(name)")
        guard let action = resource.action(name) else { throw LuaArgumentError(argument: 1, "no such operation") }
        let id = try args.id()
        let given = try args.fields(2, allowed: resource.allowedNames(name), id: id)
        let body = try args.checked(2, id: id) { () throws(Violation) in try resource.checked(given, action: action) }
        noteSecrets(Shape.secrets(in: .object(body), fields: action.fields))
        let target = Shape.withoutSecrets(.object(body), fields: action.fields).objectValue ?? [:]
        return try mutate(call, MutationKind(rawValue: name), resource, id: id, target: target, body: body, operation: args.operation,
                          argument: { $0 == "id" ? 1 : 2 }) { try await $0.perform(resource, action: name, id: id, body) }
    }

    /// `records = R.list{…}`: every matching record, following `nextPageUri` to the end.
    func list(_ resource: Resource, _ call: LuaCall) throws -> LuaReturn {
        let parameters = try listParameters(resource, call, operation: "list")
        let job = self.job
        return try request(call, argument: { _ in 1 }, { client in
            try await client.listAll(resource, parameters: parameters, willSend: { job.countRead() })
        }, push: { stack, records in
            Record.push(resource, records, onto: stack)
            return 1
        })
    }

    /// `value = usage.overview{…}`, `credits.balance()`, `credits.transactions()`: one object,
    /// or a list of items.
    /// A query with an argument takes it first: `usage.attempts(requestId)`, `models.get(id)`.
    func query(_ resource: Resource, _ name: String, _ call: LuaCall) throws -> LuaReturn {
        let args = Arguments(call: call, operation: "\(resource.name).\(name)")
        let argument = resource.query(name)?.argument == nil ? nil : try args.id(1)
        let n: Int32 = argument == nil ? 1 : 2
        let fields = resource.queryParameters(name)
        let given = try args.fields(n, allowed: fields.map(\.name), optional: true)
        let parameters = try args.checked(n, id: nil) { () throws(Violation) in
            try Shape.check(given, fields: fields, mode: .create, path: "")
        }
        let job = self.job
        return try request(call, argument: { _ in n }, { client in
            job.countRead()
            return try await client.query(resource, name, argument: argument, parameters: parameters)
        }, push: { stack, value in
            // As records: JSON null members are absent (arrays keep their nulls, as json.null).
            JSONLibrary.push(Self.withoutNullMembers(value), onto: stack)
            return 1
        })
    }

    /// `value` with every object member whose value is JSON null left out, at any depth.
    static func withoutNullMembers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            .object(members.filter { !$0.value.isNull }.mapValues(withoutNullMembers))
        case .array(let items): .array(items.map(withoutNullMembers))
        default: value
        }
    }

    /// The checked parameters of `list`/`iter` (argument 1, optional).
    func listParameters(_ resource: Resource, _ call: LuaCall, operation: String) throws -> [String: JSONValue] {
        let args = Arguments(call: call, operation: "\(resource.name).\(operation)")
        let fields = resource.queryParameters(operation)
        let given = try args.fields(1, allowed: fields.map(\.name), optional: true)
        return try args.checked(1, id: nil) { () throws(Violation) in
            try Shape.check(given, fields: fields, mode: .create, path: "")
        }
    }

    /// What journals, logs and dry runs may show of a body: everything but secrets.
    private func publicPart(_ resource: Resource, _ body: [String: JSONValue]) -> [String: JSONValue] {
        UnknownFieldValues.hidden(Shape.withoutSecrets(.object(body), fields: resource.fields), resource).objectValue ?? [:]
    }

    private func noteSecrets(_ found: [String]) {
        if !found.isEmpty { secrets.note(found) }
    }
}

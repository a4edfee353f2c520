import CLua
import CLuaShim
import LuaKit
import NgrokAI

/// The `providerKeys` library: one Swift function per API operation. Each
/// checks its arguments before any request, runs the call, and pushes the
/// record(s) or raises an error object.
extension Runtime {
    private static let updatable = ["description", "metadata", "name"]

    /// `record = providerKeys.get(id)`
    func get(_ call: LuaCall) throws -> LuaReturn {
        let id = try keyID(call, operation: "providerKeys.get")
        let job = self.job
        return try request(call, argument: { _ in 1 }, {
            job.countRead()
            return try await $0.getProviderKey(id: id)
        }, push: Record.result)
    }

    /// `record = providerKeys.update(id, {name=?, description=?, metadata=?})`;
    /// `json.null` clears a field, absent fields are left unchanged.
    func update(_ call: LuaCall) throws -> LuaReturn {
        let operation = "providerKeys.update"
        let id = try keyID(call, operation: operation)
        let fields = try FieldReader(call, argument: 2, operation: operation, id: id, allowed: Self.updatable)
        let change = ProviderKeyUpdate(
            name: try fields.patch("name"),
            description: try fields.patch("description"),
            metadata: try fields.patch("metadata"))
        try checked({ try change.validate(operation: operation, id: id) }, argument: { $0 == "id" ? 1 : 2 })
        var target: [String: JSONValue] = [:]
        for (field, patch) in [("name", change.name), ("description", change.description), ("metadata", change.metadata)] {
            switch patch {
            case .unchanged: break
            case .clear: target[field] = .null
            case .set(let value): target[field] = .string(value)
            }
        }
        return try mutate(call, .update, id: id, target: target, operation: operation, argument: { $0 == "id" ? 1 : 2 }) {
            try await $0.updateProviderKey(id: id, change)
        }
    }

    /// `record = providerKeys.create{providerId=, name=, value=, description=?, metadata=?}`
    func create(_ call: LuaCall) throws -> LuaReturn {
        let operation = "providerKeys.create"
        let fields = try FieldReader(
            call, argument: 1, operation: operation,
            allowed: ["description", "metadata", "name", "providerId", "value"])
        let creation = ProviderKeyCreate(
            providerId: try fields.string("providerId", required: true)!,
            name: try fields.string("name", required: true)!,
            value: try fields.string("value", required: true)!,
            description: try fields.string("description"),
            metadata: try fields.string("metadata"))
        try checked({ try creation.validate(operation: operation) }, argument: { _ in 1 })
        // The journal and logs get every field but the secret value.
        var target: [String: JSONValue] = ["providerId": .string(creation.providerId), "name": .string(creation.name)]
        if let description = creation.description { target["description"] = .string(description) }
        if let metadata = creation.metadata { target["metadata"] = .string(metadata) }
        return try mutate(call, .create, id: nil, target: target, operation: operation, argument: { _ in 1 }) {
            try await $0.createProviderKey(creation)
        }
    }

    /// `record = providerKeys.rotate(id, {value=, name=})`
    func rotate(_ call: LuaCall) throws -> LuaReturn {
        let operation = "providerKeys.rotate"
        let id = try keyID(call, operation: operation)
        let fields = try FieldReader(call, argument: 2, operation: operation, id: id, allowed: ["name", "value"])
        let rotation = ProviderKeyRotate(
            value: try fields.string("value", required: true)!,
            name: try fields.string("name", required: true)!)
        try checked({ try rotation.validate(operation: operation, id: id) }, argument: { $0 == "id" ? 1 : 2 })
        return try mutate(
            call, .rotate, id: id, target: ["name": .string(rotation.name)], operation: operation,
            argument: { $0 == "id" ? 1 : 2 }
        ) { try await $0.rotateProviderKey(id: id, rotation) }
    }

    /// `true = providerKeys.delete(id)`
    func delete(_ call: LuaCall) throws -> LuaReturn {
        let operation = "providerKeys.delete"
        let id = try keyID(call, operation: operation)
        return try mutate(call, .delete, id: id, target: [:], operation: operation, argument: { _ in 1 }) {
            try await $0.deleteProviderKey(id: id)
            return nil
        }
    }

    /// `records = providerKeys.list{provider=?, limit=?}`: every matching key,
    /// following `nextPageUri` until it is null (`limit` is the page size).
    func list(_ call: LuaCall) throws -> LuaReturn {
        let query = try ListQuery(call, operation: "providerKeys.list")
        let job = self.job
        let all: @Sendable (NgrokAIClient) async throws -> [ProviderKey] = { client in
            job.countRead()
            var page = try await client.listProviderKeys(provider: query.provider, limit: query.limit)
            var keys = page.keys
            while let next = page.nextPageURI {
                job.countRead()
                page = try await client.listProviderKeys(nextPageURI: next)
                keys += page.keys
            }
            return keys
        }
        return try request(call, argument: { _ in 1 }, all) { stack, keys in
            Record.push(keys, onto: stack)
            return 1
        }
    }

    /// `for key in providerKeys.iter{provider=?, limit=?} do … end`: fetches
    /// one page at a time, only when the previous one is used up.
    /// Returns the generic-for triple (next, state, nil); the state table holds
    /// the current page and the next page's URI.
    func iter(_ call: LuaCall) throws -> LuaReturn {
        let query = try ListQuery(call, operation: "providerKeys.iter")
        let stack = call.stack
        lua_getfield(stack.L, LG_REGISTRYINDEX, Self.iterNextKey)
        stack.newTable()
        if let provider = query.provider {
            stack.push(provider)
            stack.rawSet(table: -2, key: "provider")
        }
        if let limit = query.limit {
            stack.push(limit)
            stack.rawSet(table: -2, key: "limit")
        }
        stack.pushNil()
        return .results(3)
    }

    static let iterNextKey = "luagate.providerKeys.iter.next"

    /// The iterator of `iter`: `next(state)` returns the next record or nil.
    /// State fields: `page` (records), `pos`, `next` (URI, or false when done).
    func iterNext(_ call: LuaCall) throws -> LuaReturn {
        try call.checkTable(1)
        let stack = call.stack
        let L = stack.L
        var pos: lua_Integer = 0
        if stack.rawGet(table: 1, key: "pos") == .number { pos = lua_tointegerx(L, -1, nil) }
        stack.pop()
        if stack.rawGet(table: 1, key: "page") == .table {
            if lua_rawgeti(L, -1, pos + 1) != LUA_TNIL {
                stack.push(Int64(pos + 1))
                stack.rawSet(table: 1, key: "pos")
                return .one
            }
            stack.pop()
        }
        stack.pop()
        // Fetch the first page, or the next one if there is one.
        let next = stack.rawGet(table: 1, key: "next")
        let nextURI = stack.string(at: -1)
        stack.pop()
        if next == .boolean { return .results(0) }  // `false`: the last page was read
        var provider: String?
        var limit: Int?
        if stack.rawGet(table: 1, key: "provider") == .string { provider = stack.string(at: -1) }
        stack.pop()
        if stack.rawGet(table: 1, key: "limit") == .number { limit = Int(lua_tointegerx(L, -1, nil)) }
        stack.pop()
        let job = self.job
        let fetch: @Sendable (NgrokAIClient) async throws -> ProviderKeyPage = { [provider, limit] client in
            job.countRead()
            if let nextURI { return try await client.listProviderKeys(nextPageURI: nextURI) }
            return try await client.listProviderKeys(provider: provider, limit: limit)
        }
        // The state table is argument 1 of this call; the pusher runs on this
        // call's stack, also after a yield.
        return try request(call, argument: { _ in 1 }, fetch) { stack, page in
            if let uri = page.nextPageURI { stack.push(uri) } else { stack.push(false) }
            stack.rawSet(table: 1, key: "next")
            Record.push(page.keys, onto: stack)
            stack.rawSet(table: 1, key: "page")
            guard let first = page.keys.first else { return 0 }
            stack.push(Int64(1))
            stack.rawSet(table: 1, key: "pos")
            Record.push(first, onto: stack)
            return 1
        }
    }

    /// Runs the client's own checks before anything starts, so that a refused
    /// call raises an argument error here and never counts as a failed change.
    private func checked(_ check: () throws -> Void, argument: @escaping (String?) -> Int32) throws {
        do {
            try check()
        } catch let error as NgrokAIError {
            throw ErrorObject.raising(error, argument: argument)
        }
    }

    /// Argument 1 as a key id: a non-empty string.
    private func keyID(_ call: LuaCall, operation: String) throws -> String {
        guard call.type(1) == .string else {
            throw FieldReader.error(call.typeError(1, expected: "string").message, 1, operation, nil, field: "id")
        }
        guard let id = call.stack.string(at: 1), !id.isEmpty else {
            let rule = call.stack.string(at: 1) == nil ? "id must be valid UTF-8" : "id must not be empty"
            throw FieldReader.error(rule, 1, operation, nil, field: "id")
        }
        return id
    }
}

/// The options of `list` and `iter`, checked before any request.
private struct ListQuery {
    var provider: String?
    var limit: Int?

    init(_ call: LuaCall, operation: String) throws {
        let fields = try FieldReader(call, argument: 1, operation: operation, allowed: ["limit", "provider"], optional: true)
        provider = try fields.string("provider")
        limit = try fields.integer("limit")
        if let limit, !FieldLimits.listLimit.contains(limit) {
            throw fields.failure("limit", "must be between 1 and 100 (got \(limit))")
        }
    }
}

import Foundation
import CLua
import CLuaShim
import LuaKit
import NgrokAI

/// `for record in R.iter{…} do … end`: pages fetched one at a time, only when the previous
/// one is used up (a `break` fetches no further page).
extension Runtime {
    static let iterNextKey = "luagate.resources.iter.next"

    /// Returns the generic-for triple (next, state, nil). The state table holds the resource's
    /// name, the query (JSON text), the current page, the position and the next page's URI.
    func iter(_ resource: Resource, _ call: LuaCall) throws -> LuaReturn {
        let parameters = try listParameters(resource, call, operation: "iter")
        let stack = call.stack
        lua_getfield(stack.L, LG_REGISTRYINDEX, Self.iterNextKey)
        stack.newTable()
        stack.push(resource.name)
        stack.rawSet(table: -2, key: "resource")
        stack.push(Self.queryText(parameters))
        stack.rawSet(table: -2, key: "query")
        stack.pushNil()
        return .results(3)
    }

    /// The iterator: `next(state)` returns the next record or nil.
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
        let next = stack.rawGet(table: 1, key: "next")
        let nextURI = stack.string(at: -1)
        stack.pop()
        if next == .boolean { return .results(0) }  // `false`: the last page was read
        _ = stack.rawGet(table: 1, key: "resource")
        let name = stack.string(at: -1)
        stack.pop()
        _ = stack.rawGet(table: 1, key: "query")
        let query = stack.string(at: -1).flatMap { try? JSONValue(parsing: $0) }?.objectValue ?? [:]
        stack.pop()
        guard let resource = name.flatMap(Catalogue.resource) else {
            throw LuaArgumentError(argument: 1, "not the state of an iter loop")
        }
        let job = self.job
        let fetch: @Sendable (NgrokAIClient) async throws -> RecordPage = { client in
            job.countRead()
            if let nextURI { return try await client.list(resource, nextPageURI: nextURI) }
            return try await client.list(resource, parameters: query)
        }
        // The state table is argument 1 of this call; the pusher runs on this call's stack,
        // also after a yield.
        return try request(call, argument: { _ in 1 }, fetch) { stack, page in
            if let uri = page.nextPageURI { stack.push(uri) } else { stack.push(false) }
            stack.rawSet(table: 1, key: "next")
            Record.push(resource, page.records, onto: stack)
            stack.rawSet(table: 1, key: "page")
            guard let first = page.records.first else { return 0 }
            stack.push(Int64(1))
            stack.rawSet(table: 1, key: "pos")
            Record.push(resource, first, onto: stack)
            return 1
        }
    }

    private static func queryText(_ parameters: [String: JSONValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(JSONValue.object(parameters))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

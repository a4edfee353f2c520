import FakeNgrokAI
import Foundation
import Testing

/// The rest of the provider-keys resource from Lua: list, iter, get, create, rotate, delete.
@Suite struct ResourceTests {
    /// 250 keys, 1/5 of them `anthropic`.
    static func seeded() throws -> APIHarness {
        let api = try APIHarness()
        for i in 1...250 {
            api.seed(name: String(format: "key-%03d", i), providerId: i % 5 == 0 ? "anthropic" : "openai")
        }
        return api
    }

    struct Listing: Sendable, CustomTestStringConvertible {
        var options: String
        var provider: String?
        var limit: Int
        var testDescription: String { options }
    }

    @Test(arguments: [
        Listing(options: "{limit = 100}", limit: 100),
        Listing(options: "{limit = 7}", limit: 7),
        Listing(options: "{}", limit: 100),
        Listing(options: "{provider = 'anthropic', limit = 7}", provider: "anthropic", limit: 7),
        Listing(options: "{provider = 'anthropic'}", provider: "anthropic", limit: 100),
    ])
    func listAndIterReturnEveryKeyOnceInServerOrder(_ c: Listing) async throws {
        let api = try Self.seeded()
        let expected = api.server.account.all(.providerKeys).filter { c.provider == nil || $0.providerId == c.provider }.map(\.id)
        let script = """
            local ids = {}
            for _, k in ipairs(providerKeys.list\(c.options)) do ids[#ids + 1] = k.id end
            print(table.concat(ids, ","))
            ids = {}
            for k in providerKeys.iter\(c.options) do ids[#ids + 1] = k.id end
            print(table.concat(ids, ","))
            """
        let r = try await api.luagate(["-e", script])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 2)
        #expect(lines[0] == expected.joined(separator: ","))
        #expect(lines[1] == expected.joined(separator: ","))
        let pages = (expected.count + c.limit - 1) / c.limit
        #expect(api.requests("GET").count == 2 * pages)
        #expect(api.requests("GET").allSatisfy { $0.uri.contains("limit=\(c.limit)") || !$0.uri.contains("limit=") })
    }

    @Test func iterStopsFetchingWhenTheLoopBreaks() async throws {
        let api = try Self.seeded()
        let r = try await api.luagate(["-e", "local n = 0 for k in providerKeys.iter{limit = 7} do n = n + 1 if n == 9 then break end end print(n)"])
        #expect(r.stdout == "9\n", "\(r.stderr)")
        #expect(api.requests("GET").count == 2)
    }

    @Test func listLimitIsCheckedBeforeAnyRequest() async throws {
        let api = try APIHarness()
        for limit in ["0", "101", "1.5", "'x'"] {
            let r = try await api.luagate(["-e", "local ok, e = pcall(providerKeys.list, {limit = \(limit)}) print(ok, e.code, e.field)"])
            #expect(r.stdout == "false\tvalidation\tlimit\n", "limit \(limit): \(r.stdout) \(r.stderr)")
        }
        let r = try await api.luagate(["-e", "local ok, e = pcall(providerKeys.iter, {provder = 'x'}) print(e)"])
        #expect(r.stdout == "bad argument #1 to 'iter' (unknown field 'provder' (allowed: limit, provider))\n")
        #expect(api.server.requestLog.count == 0)
    }

    @Test func createGetUpdateRotateDeleteRoundTrip() async throws {
        let api = try APIHarness()
        let secret = "sk-proj-SECRETVALUE-1234567890-abcd"
        let rotated = "sk-proj-ROTATEDVALUE-0987654321-wxyz"
        let r = try await api.luagate([ProcessRunner.scripts + "/api/round-trip.lua", secret, rotated])
        #expect(r.status == 5, "\(r.stderr)")  // the second delete failed (caught)
        #expect(!r.stdout.contains(secret) && !r.stderr.contains(secret))
        #expect(!r.stdout.contains(rotated) && !r.stderr.contains(rotated))
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines == [
            "created\topenai\tnew-key\tsk-proj-SE***abcd\tdesc\t{\"a\":1}\tnil",
            "got\ttrue",
            "updated\trenamed\tnil\ttrue",
            "rotated\trotated-name\tsk-proj-RO***wxyz",
            "deleted\ttrue",
            "get after delete\t404\tproviderKeys.get",
            "delete after delete\t404\tproviderKeys.delete",
        ])
        #expect(api.server.account.count(.providerKeys) == 0)
        #expect(api.requests("POST").count == 2)
    }

    @Test func createValidatesRequiredFieldsAndNeverEchoesTheValue() async throws {
        let api = try APIHarness()
        let secret = "sk-very-secret-value-0000"
        let cases = [
            ("{name = 'n', value = '\(secret)'}", "bad argument #1 to 'create' (field 'providerId': is required)"),
            ("{providerId = 'openai', name = 'n'}", "bad argument #1 to 'create' (field 'value': is required)"),
            ("{providerId = 'openai', name = 'n', value = 42}", "bad argument #1 to 'create' (field 'value': must be a string (got number))"),
            ("{providerId = 'openai', name = string.rep('x', 256), value = '\(secret)'}",
             "bad argument #1 to 'create' (field 'name': at most 255 characters (got 256))"),
            ("{providerId = 'openai', name = 'n', value = '\(secret)', extra = 1}",
             "bad argument #1 to 'create' (unknown field 'extra' (allowed: description, metadata, name, providerId, value))"),
        ]
        for (fields, message) in cases {
            let r = try await api.luagate(["-e", "local ok, e = pcall(providerKeys.create, \(fields)) print(e.message)"])
            #expect(r.stdout == message + "\n")
            #expect(!r.stdout.contains(secret))
        }
        let uncaught = try await api.luagate(["-e", "providerKeys.create{providerId = 'openai', name = string.rep('x', 300), value = '\(secret)'}"])
        #expect(uncaught.status == 1)
        #expect(!uncaught.stderr.contains(secret))
        #expect(api.server.requestLog.count == 0)
    }

    @Test func getAndDeleteOfUnknownIDGive404() async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["-e", """
            for _, f in ipairs{"get", "delete"} do
              local ok, e = pcall(providerKeys[f], "aigpk_missing")
              print(f, ok, e.status, e.code:match("^ERR_NGROK_") ~= nil, e.operation, e.id)
            end
            """])
        #expect(r.stdout == "get\tfalse\t404\ttrue\tproviderKeys.get\taigpk_missing\ndelete\tfalse\t404\ttrue\tproviderKeys.delete\taigpk_missing\n", "\(r.stderr)")
    }

    @Test func recordsArePlainTablesScriptsMayChange() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "plain")
        let r = try await api.luagate(["-e", """
            local k = providerKeys.get('\(key.id)')
            k.name = 'changed locally'; k.extra = 1
            print(k.name, k.extra, rawget(k, 'id') == '\(key.id)', getmetatable(k) ~= nil)
            """])
        #expect(r.stdout == "changed locally\t1\ttrue\ttrue\n", "\(r.stderr)")
    }
}

import FakeNgrokAI
import Foundation
import Testing

/// `providerKeys.update` end to end: the luagate binary against the fake API.
@Suite struct UpdateTests {
    @Test func updatePrintsTheNewName() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "old")
        let r = try await api.luagate(["-e", "print(providerKeys.update('\(key.id)', {name='x'}).name)"])
        #expect(r.stdout == "x\n")
        #expect(r.stderr == "")
        #expect(r.status == 0)
        #expect(api.server.account.get(.providerKeys, id: key.id)?.name == "x")
    }

    /// `before = record` hands the journal the record as the script read it: no GET of the
    /// record first, and the journal's `before` is that record; anything but a table is refused.
    @Test func beforeSavesTheJournalsRead() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "old")
        let journal = BatchJobTests.tempPath("before.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let r = try await api.luagate(["--journal", journal, "-e", """
            local key = providerKeys.list()[1]
            providerKeys.update(key.id, {name = "new"}, {before = key})
            print(pcall(providerKeys.update, key.id, {name = "x"}, {before = 5}))
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("field 'before': must be a record"), "\(r.stdout)")
        #expect(api.requests("GET").filter { $0.path == "/provider-keys/\(key.id)" }.isEmpty)
        #expect(api.requests("PATCH").count == 1)
        let started = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains(#""status":"started""#) }
        #expect(started.count == 1)
        #expect(started.first?.contains(#""before":{"#) == true && started.first?.contains(#""name":"old""#) == true, "\(started)")
    }

    @Test func sendsExactlyTheGivenFieldsWithHeaders() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "old", description: "desc", metadata: "{}")
        let r = try await api.luagate([ProcessRunner.scripts + "/api/update-fields.lua", key.id])
        #expect(r.status == 0, "\(r.stderr)")
        let patches = api.requests("PATCH")
        try #require(patches.count == 1)
        let request = patches[0]
        #expect(request.uri == "/provider-keys/\(key.id)")
        let body = try #require(APIHarness.json(request.body))
        #expect(Set(body.keys) == ["name", "description", "metadata"])
        #expect(body["name"] as? String == "openai-prod")
        #expect(body["description"] is NSNull)
        #expect(body["metadata"] as? String == #"{"team":"ml"}"#)
        let headers = Dictionary(request.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a })
        #expect(headers["authorization"] == "Bearer \(api.token)")
        #expect(headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(headers["accept"] == "application/json")
        #expect(headers["user-agent"]?.hasPrefix("luagate/") == true)
        // The script printed the record's fields as the API named them.
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("name\topenai-prod"))
        #expect(lines.contains("providerId\topenai"))
        #expect(lines.contains("description\tnil"))
        #expect(lines.contains("metadata\t{\"team\":\"ml\"}"))
        #expect(lines.contains("createdBy.id\tusr_fake"))
        #expect(lines.contains { $0.hasPrefix("keyRedacted\t") && $0.contains("***") })
        #expect(lines.contains { $0.hasPrefix("updatedAt\t20") })
        #expect(lines.contains("tostring\tproviderKey \(key.id) openai \"openai-prod\" (\(key.keyRedacted ?? "?"))"))
    }

    @Test func idIsOnePercentEncodedPathSegment() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "odd", id: "a/b?c#d %e")
        let r = try await api.luagate(["-e", "print(providerKeys.update('a/b?c#d %e', {name='y'}).id)"])
        #expect(r.stdout == "a/b?c#d %e\n", "\(r.stderr)")
        #expect(api.requests("PATCH").first?.uri == "/provider-keys/a%2Fb%3Fc%23d%20%25e")
        #expect(api.server.account.get(.providerKeys, id: key.id)?.name == "y")
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var call: String
        var message: String
        var field: String?
        var testDescription: String { call }
    }

    static let invalid: [Invalid] = [
        Invalid(call: "providerKeys.update(ID, {name = string.rep('n', 256)})",
                message: "bad argument #2 to 'update' (field 'name': at most 255 characters (got 256))", field: "name"),
        Invalid(call: "providerKeys.update(ID, {description = string.rep('é', 256)})",
                message: "bad argument #2 to 'update' (field 'description': at most 255 characters (got 256))",
                field: "description"),
        Invalid(call: "providerKeys.update(ID, {metadata = string.rep('x', 4097)})",
                message: "bad argument #2 to 'update' (field 'metadata': at most 4096 characters (got 4097))",
                field: "metadata"),
        Invalid(call: "providerKeys.update(ID, {nmae = 'x'})",
                message: "bad argument #2 to 'update' (unknown field 'nmae' (allowed: description, metadata, name))",
                field: "nmae"),
        Invalid(call: "providerKeys.update(ID, {name = 42})",
                message: "bad argument #2 to 'update' (field 'name': must be a string or json.null (got number))",
                field: "name"),
        Invalid(call: "providerKeys.update(ID, 'name')",
                message: "bad argument #2 to 'update' (table expected, got string)"),
        Invalid(call: "providerKeys.update(nil, {name = 'x'})",
                message: "bad argument #1 to 'update' (string expected, got nil)", field: "id"),
        Invalid(call: "providerKeys.update('', {name = 'x'})",
                message: "bad argument #1 to 'update' (id must not be empty)", field: "id"),
        Invalid(call: "providerKeys.update(ID, {[1] = 'x'})",
                message: "bad argument #2 to 'update' (unknown field [1] (allowed: description, metadata, name))"),
    ]

    @Test(arguments: invalid)
    func validationErrorsSendNothing(_ c: Invalid) async throws {
        let api = try APIHarness()
        let key = api.seed(name: "keep")
        let script = """
            local ID = '\(key.id)'
            local ok, err = pcall(function() local r = \(c.call) return r end)
            print(ok, type(err), err.code, err.status, err.field, err.operation)
            print(err.message)
            print(tostring(err))
            """
        let r = try await api.luagate(["-e", script])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "false\ttable\tvalidation\tnil\t\(c.field ?? "nil")\tproviderKeys.update")
        #expect(lines[1] == c.message)
        #expect(lines[2] == "(command line):2: " + c.message)
        #expect(api.server.requestLog.count == 0)
        #expect(api.server.account.get(.providerKeys, id: key.id)?.name == "keep")
    }

    @Test func uncaughtValidationErrorExitsOneWithTraceback() async throws {
        let api = try APIHarness()
        let r = try await api.luagate([ProcessRunner.scripts + "/api/too-long.lua"])
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("luagate: "))
        #expect(r.stderr.contains("too-long.lua:2: bad argument #2 to 'update' (field 'name': at most 255 characters (got 300))"))
        #expect(r.stderr.contains("stack traceback:"))
        #expect(api.server.requestLog.count == 0)
    }

    /// Caught, the error is the script's to handle; the run still exits 5 so
    /// that a scheduler sees that a change failed.
    @Test func apiErrorsCaughtWithPcall() async throws {
        let api = try APIHarness()
        let r = try await api.luagate([ProcessRunner.scripts + "/api/not-found.lua"])
        #expect(r.status == 5, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "false\t404\tproviderKeys.update\tnope")
        #expect(lines.dropFirst().first?.hasPrefix("ERR_NGROK_") == true)
        #expect(lines.contains { $0.hasPrefix("providerKeys.update nope: 404 ERR_NGROK_") })
        #expect(lines.contains("body is a string\ttrue"))
    }

    @Test func uncaughtAPIErrorExitsOne() async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["-e", "providerKeys.update('nope', {name = 'x'})"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("luagate: providerKeys.update nope: 404 ERR_NGROK_"))
        #expect(r.stderr.contains("stack traceback:"))
    }

    @Test func missingTokenIsReportedAtTheFirstCall() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "x")
        let noCall = try await ProcessRunner.run(ProcessRunner.luagate, ["--base-url", api.server.baseURL, "-e", "print('no call')"])
        #expect(noCall.stdout == "no call\n")
        #expect(noCall.status == 0)
        let r = try await ProcessRunner.run(ProcessRunner.luagate, [
            "--base-url", api.server.baseURL, "-e",
            "print('before'); local ok, e = pcall(providerKeys.update, '\(key.id)', {name='y'}); print(e.code, e.message)",
        ])
        #expect(r.stdout == "before\nauth\tno API token: set AI_GATEWAY_API_KEY or pass --api-key-file PATH\n")
        #expect(api.server.requestLog.count == 0)
    }

    @Test func tokenFromAPIKeyFile() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "x")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-key-\(UUID().uuidString)")
        try ("  " + api.token + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try await api.luagate(["--api-key-file", file.path, "-e", "print(providerKeys.update('\(key.id)', {name='z'}).name)"],
                                token: "wrong-token")
        #expect(r.stdout == "z\n", "\(r.stderr)")
        let missing = try await api.luagate(["--api-key-file", "/nonexistent/key", "-e", "print(1)"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/key"))
    }

    @Test func wrongTokenGives401() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "x")
        let r = try await api.luagate(["-e", "local ok, e = pcall(providerKeys.update, '\(key.id)', {name='y'}); print(e.status)"],
                                token: "wrong-token")
        #expect(r.stdout == "401\n")
    }

    @Test func plainHTTPIsRefusedUnlessLoopback() async throws {
        let r = try await ProcessRunner.luagate(["--base-url", "http://example.com", "-e", "print(1)"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("http://example.com"))
        #expect(r.stdout == "")
    }

    @Test func connectionRefusedIsANetworkError() async throws {
        let api = try APIHarness()
        let url = api.server.baseURL
        try await api.server.shutdown()
        let r = try await ProcessRunner.run(ProcessRunner.luagate, [
            "--base-url", url, "-e", "local ok, e = pcall(providerKeys.get, 'x'); print(ok, e.code, e.status)",
        ], environment: ["AI_GATEWAY_API_KEY": "t"])
        #expect(r.stdout == "false\tnetwork\tnil\n", "\(r.stderr)")
    }
}

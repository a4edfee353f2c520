import FakeNgrokAI
import Foundation
import Testing

/// `api.request` through the real binary against the fake: reads, changes under the job's
/// rules, error objects, secret redaction, and input refused before anything is sent.
@Suite struct APIRequestTests {
    @Test func aGetReturnsTheDecodedBody() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "door-key")
        let r = try await api.luagate(["-e", """
            local k = api.request("GET", "/provider-keys/\(key.id)")
            print(k.id, k.name, k.value)
            local page = api.request("get", "/provider-keys", {query = {limit = 1, provider = "openai"}})
            print(#page.aiGatewayProviderKeys, page.aiGatewayProviderKeys[1].name)
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "\(key.id)\tdoor-key\tnil\n1\tdoor-key\n")
        let uris = api.requests("GET").map(\.uri)
        #expect(uris == ["/provider-keys/\(key.id)", "/provider-keys?limit=1&provider=openai"])
    }

    /// A PATCH under `--dry-run` is not sent: the log says what would be, the fake sees nothing.
    @Test func aPatchUnderDryRunIsNotSent() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "before")
        let r = try await api.luagate(["--dry-run", "-e", """
            print(api.request("PATCH", "/provider-keys/\(key.id)", {body = {name = "after"}}))
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "nil\n")
        #expect(r.stderr.contains(#"would send PATCH /provider-keys/\#(key.id) {"name":"after"}"#), "\(r.stderr)")
        #expect(api.requests("PATCH").isEmpty)
        #expect(api.server.account.changeCount(.providerKeys, id: key.id) == 0)
    }

    @Test func aPatchIsSentAndJournaled() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "before")
        let journal = BatchJobTests.tempPath("api.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let script = #"print(api.request("PATCH", "/provider-keys/\#(key.id)", {body = '{"name": "after"}'}).name)"#
        let r = try await api.luagate(["--journal", journal, "-e", script])
        #expect(r.stdout == "after\n", "\(r.stderr)")
        #expect(try ResumeTests.statuses(journal) == ["patch started", "patch ok"])
        // Resumed, the journal shows it done: not sent again.
        let again = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(again.stdout == "after\n", "\(again.stderr)")
        #expect(api.requests("PATCH").count == 1)
    }

    @Test func a404IsAnErrorObject() async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["-e", """
            local ok, err = pcall(api.request, "GET", "/provider-keys/aigpk_missing")
            print(ok, err.status, err.code, err.operation, err.message)
            print(tostring(err))
            """])
        #expect(r.stdout == """
            false\t404\tERR_NGROK_404\tapi.request\tprovider key "aigpk_missing" was not found
            api.request: 404 ERR_NGROK_404: provider key "aigpk_missing" was not found

            """, "\(r.stderr)")
    }

    /// A body holding a provider key's `value` reaches the API, and nothing else: not the
    /// output, the debug log, a dry run's line or the journal.
    @Test func secretsInABodyAreRedacted() async throws {
        let api = try APIHarness()
        let journal = BatchJobTests.tempPath("api-secret.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let secret = "sk-door-secret-0123456789abcdef"
        let script = """
            local k = api.request("POST", "/provider-keys", {body = {providerId = "openai", name = "door", value = "\(secret)"}})
            print(k.name, k.value)
            api.request("PATCH", "/provider-keys/" .. k.id, {body = {description = "x", value = "\(secret)-2"}})
            """
        let r = try await api.luagate(["--verbose", "--journal", journal, "-e", script])
        #expect(r.stdout == "door\tnil\n", "\(r.stderr)")
        let made = try #require(api.server.account.all(.providerKeys).first)
        #expect(api.server.account.secret(.providerKeys, id: made.id, field: "value") == secret)
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(text.contains(#""name":"door""#))
        #expect(!text.contains("sk-door-secret") && !r.stderr.contains("sk-door-secret"))

        let dry = try await api.luagate(["--verbose", "--dry-run", "-e", """
            print(api.request("POST", "/provider-keys", {body = {providerId = "openai", name = "door2", value = "\(secret)"}}))
            api.request("PATCH", "/provider-keys/\(made.id)", {body = {description = "x", value = "\(secret)-2"}})
            """])
        #expect(dry.stderr.contains("would send POST /provider-keys"), "\(dry.stderr)")
        #expect(!dry.stderr.contains("sk-door-secret") && !dry.stdout.contains("sk-door-secret"))
    }

    /// Paths only, known methods, table or string bodies: refused with lauxlib's argument
    /// errors before anything is sent.
    @Test(arguments: [
        (#""GET", "https://example.com/provider-keys""#, "bad argument #2 to 'request' (path must be a path, not a URL (the host is the configured API's))"),
        (#""GET", "//example.com/provider-keys""#, "bad argument #2 to 'request' (path must be a path, not a URL (the host is the configured API's))"),
        (#""GET", "provider-keys""#, "bad argument #2 to 'request' (path must start with '/')"),
        (#""GET", "/provider-keys/../api-keys""#, "bad argument #2 to 'request' (path must not hold '.' or '..' segments)"),
        (#""GET", "/provider-keys/%2e%2e/api-keys""#, "bad argument #2 to 'request' (path must not hold '.' or '..' segments)"),
        (#""GET", "/provider-keys?limit=1""#, "bad argument #2 to 'request' (path must not hold '?' or '#' (give query parameters in 'query'))"),
        (#""GET", "/provider keys""#, #"bad argument #2 to 'request' (path must hold only URL path characters (percent-encode ' '))"#),
        (#""FETCH", "/provider-keys""#, "bad argument #1 to 'request' (unknown method 'FETCH' (one of GET, HEAD, POST, PUT, PATCH, DELETE))"),
        (#"nil, "/provider-keys""#, "bad argument #1 to 'request' (string expected, got nil)"),
        (#""GET""#, "bad argument #2 to 'request' (string expected, got no value)"),
        (#""POST", "/provider-keys", {body = 42}"#, "bad argument #3 to 'request' (field 'body': must be a table or a string (got number))"),
        (#""POST", "/provider-keys", {body = true}"#, "bad argument #3 to 'request' (field 'body': must be a table or a string (got boolean))"),
        (#""GET", "/provider-keys", {body = {}}"#, "bad argument #3 to 'request' (field 'body': a GET request takes no body)"),
        (#""GET", "/provider-keys", {headers = {}}"#, "bad argument #3 to 'request' (unknown field 'headers' (allowed: body, query))"),
        (#""GET", "/provider-keys", {query = {limit = {}}}"#, "bad argument #3 to 'request' (field 'query.limit': must be a string, number or boolean (got table))"),
        (#""GET", "/provider-keys", 5"#, "bad argument #3 to 'request' (table expected, got number)"),
        (#""GET", "/x/" .. ("a"):rep(9000)"#, "bad argument #2 to 'request' (the request URL would be 9003 bytes long (at most 8192))"),
    ])
    func badInputIsRefusedBeforeSending(_ arguments: String, _ message: String) async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["-e", "print(select(2, pcall(api.request, \(arguments))))"])
        #expect(r.stdout == message + "\n", "\(r.stderr)")
        #expect(api.server.requestLog.count == 0)
    }

    @Test func maxChangesCountsMutatingRequests() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "kept")
        let r = try await api.luagate(["--max-changes", "0", "-e", """
            print(api.request("GET", "/provider-keys/\(key.id)").name)
            print(pcall(api.request, "DELETE", "/provider-keys/\(key.id)"))
            """])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("kept\nfalse\tapi.request /provider-keys/\(key.id): max_changes: --max-changes 0"), "\(r.stdout)")
        #expect(api.requests("DELETE").isEmpty)
        #expect(api.server.account.count(.providerKeys) == 1)
    }

    /// A POST whose answer was lost is journaled `unknown`, and `--resume` refuses to send it
    /// again (it has no idempotency key, so a second one could do the change twice); a DELETE
    /// in the same state is sent again, and its 404 then means done.
    @Test func aResumedRunDoesNotRepeatAPostInDoubt() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "gone-soon")
        let journal = BatchJobTests.tempPath("api-doubt.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let script = """
            print(pcall(api.request, "POST", "/provider-keys", {body = {providerId = "openai", name = "once", value = "sk-secret-0123456789"}}))
            print(api.request("DELETE", "/provider-keys/\(key.id)"))
            """
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "POST")
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "DELETE")
        let first = try await api.luagate(["--retries", "0", "--journal", journal, "-e", script])
        #expect(first.status == 1, "\(first.stderr)")
        #expect(try ResumeTests.statuses(journal) == ["post started", "post unknown", "delete started", "delete unknown"])

        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.stdout.hasPrefix("false\tapi.request /provider-keys: unknown_outcome: an interrupted run sent this request"),
                "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.hasSuffix("\nnil\n"), "\(resumed.stdout)")
        #expect(api.requests("POST").count == 1, "the POST was sent again")
        #expect(api.requests("DELETE").count == 2)
        #expect(api.server.account.all(.providerKeys).map(\.name) == ["once"])
    }

    /// A GET is retried after a 503; a PATCH is not (it may not be safe to repeat).
    @Test func onlyWhatIsSafeToRepeatIsRetried() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "before")
        api.server.faults.enqueue(.serviceUnavailable, method: "GET")
        api.server.faults.enqueue(.serviceUnavailable, method: "PATCH")
        let r = try await api.luagate(["-e", """
            print(api.request("GET", "/provider-keys/\(key.id)").name)
            local ok, err = pcall(api.request, "PATCH", "/provider-keys/\(key.id)", {body = {name = "after"}})
            print(ok, err.status)
            """])
        #expect(r.stdout == "before\nfalse\t503\n", "\(r.stderr)")
        #expect(api.requests("GET").count == 2)
        #expect(api.requests("PATCH").count == 1)
    }
}

import FakeNgrokAI
import Foundation
import Testing

/// Review of issue 18 (the catalogue brought up to ngrok's API), through the real binary: a
/// snapshot survives a partly published collection the account does not serve, values of
/// fields the catalogue does not know are shown by name only, query results drop JSON nulls
/// like records, client-side rule errors carry ngrok's code, a dry-run purchase has the
/// record's whole shape, and the cheapest-route example refuses bad counts and unpriced
/// providers sort last.
@Suite struct CatalogueReviewTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func temp(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("review18-\(UUID().uuidString)-\(name)").path
    }

    /// 404 for virtual models and an unreadable list for firewall policies: both are left out
    /// with a note, the rest of the account is written.
    @Test func aSnapshotLeavesOutPartlyPublishedCollectionsTheAccountDoesNotServe() async throws {
        let api = try APIHarness(.init(token: "tok-\(UUID().uuidString)", sampleAccount: true))
        let file = Self.temp("snap.json")
        defer { try? FileManager.default.removeItem(atPath: file) }
        api.server.faults.enqueue(.status(404), count: 5, method: "GET", pathPrefix: "/virtual-models")
        api.server.faults.enqueue(.malformedBody, count: 20, method: "GET", pathPrefix: "/firewall-policies")
        let snap = try await api.luagate(["--snapshot", file])
        #expect(snap.status == 0, "\(snap.stderr)")
        #expect(snap.stderr.contains("snapshot: virtualModels left out: "), "\(snap.stderr)")
        #expect(snap.stderr.contains("snapshot: firewallPolicies left out: "), "\(snap.stderr)")
        let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        #expect(written["aiGatewayVirtualModels"] == nil)
        #expect(written["aiGatewayFirewallPolicies"] == nil)
        #expect(written["aiGatewayProviderKeys"] is [Any] && written["gatewayConfig"] != nil, "\(written.keys)")
    }

    /// A fully published collection that fails still fails the snapshot.
    @Test func aSnapshotStillFailsWhenAPublishedCollectionFails() async throws {
        let api = try APIHarness(.init(token: "tok-\(UUID().uuidString)", sampleAccount: true))
        let file = Self.temp("snap.json")
        defer { try? FileManager.default.removeItem(atPath: file) }
        api.server.faults.enqueue(.status(404), count: 5, method: "GET", pathPrefix: "/provider-keys")
        let snap = try await api.luagate(["--snapshot", file])
        #expect(snap.status == 1, "\(snap.stderr)")
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    /// The value of an unknown field is sent, but the journal (target and after), the dry-run
    /// notice and the verbose logs show it by name only.
    @Test func unknownFieldValuesAreShownByNameOnly() async throws {
        let api = try APIHarness(.init(token: "tok-\(UUID().uuidString)", sampleAccount: true))
        let journal = Self.temp("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let value = "hush-\(UUID().uuidString)"
        let script = """
            local m = virtualModels.create{name = "vm-review", models = {"openai:gpt-4o"}, routingHint = "\(value)"}
            virtualModels.update(m.id, {description = "d", routingHint = "\(value)"})
            print("done")
            """
        let r = try await api.luagate(["--journal", journal, "--verbose", "-e", script])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("sending it as given"), "\(r.stderr)")
        let sent = api.requests("POST").filter { $0.path == "/virtual-models" } + api.requests("PATCH")
        #expect(sent.count == 2 && sent.allSatisfy { String(decoding: $0.body, as: UTF8.self).contains(value) }, "sent as given")
        let lines = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(!lines.contains(value), "\(lines)")
        #expect(lines.contains("\"routingHint\":\"(not in the catalogue, not shown)\""), "\(lines)")
        #expect(!r.stderr.contains(value), "\(r.stderr)")

        let dry = try await api.luagate(["--dry-run", "--verbose", "-e", """
            virtualModels.create{name = "vm-dry", models = {"openai:gpt-4o"}, routingHint = "\(value)"}
            """])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(!dry.stderr.contains(value), "\(dry.stderr)")
        #expect(dry.stderr.contains("routingHint"), "\(dry.stderr)")
        #expect(dry.stderr.contains("it would be sent as given"), "\(dry.stderr)")
        #expect(!dry.stderr.contains("sending it as given"), "\(dry.stderr)")
    }

    /// `usage.attempts`: a duration the API gives as null is absent, not `json.null`.
    @Test func queryResultsDropJSONNulls() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", "-e", """
            local kinds = {}
            for e in usage.iter{startTime = os.time() - 30 * 86400, includeRetries = true} do
              if e.attemptNumber == 2 then
                for _, a in ipairs(usage.attempts(e.requestId).attempts) do kinds[type(a.timeToFirstTokenMs)] = true end
                break
              end
            end
            print(kinds["nil"], kinds.userdata)
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "true\tnil\n", "\(r.stdout)")
    }

    /// The example reads absent durations (and still runs).
    @Test func whyFailedOverRunsOnTheSandbox() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", Self.repo + "/scripts/examples/why-failed-over.lua"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("attempt"), "\(r.stdout)")
    }

    /// Client-side rule errors keep `code = "validation"` and carry ngrok's code in `apiCode`;
    /// the fake answers null name and models with ngrok's codes, and says `null`.
    @Test func ruleErrorsCarryNgroksCode() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", "--caught-failures-ok", "-e", """
            local function try(body)
              local ok, err = pcall(virtualModels.create, body)
              print(ok, err.code, err.apiCode)
            end
            try{name = "a b", models = {"openai:gpt-4o"}}
            try{name = json.null, models = {"openai:gpt-4o"}}
            try{name = "v", models = json.null}
            try{name = "v", models = {}}
            local function post(body)
              local ok, err = pcall(api.request, "POST", "/virtual-models", {body = body})
              print(ok, err.status, err.code, err.message)
            end
            post{name = json.null, models = {"openai:gpt-4o"}}
            post{name = "v", models = json.null}
            """])
        #expect(r.status == 0, "\(r.stderr)")
        let code = "ERR_NGROK_AI_GATEWAY_VIRTUAL_MODEL_"
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6, "\(r.stdout)")
        guard lines.count == 6 else { return }
        #expect(lines[0] == "false\tvalidation\t\(code)NAME_ILLEGAL_CHARACTER")
        #expect(lines[1] == "false\tvalidation\t\(code)NAME_REQUIRED")
        #expect(lines[2] == "false\tvalidation\t\(code)TARGETS_OUT_OF_RANGE")
        #expect(lines[3] == "false\tvalidation\t\(code)TARGETS_OUT_OF_RANGE")
        #expect(lines[4].hasPrefix("false\t400\t\(code)NAME_REQUIRED\t"), "\(lines[4])")
        #expect(lines[5].hasPrefix("false\t400\t\(code)TARGETS_OUT_OF_RANGE\t"), "\(lines[5])")
        #expect(lines[4].contains("null") && !lines[4].contains("json.null"), "\(lines[4])")
        #expect(lines[5].contains("null") && !lines[5].contains("json.null"), "\(lines[5])")
    }

    /// A dry-run purchase returns every field a purchase record always has.
    @Test func aDryRunPurchaseHasTheWholeRecord() async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["--dry-run", "-e", """
            local p = credits.purchase{amount = 500}
            print(p.status, p.amountCents, p.currency, type(p.createdAt), type(p.expiresAt), p.createdAt < p.expiresAt)
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "pending\t500\tusd\tstring\tstring\ttrue\n", "\(r.stdout)")
        #expect(api.requests("POST").isEmpty)
    }

    static let unpricedModels = """
        {"models": [{"id": "m1", "name": "M1", "object": "model", "owned_by": "ngrok", "providers": [
          {"id": "aaa", "model_id": "aaa:m1", "status": "inactive", "pricing": {"currency": "USD", "rates": [
            {"price": "0.000001", "type": "prompt", "unit": "token"}, {"price": "0.000002", "type": "completion", "unit": "token"}]}},
          {"id": "bbb", "model_id": "bbb:m1", "status": "inactive", "pricing": {"currency": "USD", "rates": []}},
          {"id": "ccc", "model_id": "ccc:m1", "status": "active", "pricing": {"currency": "USD", "rates": [
            {"price": "0.000003", "type": "prompt", "unit": "token"}, {"price": "0.000004", "type": "completion", "unit": "token"}]}},
          {"id": "ddd", "model_id": "ddd:m1", "status": "active", "pricing": {"currency": "USD", "rates": []}}
        ]}]}
        """

    /// cheapest-route.lua: a provider with no price is listed after every priced one; a count
    /// that is not a whole number is refused with status 2.
    @Test func cheapestRouteRefusesBadCountsAndListsUnpricedLast() async throws {
        let data = Self.temp("models.json")
        defer { try? FileManager.default.removeItem(atPath: data) }
        try Self.unpricedModels.write(toFile: data, atomically: true, encoding: .utf8)
        let script = Self.repo + "/scripts/examples/cheapest-route.lua"
        let r = try await ProcessRunner.luagate(["--sandbox-data", data, script, "m1"])
        #expect(r.status == 0, "\(r.stderr)")
        let order = r.stdout.split(separator: "\n").dropFirst().prefix(4).map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }
        #expect(order == ["ccc", "aaa", "bbb", "ddd"], "\(r.stdout)")
        for bad in [["abc"], ["10", "x"], ["1.5"]] {
            let refused = try await ProcessRunner.luagate(["--sandbox-data", data, script, "m1"] + bad)
            #expect(refused.status == 2, "\(bad): \(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("must be a whole number of tokens"), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty, "\(refused.stdout)")
        }
    }
}

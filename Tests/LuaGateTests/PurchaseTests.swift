import FakeNgrokAI
import Foundation
import Testing

/// `credits.purchase` and `credits.purchaseStatus` through the real binary against the fake:
/// every purchase carries an Idempotency-Key that the journal holds before it is sent, a lost
/// answer is repeated only with that key (so the fake sees one charge), dry runs send nothing,
/// `--max-changes` counts purchases, and bad amounts never leave the process.
@Suite struct PurchaseTests {
    static func purchasePOSTs(_ api: APIHarness) -> [RecordedRequest] {
        api.requests("POST").filter { $0.path == "/credits/purchases" }
    }

    /// The run is killed (SIGKILL) after the fake applied the purchase and before it answered;
    /// `--resume` sends the journaled key again, and the fake answers with the same purchase.
    @Test func aPurchaseKilledAfterSendingIsResumedWithTheSameKey() async throws {
        let api = try APIHarness()
        let journal = BatchJobTests.tempPath("purchase.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let script = "print('go') io.stdout:flush() local p = credits.purchase{amount = 500} print(p.id, p.amountCents)"
        api.server.faults.enqueue(.respondLate(milliseconds: 60_000), method: "POST", pathPrefix: "/credits/purchases")
        let job = try await LiveProcess(ProcessRunner.luagate, ["--journal", journal, "-e", script],
                                        environment: ["AI_GATEWAY_API_URL": api.server.baseURL, "AI_GATEWAY_API_KEY": api.token])
        #expect(try await job.waitForLine { $0 == "go" })
        let deadline = ContinuousClock.now + .seconds(30)
        while api.server.account.purchaseCharges < 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(api.server.account.purchaseCharges == 1, "the fake applied the purchase")
        job.signal(SIGKILL)
        _ = try await job.finish()

        let killed = try ResumeTests.lines(journal)
        #expect(killed.map { "\($0["op"] ?? "?") \($0["status"] ?? "?")" } == ["purchase started"])
        let key = try #require(killed.first?["idempotencyKey"] as? String, "the key is journaled before the request")
        #expect(Self.purchasePOSTs(api).first?.header("Idempotency-Key") == key)

        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let made = try #require(api.server.account.purchases.last)
        #expect(resumed.stdout == "go\n\(made["id"]?.stringValue ?? "?")\t500\n")
        #expect(api.server.account.purchaseCharges == 1, "bought twice")
        #expect(api.server.account.purchaseKeysSeen == [key, key])
        #expect(try ResumeTests.statuses(journal) == ["purchase started", "purchase started", "purchase ok"])

        // The journal shows it done: a further resume sends nothing.
        let again = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(again.stdout == resumed.stdout, "\(again.stderr)")
        #expect(Self.purchasePOSTs(api).count == 2)
    }

    /// The fake applies the purchase and cuts the connection: the client retries the POST,
    /// with the same key only, and the fake answers with the same purchase.
    @Test func aLostAnswerIsRetriedWithTheSameKey() async throws {
        let api = try APIHarness()
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "POST", pathPrefix: "/credits/purchases")
        let r = try await api.luagate(["-e", "print(credits.purchase{amount = 700}.amountCents)"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "700\n")
        let keys = Self.purchasePOSTs(api).compactMap { $0.header("Idempotency-Key") }
        #expect(keys.count == 2 && keys[0] == keys[1], "\(keys)")
        #expect(api.server.account.purchaseCharges == 1)
    }

    /// With no retries, the lost answer is an error whose outcome is unknown; the script buys
    /// the same amount again in the same run, and that sends the same key, not a new one.
    @Test func aPurchaseRepeatedAfterALostAnswerKeepsItsKey() async throws {
        let api = try APIHarness()
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "POST", pathPrefix: "/credits/purchases")
        let r = try await api.luagate(["--retries", "0", "-e", """
            local ok, err = pcall(credits.purchase, {amount = 900})
            print(ok, err.code)
            print(credits.purchase{amount = 900}.amountCents)
            """])
        #expect(r.stdout == "false\tnetwork\n900\n", "\(r.stderr)")
        let keys = Self.purchasePOSTs(api).compactMap { $0.header("Idempotency-Key") }
        #expect(keys.count == 2 && keys[0] == keys[1], "\(keys)")
        #expect(api.server.account.purchaseCharges == 1)
    }

    @Test func aDryRunSendsNoPurchase() async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["--dry-run", "-e", "local p = credits.purchase{amount = 500} print(p.id, p.status, p.amountCents)"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "dry-run-1\tpending\t500\n")
        #expect(r.stderr.contains("would purchase 500 cents of credits"))
        #expect(Self.purchasePOSTs(api).isEmpty)
        #expect(api.server.account.purchaseCharges == 0)
    }

    @Test func maxChangesCountsPurchases() async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["--max-changes", "1", "-e", """
            local seed = providerKeys.create{providerId = 'openai', name = 'one', value = 'sk-secret-0123456789'}
            print(pcall(credits.purchase, {amount = 500}))
            """])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("false\tcredits.purchase: max_changes: --max-changes 1"), "\(r.stdout)")
        #expect(Self.purchasePOSTs(api).isEmpty)
    }

    /// Amounts the API would refuse are refused before anything is sent, naming the field.
    @Test(arguments: [
        ("{amount = 0}", "field 'amount': must be between 1 and 50000 (got 0)"),
        ("{amount = 50001}", "field 'amount': must be between 1 and 50000 (got 50001)"),
        ("{amount = -5}", "field 'amount': must be between 1 and 50000 (got -5)"),
        ("{amount = 12.5}", "field 'amount': must be an integer (got number)"),
        ("{amount = '500'}", "field 'amount': must be an integer (got string)"),
        ("{}", "field 'amount': is required"),
        ("{amount = 500, idempotencyKey = ''}", "field 'idempotencyKey': must not be empty"),
        ("{amount = 500, idempotencyKey = ('k'):rep(256)}", "field 'idempotencyKey': at most 255 characters (got 256)"),
        ("{amount = 500, currency = 'usd'}", "unknown field 'currency' (allowed: amount, idempotencyKey)"),
    ])
    func badAmountsAreRefusedBeforeSending(_ call: String, _ message: String) async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["-e", "local ok, err = pcall(credits.purchase, \(call)) print(err, err.code, err.field)"])
        let field = message.hasPrefix("unknown") ? "currency" : message.split(separator: "'")[1]
        #expect(r.stdout == "bad argument #1 to 'purchase' (\(message))\tvalidation\t\(field)\n", "\(r.stderr)")
        #expect(api.server.requestLog.count == 0)
    }

    /// The fake's idempotency: the same key and amount give the same purchase without a second
    /// charge; the same key with another amount, or a purchase while one is unresolved, is a
    /// 409 with the reason and the purchase it points at; `purchaseStatus` reads it back.
    @Test func theFakeAnswersAsTheAPIDocuments() async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["-e", """
            local a = credits.purchase{amount = 500, idempotencyKey = 'order-1'}
            local b = credits.purchase{amount = 500, idempotencyKey = 'order-1'}
            print(a.id == b.id, a.status)
            local ok, err = pcall(credits.purchase, {amount = 600, idempotencyKey = 'order-1'})
            local details = json.decode(err.body).details
            print(err.status, details.reason, details.purchase_id == a.id)
            ok, err = pcall(credits.purchase, {amount = 600})
            details = json.decode(err.body).details
            print(err.status, details.reason, details.purchase_id == a.id)
            local s = credits.purchaseStatus(a.id)
            print(s.status, s.amountCents, s.currency, credits.balance().balanceCents)
            print(pcall(credits.purchaseStatus, 'aigcp_nope'))
            """])
        #expect(r.stdout == """
            true\tpending
            409\tidempotency_key_reuse\ttrue
            409\tpurchase_in_progress\ttrue
            succeeded\t500\tusd\t500
            false\tcredits.purchaseStatus aigcp_nope: 404 ERR_NGROK_404: credit purchase aigcp_nope not found

            """, "\(r.stderr)")
        #expect(api.server.account.purchaseCharges == 1)
    }

    /// A saved sandbox keeps its purchases and their keys: the same key after loading answers
    /// with the same purchase, and a new purchase gets an id of its own.
    @Test func aSavedSandboxKeepsPurchases() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-purchases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let saved = dir.appendingPathComponent("sandbox.json").path
        let first = try await ProcessRunner.luagate([
            "--sandbox", "--sandbox-save", saved, "-e",
            "local p = credits.purchase{amount = 321, idempotencyKey = 'keep-me'} print(p.id) print(credits.purchaseStatus(p.id).status)",
        ])
        #expect(first.status == 0, "\(first.stderr)")
        let id = try #require(first.stdout.split(separator: "\n").first.map(String.init))
        let second = try await ProcessRunner.luagate(["--sandbox-data", saved, "-e", """
            local p = credits.purchase{amount = 321, idempotencyKey = 'keep-me'}
            print(p.id, p.status)
            local q = credits.purchase{amount = 100}
            print(q.id ~= p.id, credits.purchaseStatus('aigcp_2SampleDeclined0001').status)
            """])
        #expect(second.stdout == "\(id)\tsucceeded\ntrue\tfailed\n", "\(second.stderr)")
    }

    /// A mistyped name lists the purchases beside the queries.
    @Test func aMistypedNameListsThePurchaseFunctions() async throws {
        let r = try await ProcessRunner.luagate(["-e", "print(pcall(function() return credits.purchse end))"])
        #expect(r.stdout == "false\tcredits has no function 'purchse' (it has: balance, transactions, purchase, purchaseStatus)\n",
                "\(r.stderr)")
    }

    /// The example buys when the balance is below the threshold, and a second run buys nothing.
    @Test func topUpExampleBuysOnce() async throws {
        let api = try APIHarness()
        let script = SandboxTests.examples.appendingPathComponent("top-up-credits.lua").path
        let first = try await api.luagate([script, "1000", "2500"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("bought $25.00"), "\(first.stdout)")
        let second = try await api.luagate([script, "1000", "2500"])
        #expect(second.stdout == "balance $25.00 is at or above $10.00: nothing to buy\n", "\(second.stderr)")
        #expect(api.server.account.purchaseCharges == 1)
        let dry = try await api.luagate(["--dry-run", script, "5000", "2500"])
        #expect(dry.stdout.contains("dry run: would buy $25.00"), "\(dry.stdout)")
        #expect(api.server.account.purchaseCharges == 1)
    }
}

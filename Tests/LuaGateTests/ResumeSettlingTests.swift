import FakeNgrokAI
import Foundation
import Testing

/// `--resume` of purchases and `api.request` changes through the real binary: a repeat with
/// the journaled key leaves the journal's later calls standing, identical calls pair with
/// their own lines, a 5xx to a non-idempotent request is in doubt, in-doubt purchase keys are
/// kept per key, a PATCH in doubt is refused, and a request's raw body and secret query
/// values are told apart and kept out of the journal.
@Suite struct ResumeSettlingTests {
    static func keys(_ api: APIHarness) -> [String] {
        PurchaseTests.purchasePOSTs(api).compactMap { $0.header("Idempotency-Key") }
    }

    /// Run 1: the 500 times out (unknown), the 300 is bought. Run 2 repeats the 500 with its
    /// journaled key and skips the 300: nothing is bought twice.
    @Test func repeatingAPurchaseWithItsKeyLeavesTheNextOneDone() async throws {
        let api = try APIHarness()
        let journal = BatchJobTests.tempPath("settle-purchases.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        api.server.faults.enqueue(.respondLate(milliseconds: 3_000), method: "POST", pathPrefix: "/credits/purchases")
        let script = """
            local ok, err = pcall(credits.purchase, {amount = 500})
            print(ok, type(err) == 'table' and err.code or nil)
            credits.balance()
            print(credits.purchase{amount = 300}.amountCents)
            """
        let first = try await api.luagate(["--journal", journal, "--retries", "0", "--request-timeout", "0.5", "-e", script])
        #expect(first.stdout == "false\ttimeout\n300\n", "\(first.stderr)")
        #expect(try ResumeTests.statuses(journal) == ["purchase started", "purchase unknown", "purchase started", "purchase ok"])
        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.stdout == "true\tnil\n300\n", "\(resumed.stderr)")
        let keys = Self.keys(api)
        #expect(keys.count == 3 && keys[0] == keys[2], "\(keys)")
        #expect(api.server.account.purchaseCharges == 2, "the 300 was bought again")
    }

    /// Two identical purchases overlapped: `started(A) started(B) ok(A)`, then a kill. The
    /// outcome pairs with A's own line, so B stays in doubt and is repeated with its key.
    @Test func overlappingIdenticalPurchasesPairWithTheirOwnLines() async throws {
        let api = try APIHarness()
        let journal = BatchJobTests.tempPath("overlap.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        func line(_ key: String, _ seq: Int, _ status: String, after: String? = nil) -> String {
            #"{"idempotencyKey":"\#(key)","op":"purchase","resource":"credits","run":"0123456789abcdef","seq":\#(seq),"#
                + #""status":"\#(status)","target":{"amount":500},"time":"2026-12-03T09:00:00.000Z""#
                + (after.map { #","after":\#($0)"# } ?? "") + "}"
        }
        let done = #"{"amountCents":500,"currency":"usd","id":"aigcp_journaledA","status":"succeeded"}"#
        try ([line("key-a", 1, "started"), line("key-b", 2, "started"), line("key-a", 1, "ok", after: done)]
            .joined(separator: "\n") + "\n").write(toFile: journal, atomically: true, encoding: .utf8)
        let r = try await api.luagate(["--journal", journal, "--resume", "-e", """
            print(credits.purchase{amount = 500}.id)
            print(credits.purchase{amount = 500}.amountCents)
            """])
        #expect(r.stdout == "aigcp_journaledA\n500\n", "\(r.stderr)")
        #expect(Self.keys(api) == ["key-b"], "B was sent with a new key")
    }

    /// In one run a purchase's answer is lost and the script buys again, which sends the same
    /// key: two calls, one purchase. Resumed, the first call repeats the key and the second is
    /// done (the in-doubt line is not taken as settled by a line of its own run).
    @Test func aPurchaseRetriedInItsOwnRunIsNotBoughtAgainOnResume() async throws {
        let api = try APIHarness()
        let journal = BatchJobTests.tempPath("same-run.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "POST", pathPrefix: "/credits/purchases")
        let script = "print((pcall(credits.purchase, {amount = 900}))) print(credits.purchase{amount = 900}.amountCents)"
        let first = try await api.luagate(["--journal", journal, "--retries", "0", "-e", script])
        #expect(first.stdout == "false\n900\n", "\(first.stderr)")
        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.stdout == "true\n900\n", "\(resumed.stderr)")
        #expect(Set(Self.keys(api)).count == 1, "\(Self.keys(api))")
        #expect(api.server.account.purchaseCharges == 1)
    }

    /// A 502 to a purchase may come after it was made: journaled unknown, and `--resume`
    /// repeats it with the same key.
    @Test func a502ToAPurchaseLeavesItInDoubt() async throws {
        let api = try APIHarness()
        let journal = BatchJobTests.tempPath("purchase-502.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        api.server.faults.enqueue(.status(502), method: "POST", pathPrefix: "/credits/purchases")
        let script = "local ok, err = pcall(credits.purchase, {amount = 500}) print(ok, not ok and err.status or nil)"
        let first = try await api.luagate(["--journal", journal, "--retries", "0", "-e", script])
        #expect(first.stdout == "false\t502\n", "\(first.stderr)")
        #expect(try ResumeTests.statuses(journal) == ["purchase started", "purchase unknown"])
        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.stdout == "true\tnil\n", "\(resumed.stderr)")
        let keys = Self.keys(api)
        #expect(keys.count == 2 && keys[0] == keys[1], "\(keys)")
    }

    /// A purchase of the same amount with a key of the script's own neither clears nor takes
    /// the key of one in doubt, and a key of the script's own is never reused for another.
    @Test func inDoubtKeysAreKeptPerKey() async throws {
        let api = try APIHarness()
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "POST", pathPrefix: "/credits/purchases")
        let r = try await api.luagate(["--retries", "0", "-e", """
            local ok, err = pcall(credits.purchase, {amount = 500})
            print(ok, err.code)
            credits.balance()
            print(credits.purchase{amount = 500, idempotencyKey = 'mine'}.amountCents)
            credits.balance()
            print(credits.purchase{amount = 500}.amountCents)
            """])
        #expect(r.stdout == "false\tnetwork\n500\n500\n", "\(r.stderr)")
        let keys = Self.keys(api)
        #expect(keys.count == 3 && keys[1] == "mine" && keys[2] == keys[0], "\(keys)")
        #expect(api.server.account.purchaseCharges == 2)

        api.server.faults.enqueue(.dropResponseAfterApplying, method: "POST", pathPrefix: "/credits/purchases")
        let own = try await api.luagate(["--retries", "0", "-e", """
            credits.balance()
            local ok, err = pcall(credits.purchase, {amount = 700, idempotencyKey = 'own-700'})
            print(ok, err.code)
            credits.balance()
            print(credits.purchase{amount = 700}.amountCents)
            """])
        #expect(own.stdout == "false\tnetwork\n700\n", "\(own.stderr)")
        let later = Self.keys(api).dropFirst(3)
        #expect(later.count == 2 && later.first == "own-700" && later.last != "own-700", "\(later)")
        #expect(api.server.account.purchaseCharges == 4)
    }

    /// The client never repeats a PATCH, and `--resume` does not either.
    @Test func aPatchInDoubtIsNotRepeated() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "before")
        let journal = BatchJobTests.tempPath("patch-doubt.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "PATCH")
        let script = """
            local ok, err = pcall(api.request, "PATCH", "/provider-keys/\(key.id)", {body = {name = "after"}})
            print(ok, type(err) == 'table' and err.code or nil)
            """
        let first = try await api.luagate(["--journal", journal, "--retries", "0", "-e", script])
        #expect(first.stdout == "false\tnetwork\n", "\(first.stderr)")
        #expect(try ResumeTests.statuses(journal) == ["patch started", "patch unknown"])
        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.stdout == "false\tunknown_outcome\n", "\(resumed.stderr)")
        #expect(api.requests("PATCH").count == 1)
    }

    /// A body that is not JSON is told apart by its digest: another body of the same length
    /// is a different request, the same body is the one in doubt.
    @Test func aRawBodyIsMatchedByItsBytes() async throws {
        let api = try APIHarness()
        let journal = BatchJobTests.tempPath("raw-body.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "POST", pathPrefix: "/things")
        func script(_ body: String) -> String {
            "local ok, err = pcall(api.request, 'POST', '/things', {body = '\(body)'}) print(type(err) == 'table' and err.code or err)"
        }
        let first = try await api.luagate(["--journal", journal, "--retries", "0", "-e", script("aaaaa")])
        #expect(first.stdout == "network\n", "\(first.stderr)")
        #expect(!(try String(contentsOfFile: journal, encoding: .utf8)).contains("aaaaa"))
        let other = try await api.luagate(["--journal", journal, "--resume", "-e", script("bbbbb")])
        #expect(!other.stdout.contains("unknown_outcome"), "\(other.stdout) \(other.stderr)")
        #expect(api.requests("POST").filter { $0.path == "/things" }.count == 2)
        let same = try await api.luagate(["--journal", journal, "--resume", "-e", script("aaaaa")])
        #expect(same.stdout == "unknown_outcome\n", "\(same.stderr)")
        #expect(api.requests("POST").filter { $0.path == "/things" }.count == 2)
    }

    /// A query value named as a secret field reaches neither the journal nor the dry-run line.
    @Test func secretQueryValuesAreNotJournaled() async throws {
        let api = try APIHarness()
        let journal = BatchJobTests.tempPath("query-secret.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let script = "print(pcall(api.request, 'POST', '/things', {query = {token = 'tok-secret-4242', limit = 1}}))"
        _ = try await api.luagate(["--journal", journal, "-e", script])
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(!text.contains("tok-secret-4242") && text.contains("secretDigest"), "\(text)")
        #expect(api.requests("POST").first?.uri.contains("token=tok-secret-4242") == true, "the request carries it")
        let dry = try await api.luagate(["--dry-run", "-e", script])
        #expect(!dry.stderr.contains("tok-secret-4242") && dry.stderr.contains("would send POST /things?limit=1&token="), "\(dry.stderr)")
    }
}

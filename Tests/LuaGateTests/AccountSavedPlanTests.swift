import FakeNgrokAI
import Foundation
import Testing
import TestSupport

/// `--plan FILE --out plan.json`, then `--apply plan.json`: applied exactly when nothing it
/// touches changed since; refused, naming each changed record, with nothing sent, otherwise.
@Suite struct AccountSavedPlanTests {
    /// An owned key updated, one created, one pruned.
    static func setUp() throws -> (APIHarness, AccountFolder, file: String, updated: TestRecord, doomed: TestRecord) {
        let api = try Accounts.emptyAPI()
        let updated = api.seed(name: "updated", description: "old", metadata: Accounts.owned(by: "platform"))
        let doomed = api.seed(name: "doomed", metadata: Accounts.owned(by: "platform"))
        let folder = try AccountFolder()
        let file = try folder.account("""
              prune = true,
              providerKeys = {
                { name = "updated", providerId = "openai", value = account.env "UPDATED_KEY", description = "new" },
                { name = "created", providerId = "openai", value = account.env "CREATED_KEY" },
              },
            """)
        return (api, folder, file, updated, doomed)
    }

    static let env = ["CREATED_KEY": Accounts.secret()]

    static func save(_ api: APIHarness, _ file: String, _ folder: AccountFolder) async throws {
        let r = try await Accounts.run(api, ["--plan", file, "--out", folder.file("plan.json"), "--detailed-exitcode"],
                                       environment: Self.env)
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("saved the plan to \(folder.file("plan.json"))"), "\(r.stderr)")
    }

    /// Another run changes a touched record by hand between plan and apply.
    @Test func aRecordChangedByHandMakesThePlanStale() async throws {
        let (api, folder, file, updated, _) = try Self.setUp()
        try await Self.save(api, file, folder)
        let byHand = try await api.luagate(["-e", "providerKeys.update('\(updated.id)', {description = 'by hand'})"])
        #expect(byHand.status == 0, "\(byHand.stderr)")
        let sentBefore = Accounts.mutations(api).count

        let r = try await api.luagate(["--apply", folder.file("plan.json")], environment: Self.env)
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("\(folder.file("plan.json")) is stale") && r.stderr.contains("nothing was sent: 1 problem"),
                "\(r.stderr)")
        #expect(r.stderr.contains("providerKeys \"updated\" (\(updated.id)) changed since the plan"), "\(r.stderr)")
        #expect(Accounts.mutations(api).count == sentBefore, "sent: \(Accounts.sent(api))")
        #expect(api.server.account.get(.providerKeys, id: updated.id)?.description == "by hand")
        #expect(Accounts.named(api, .providerKeys, "created").isEmpty)
    }

    /// A record the plan creates, made by hand since; one it deletes, deleted since: both named.
    @Test func aCreateTargetMadeAndADeleteTargetGoneAreNamed() async throws {
        let (api, folder, file, _, doomed) = try Self.setUp()
        try await Self.save(api, file, folder)
        let byHand = try await api.luagate(["-e", """
            providerKeys.create{providerId = 'openai', name = 'created', value = 'sk-by-hand-0123456789'}
            providerKeys.delete('\(doomed.id)')
            """])
        #expect(byHand.status == 0, "\(byHand.stderr)")
        let sentBefore = Accounts.mutations(api).count
        let r = try await api.luagate(["--apply", folder.file("plan.json")], environment: Self.env)
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("is stale") && r.stderr.contains("nothing was sent: 2 problems"), "\(r.stderr)")
        #expect(r.stderr.contains("providerKeys \"created\" now exists"), "\(r.stderr)")
        #expect(r.stderr.contains("providerKeys \"doomed\" (\(doomed.id)) is gone"), "\(r.stderr)")
        #expect(Accounts.mutations(api).count == sentBefore)
        #expect(Accounts.named(api, .providerKeys, "created").count == 1)
    }

    @Test func anUnchangedAccountAppliesThePlanExactly() async throws {
        let (api, folder, file, updated, doomed) = try Self.setUp()
        try await Self.save(api, file, folder)
        // Reading does not make a plan stale, nor does a change to a record the plan does not touch.
        let bystander = api.seed(name: "bystander")
        let untouched = try await api.luagate(["-e", "providerKeys.update('\(bystander.id)', {description = 'x'})"])
        #expect(untouched.status == 0, "\(untouched.stderr)")
        let sentBefore = Accounts.mutations(api).count

        let r = try await api.luagate(["--apply", folder.file("plan.json")], environment: Self.env)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("applied: 1 created, 1 updated, 1 deleted"), "\(r.stdout)")
        let sent = Accounts.mutations(api).dropFirst(sentBefore).map { "\($0.method) \($0.path)" }
        #expect(sent.count == 3 && sent.contains("PATCH /provider-keys/\(updated.id)")
                && sent.contains("DELETE /provider-keys/\(doomed.id)") && sent.contains("POST /provider-keys"), "\(sent)")
        #expect(api.server.account.get(.providerKeys, id: updated.id)?.description == "new")
        let created = try #require(Accounts.named(api, .providerKeys, "created").first)
        #expect(api.server.account.secret(.providerKeys, id: created.id, field: "value") == Self.env["CREATED_KEY"])
        let after = try await api.luagate(["--plan", file, "--detailed-exitcode"], environment: Self.env)
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
    }

    /// Plan-shaping options belong to --plan: given to --apply of a saved plan, refused.
    /// (Command-line misuse: exit 2, as for other options that do not go together.)
    @Test func planOptionsAreRefusedWithASavedPlan() async throws {
        let (api, folder, file, _, _) = try Self.setUp()
        try await Self.save(api, file, folder)
        let sentBefore = Accounts.mutations(api).count
        for option in [["--prune"], ["--adopt"], ["--max-deletes", "1"]] {
            let r = try await Accounts.run(api, ["--apply", folder.file("plan.json")] + option, environment: Self.env)
            #expect(r.status == 2, "\(option): \(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains("give them to --plan, not to --apply of a saved plan"), "\(r.stderr)")
        }
        #expect(Accounts.mutations(api).count == sentBefore)
    }

    /// A saved plan whose rotation's secret cannot be read at apply: refused before anything
    /// is sent (not the other changes sent, then the rotation failing).
    @Test func aSavedRotationWithoutItsSecretIsRefusedBeforeSending() async throws {
        let api = try Accounts.emptyAPI()
        let rotated = api.seed(name: "rotated", metadata: #"{"luagate":{"stack":"platform","secretVersion":"1"}}"#)
        let updated = api.seed(name: "updated", description: "old", metadata: Accounts.owned(by: "platform"))
        let folder = try AccountFolder()
        let file = try folder.account("""
              providerKeys = {
                { name = "rotated", providerId = "openai", value = account.env "ROTATED_KEY", secretVersion = "2" },
                { name = "updated", providerId = "openai", value = account.env "UPDATED_KEY", description = "new" },
              },
            """)
        let saved = try await Accounts.run(api, ["--plan", file, "--out", folder.file("plan.json")],
                                           environment: ["ROTATED_KEY": Accounts.secret()])
        #expect(saved.status == 0, "\(saved.stdout)\(saved.stderr)")
        #expect(saved.stdout.contains("2 to update"), "\(saved.stdout)")
        let r = try await Accounts.run(api, ["--apply", folder.file("plan.json")])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("refused, nothing was sent: 1 problem"), "\(r.stderr)")
        #expect(r.stderr.contains("providerKeys \"rotated\": environment variable ROTATED_KEY is not set"), "\(r.stderr)")
        #expect(Accounts.mutations(api).isEmpty, "sent: \(Accounts.sent(api))")
        #expect(api.server.account.get(.providerKeys, id: updated.id)?.description == "old")
        #expect(Accounts.marker(api.server.account.get(.providerKeys, id: rotated.id))?["secretVersion"] as? String == "1")
    }

    /// The secret of a create is checked too (not only a rotation's) before anything is sent.
    @Test func aSavedCreateWithoutItsSecretIsRefusedBeforeSending() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let file = try folder.account("""
              providerKeys = {
                { name = "fresh", providerId = "openai", value = account.env "FRESH_KEY" },
              },
              accessKeyConfigurations = { { name = "cfg", description = "made first" } },
            """)
        let saved = try await Accounts.run(api, ["--plan", file, "--out", folder.file("plan.json")],
                                           environment: ["FRESH_KEY": Accounts.secret()])
        #expect(saved.status == 0, "\(saved.stdout)\(saved.stderr)")
        #expect(saved.stdout.contains("2 to create"), "\(saved.stdout)")
        let r = try await Accounts.run(api, ["--apply", folder.file("plan.json")])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("providerKeys \"fresh\": environment variable FRESH_KEY is not set"), "\(r.stderr)")
        #expect(Accounts.mutations(api).isEmpty, "sent: \(Accounts.sent(api))")
    }

    /// Nothing in a saved plan is trusted: a plan edited by hand is refused before anything is
    /// sent (a delete of a record the stack does not own, a change without its basis, a field
    /// the collection lacks, `changes` not a list, a body over a field's limit); a `phase` it
    /// carries is recomputed, not used.
    @Test func aPlanEditedByHandIsRefusedBeforeSending() async throws {
        let (api, folder, file, _, _) = try Self.setUp()
        let theirs = api.seed(name: "theirs", metadata: Accounts.owned(by: "other"))
        let unmarked = api.seed(name: "unmarked")
        try await Self.save(api, file, folder)
        let saved = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("plan.json")))) as? [String: Any])
        func edited(_ name: String, _ edit: (inout [String: Any], inout [[String: Any]]) throws -> Void) throws -> String {
            var doc = saved
            var changes = try #require(doc["changes"] as? [[String: Any]])
            try edit(&doc, &changes)
            if doc["changes"] is [Any] { doc["changes"] = changes }
            try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: folder.file(name)))
            return folder.file(name)
        }
        func index(_ changes: [[String: Any]], _ op: String) throws -> Int {
            try #require(changes.firstIndex { $0["op"] as? String == op }, "no \(op) in the plan")
        }
        func deleting(_ record: TestRecord) -> (inout [String: Any], inout [[String: Any]]) throws -> Void {
            { _, changes in
                let i = try index(changes, "delete")
                changes[i]["id"] = record.id
                changes[i]["name"] = record.name
                changes[i]["basis"] = ["updatedAt": record.updatedAt ?? ""]
            }
        }
        let cases: [(String, (inout [String: Any], inout [[String: Any]]) throws -> Void, String)] = [
            ("theirs.json", deleting(theirs),
             "providerKeys \"theirs\" (\(theirs.id)) is not owned by stack \"platform\": a plan deletes only what its stack created"),
            ("unmarked.json", deleting(unmarked),
             "providerKeys \"unmarked\" (\(unmarked.id)) is not owned by stack \"platform\": a plan deletes only what its stack created"),
            ("basis.json", { _, changes in changes[try index(changes, "update")]["basis"] = nil },
             "set and basis must be objects (basis: what the change was computed from)"),
            ("field.json", { _, changes in
                let i = try index(changes, "update")
                var set = try #require(changes[i]["set"] as? [String: Any])
                set["colour"] = "red"
                changes[i]["set"] = set
            }, "providerKeys has no field colour"),
            ("object.json", { doc, changes in doc["changes"] = ["0": changes[0]] }, "is not a saved plan"),
            ("long.json", { _, changes in
                let i = try index(changes, "update")
                var set = try #require(changes[i]["set"] as? [String: Any])
                set["description"] = String(repeating: "d", count: 300)
                changes[i]["set"] = set
            }, "providerKeys \"updated\": description"),
        ]
        let sentBefore = Accounts.mutations(api).count
        for (name, edit, message) in cases {
            let path = try edited(name, edit)
            let r = try await Accounts.run(api, ["--apply", path], environment: Self.env)
            #expect(r.status == 1, "\(name): \(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains(message), "\(name): \(r.stderr)")
            #expect(r.stderr.contains("nothing was sent") || name == "object.json", "\(name): \(r.stderr)")
            #expect(!r.stderr.contains("stack traceback"), "\(name): \(r.stderr)")
            #expect(Accounts.mutations(api).count == sentBefore, "\(name): sent \(Accounts.sent(api))")
        }
        #expect(api.server.account.get(.providerKeys, id: theirs.id) != nil)
        #expect(api.server.account.get(.providerKeys, id: unmarked.id) != nil)

        // A phase written by hand is recomputed: the plan applies as made.
        let phased = try edited("phase.json") { _, changes in
            for i in changes.indices { changes[i]["phase"] = i == 0 ? "late" : "first" }
        }
        let r = try await Accounts.run(api, ["--apply", phased], environment: Self.env)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("applied: 1 created, 1 updated, 1 deleted"), "\(r.stdout)")
    }

    /// A saved plan whose creates point at each other by name: the ids are those the same apply made.
    @Test func aSavedPlanOfRecordsPointingAtEachOtherApplies() async throws {
        let api = try Accounts.sampleAPI()
        let folder = try AccountFolder()
        let file = try folder.account(AccountApplyTests.everything(folder), stack: "ord")
        let saved = try await api.luagate(["--plan", file, "--out", folder.file("plan.json")], environment: AccountApplyTests.secrets)
        #expect(saved.status == 0, "\(saved.stderr)")
        let r = try await api.luagate(["--apply", folder.file("plan.json")], environment: AccountApplyTests.secrets)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let cfg = try #require(Accounts.named(api, .accessKeyConfigurations, "ord-cfg").first)
        let ak = try #require(Accounts.named(api, .accessKeys, "ord-ak").first)
        #expect(ak["accessKeyConfiguration"]?.objectValue?["id"]?.stringValue == cfg.id)
        let after = try await api.luagate(["--plan", file, "--detailed-exitcode"], environment: AccountApplyTests.secrets)
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
    }
}

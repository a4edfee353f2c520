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
        let r = try await api.luagate(["--plan", file, "--out", folder.file("plan.json"), "--detailed-exitcode"],
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
    @Test func planOptionsAreRefusedWithASavedPlan() async throws {
        let (api, folder, file, _, _) = try Self.setUp()
        try await Self.save(api, file, folder)
        let sentBefore = Accounts.mutations(api).count
        let r = try await api.luagate(["--apply", folder.file("plan.json"), "--prune"], environment: Self.env)
        #expect(r.status != 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("give them to --plan, not to --apply of a saved plan"), "\(r.stderr)")
        #expect(Accounts.mutations(api).count == sentBefore)
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

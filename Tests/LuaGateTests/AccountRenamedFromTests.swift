import FakeNgrokAI
import Foundation
import Testing

/// `renamedFrom = "old"`: a rename is one update of the record, never a delete and a create.
@Suite struct AccountRenamedFromTests {
    @Test func aRenameIsOnePatchWithTheNewName() async throws {
        let api = try Accounts.emptyAPI()
        let key = api.seed(name: "old-name", description: "kept", metadata: Accounts.owned(by: "platform"))
        let other = api.seed(name: "bystander", metadata: Accounts.owned(by: "platform"))
        let folder = try AccountFolder()
        let file = try folder.account("""
              prune = true,
              providerKeys = {
                { name = "new-name", renamedFrom = "old-name", providerId = "openai", value = account.env "RENAMED_KEY",
                  description = "kept" },
                { name = "bystander", providerId = "openai", value = account.env "BYSTANDER_KEY" },
              },
            """)
        let plan = try await api.luagate(["--plan", file, "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("Plan for stack \"platform\" (\(file)): 1 to update (1 rename)\n"), "\(plan.stdout)")
        #expect(plan.stdout.contains("  ~ new-name (\(key.id))  rename, update\n      name: \"old-name\" → \"new-name\"\n"),
                "\(plan.stdout)")

        let r = try await api.luagate(["--apply", file])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let sent = Accounts.mutations(api)
        #expect(sent.count == 1, "\(sent.map { "\($0.method) \($0.path)" })")
        let patch = try #require(sent.first)
        #expect(patch.method == "PATCH" && patch.path == "/provider-keys/\(key.id)")
        #expect(try #require(APIHarness.json(patch.body))["name"] as? String == "new-name", "\(patch.bodyText)")
        #expect(api.server.account.get(.providerKeys, id: key.id)?.name == "new-name")
        #expect(api.server.account.get(.providerKeys, id: other.id)?.name == "bystander")
        #expect(api.server.account.count(.providerKeys) == 2)

        // The rename is done: planning again (renamedFrom still in the file) finds nothing to do.
        let again = try await api.luagate(["--plan", file, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(Accounts.mutations(api).count == 1)
    }

    /// A configuration renamed: the access key that names it by its new name still points at it.
    @Test func aRenamedRecordKeepsWhatPointsAtIt() async throws {
        let api = try Accounts.emptyAPI()
        let cfg = api.server.account.seed(.accessKeyConfigurations, [
            "name": .string("cfg-old"), "metadata": .string(Accounts.owned(by: "platform")),
        ])
        let ak = api.server.account.seed(.accessKeys, [
            "name": .string("ak"), "accessKeyConfigurationId": .string(cfg.id), "metadata": .string(Accounts.owned(by: "platform")),
        ])
        let folder = try AccountFolder()
        let file = try folder.account("""
              accessKeyConfigurations = { { name = "cfg-new", renamedFrom = "cfg-old" } },
              accessKeys = { { name = "ak", accessKeyConfiguration = "cfg-new" } },
            """)
        let r = try await api.luagate(["--apply", file, "--prune"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        // One PATCH: the access key, which points at the configuration by id, is not touched.
        #expect(Accounts.sent(api) == ["PATCH access-key-configurations"], "\(Accounts.sent(api))")
        #expect(api.server.account.get(.accessKeyConfigurations, id: cfg.id)?.name == "cfg-new")
        #expect(api.server.account.get(.accessKeys, id: ak.id)?["accessKeyConfiguration"]?.objectValue?["id"]?.stringValue == cfg.id)
    }

    /// `renamedFrom = "a"` onto "b" when the account holds both: refused, naming both ids.
    @Test func aRenameOntoANameTheAccountHoldsIsRefused() async throws {
        let api = try Accounts.emptyAPI()
        let a = api.seed(name: "a"), b = api.seed(name: "b")
        try await AccountInputTests.refused("""
              providerKeys = { { name = "b", renamedFrom = "a", providerId = "openai", value = account.env "B_KEY" } },
            """, [
                #"FILE:4: providerKeys "b": renamedFrom "a", but the account holds both "a" (\#(a.id)) and "b" (\#(b.id)): delete or rename one by hand, or drop renamedFrom"#,
            ], api: api)
        #expect(api.server.account.count(.providerKeys) == 2)
    }

    /// A name the plan renames away is gone once it is applied: a reference to it is refused.
    @Test func aReferenceToTheOldNameOfARecordRenamedInThePlanIsRefused() async throws {
        let api = try Accounts.emptyAPI()
        let cfg = api.server.account.seed(.accessKeyConfigurations, [
            "name": "cfg-old", "metadata": .string(Accounts.owned(by: "x")),
        ])
        try await AccountInputTests.refused("""
              accessKeyConfigurations = { { name = "cfg-new", renamedFrom = "cfg-old" } },
              accessKeys = { { name = "ak", accessKeyConfiguration = "cfg-old" } },
            """, [
                #"FILE:5: accessKeys "ak": accessKeyConfiguration names the access key configuration "cfg-old", which this file renames to "cfg-new"#,
            ], api: api)
        #expect(api.server.account.get(.accessKeyConfigurations, id: cfg.id)?.name == "cfg-old")
        #expect(api.server.account.count(.accessKeys) == 0)
    }
}

import FakeNgrokAI
import Foundation
import Testing

/// Ownership: only records carrying this stack's marker are deleted, and only with pruning
/// on; `--adopt` and `adopt = true` add the marker; `protect = true` and `--max-deletes`
/// refuse a plan before anything is sent.
@Suite struct AccountOwnershipTests {
    static let noKeys = "  providerKeys = {},"

    @Test func pruneDeletesOnlyThisStacksRecords() async throws {
        let api = try Accounts.emptyAPI()
        let mine = api.seed(name: "mine", metadata: Accounts.owned(by: "platform"))
        let unmarked = api.seed(name: "unmarked")
        let plain = api.seed(name: "plain-json", metadata: #"{"team":"search"}"#)
        let text = api.seed(name: "text-metadata", metadata: "owner: bob")
        let theirs = api.seed(name: "theirs", metadata: Accounts.owned(by: "other"))
        let folder = try AccountFolder()
        let file = try folder.account(Self.noKeys)

        let plan = try await api.luagate(["--plan", file, "--prune", "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.hasPrefix("Plan for stack \"platform\" (\(file)): 1 to delete\n"), "\(plan.stdout)")
        for other in [unmarked, plain, text, theirs] { #expect(!plan.stdout.contains(other.id), "\(plan.stdout)") }

        let r = try await api.luagate(["--apply", file, "--prune"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(Accounts.mutations(api).map { "\($0.method) \($0.path)" } == ["DELETE /provider-keys/\(mine.id)"])
        for other in [unmarked, plain, text, theirs] {
            #expect(api.server.account.get(.providerKeys, id: other.id) == other, "\(other.name) touched")
        }
    }

    /// A record the file names but does not own is updated, and dropping it from the file
    /// does not delete it; the plan says so.
    @Test func aNamedRecordNotOwnedIsUpdatedNeverDeleted() async throws {
        let api = try Accounts.emptyAPI()
        let theirs = api.seed(name: "theirs", description: "old", metadata: Accounts.owned(by: "other"))
        let unmarked = api.seed(name: "unmarked", description: "old")
        let folder = try AccountFolder()
        let file = try folder.account("""
              providerKeys = {
                { name = "theirs", providerId = "openai", value = account.env "THEIRS_KEY", description = "new" },
                { name = "unmarked", providerId = "openai", value = account.env "UNMARKED_KEY", description = "new" },
              },
            """)
        let plan = try await api.luagate(["--plan", file])
        #expect(plan.stdout.contains(
            "2 records named by the file are not owned by this stack: leaving the file will not delete them"), "\(plan.stdout)")
        #expect(plan.stdout.contains("  providerKeys \"theirs\" (\(theirs.id)), owned by stack \"other\"\n"), "\(plan.stdout)")
        #expect(plan.stdout.contains("  providerKeys \"unmarked\" (\(unmarked.id))\n"), "\(plan.stdout)")
        let r = try await api.luagate(["--apply", file, "--prune"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(Accounts.sent(api) == ["PATCH provider-keys", "PATCH provider-keys"], "\(Accounts.sent(api))")
        #expect(api.server.account.get(.providerKeys, id: theirs.id)?.description == "new")
        #expect(Accounts.marker(api.server.account.get(.providerKeys, id: theirs.id))?["stack"] as? String == "other")
        #expect(Accounts.marker(api.server.account.get(.providerKeys, id: unmarked.id)) == nil, "marked without --adopt")

        let dropped = try folder.account(Self.noKeys, name: "dropped.lua")
        let prune = try await api.luagate(["--apply", dropped, "--prune"])
        #expect(prune.status == 0, "\(prune.stdout)\(prune.stderr)")
        #expect(api.requests("DELETE").isEmpty)
        #expect(api.server.account.count(.providerKeys) == 2)
    }

    /// `--adopt` marks the records the file names (their other metadata kept); owned, they
    /// are then pruned like any other.
    @Test func adoptFromTheCommandLineAddsTheMarker() async throws {
        let api = try Accounts.emptyAPI()
        let key = api.seed(name: "legacy", metadata: #"{"team":"search"}"#)
        let folder = try AccountFolder()
        let file = try folder.account("""
              providerKeys = { { name = "legacy", providerId = "openai", value = account.env "LEGACY_KEY",
                                 metadata = { team = "search" } } },
            """)
        let plan = try await api.luagate(["--plan", file, "--adopt", "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("1 to update (1 adoption)"), "\(plan.stdout)")
        #expect(plan.stdout.contains("  ~ legacy (\(key.id))  adopt\n      owner: (none) → \"platform\"\n"), "\(plan.stdout)")
        let r = try await api.luagate(["--apply", file, "--adopt"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(Accounts.sent(api) == ["PATCH provider-keys"])
        let adopted = api.server.account.get(.providerKeys, id: key.id)
        #expect(Accounts.marker(adopted)?["stack"] as? String == "platform", "\(adopted?.metadata ?? "nil")")
        #expect(Accounts.metadata(adopted)?["team"] as? String == "search")
        let again = try await api.luagate(["--plan", file, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")

        let dropped = try folder.account(Self.noKeys, name: "dropped.lua")
        let prune = try await api.luagate(["--apply", dropped, "--prune"])
        #expect(prune.status == 0, "\(prune.stdout)\(prune.stderr)")
        #expect(api.server.account.get(.providerKeys, id: key.id) == nil, "an adopted record is owned")
    }

    @Test func adoptOnARecordAddsTheMarkerToThatRecordOnly() async throws {
        let api = try Accounts.emptyAPI()
        let adopted = api.seed(name: "adopted")
        let left = api.seed(name: "left")
        let folder = try AccountFolder()
        let file = try folder.account("""
              providerKeys = {
                { name = "adopted", adopt = true, providerId = "openai", value = account.env "A_KEY" },
                { name = "left", providerId = "openai", value = account.env "B_KEY" },
              },
            """)
        let r = try await api.luagate(["--apply", file])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(Accounts.mutations(api).map(\.path) == ["/provider-keys/\(adopted.id)"])
        #expect(Accounts.marker(api.server.account.get(.providerKeys, id: adopted.id))?["stack"] as? String == "platform")
        #expect(Accounts.marker(api.server.account.get(.providerKeys, id: left.id)) == nil)
    }

    /// A record another stack owns is not taken over: the plan is refused.
    @Test func adoptRefusesARecordOfAnotherStack() async throws {
        let api = try Accounts.emptyAPI()
        api.seed(name: "theirs", metadata: Accounts.owned(by: "other"))
        let folder = try AccountFolder()
        let file = try folder.account("""
              providerKeys = { { name = "theirs", providerId = "openai", value = account.env "T_KEY" } },
            """)
        let r = try await api.luagate(["--apply", file, "--adopt"])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("plan refused, nothing was sent"), "\(r.stderr)")
        #expect(r.stderr.contains("providerKeys \"theirs\": owned by stack \"other\""), "\(r.stderr)")
        #expect(Accounts.mutations(api).isEmpty)
    }

    /// `protect = true`, applied, then the record dropped from the file with pruning on: the
    /// plan is refused at plan time, naming the record, and nothing is sent.
    @Test func aProtectedRecordIsNotPrunedAndThePlanIsRefused() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let file = try folder.account("""
              providerKeys = {
                { name = "precious", protect = true, providerId = "openai", value = account.env "PRECIOUS_KEY" },
                { name = "ordinary", providerId = "openai", value = account.env "ORDINARY_KEY" },
              },
            """)
        let made = try await api.luagate(["--apply", file], environment: [
            "PRECIOUS_KEY": Accounts.secret(), "ORDINARY_KEY": Accounts.secret(),
        ])
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        let precious = try #require(Accounts.named(api, .providerKeys, "precious").first)
        #expect(Accounts.marker(precious)?["protect"] as? Bool == true, "\(precious.metadata ?? "nil")")
        let sentBefore = Accounts.mutations(api).count

        let dropped = try folder.account(Self.noKeys, name: "dropped.lua")
        for mode in ["--plan", "--apply"] {
            let r = try await api.luagate([mode, dropped, "--prune"])
            #expect(r.status == 1, "\(mode): \(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains("plan refused, nothing was sent"), "\(r.stderr)")
            #expect(r.stderr.contains("providerKeys \"precious\" (\(precious.id)) is protected"), "\(r.stderr)")
            #expect(r.stdout.isEmpty, "\(r.stdout)")
        }
        #expect(Accounts.mutations(api).count == sentBefore, "something was sent")
        #expect(api.server.account.count(.providerKeys) == 2)
        // Without pruning the plan is fine: nothing is deleted anyway.
        let kept = try await api.luagate(["--plan", dropped, "--detailed-exitcode"])
        #expect(kept.status == 0, "\(kept.stdout)\(kept.stderr)")
    }

    @Test func maxDeletesRefusesALargerPlan() async throws {
        let api = try Accounts.emptyAPI()
        for i in 1...3 { api.seed(name: "owned-\(i)", metadata: Accounts.owned(by: "platform")) }
        let folder = try AccountFolder()
        let file = try folder.account(Self.noKeys)
        for mode in ["--plan", "--apply"] {
            let r = try await api.luagate([mode, file, "--prune", "--max-deletes", "2"])
            #expect(r.status == 1, "\(mode): \(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains("the plan deletes 3 records, more than --max-deletes 2 allows"), "\(r.stderr)")
        }
        #expect(Accounts.mutations(api).isEmpty)
        let r = try await api.luagate(["--apply", file, "--prune", "--max-deletes", "3"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(api.requests("DELETE").count == 3)
        #expect(api.server.account.count(.providerKeys) == 0)
    }

    /// With pruning on, a record the file no longer names is not deleted while a record the
    /// file does not name points at it (a router step's key, an access key's configuration):
    /// refused at plan time, nothing sent.
    @Test func pruneNeverLeavesAReferenceDangling() async throws {
        let api = try Accounts.emptyAPI()
        let key = api.seed(name: "doomed-key", metadata: Accounts.owned(by: "platform"))
        let step: JSONValue = .object(["type": "user", "keys": .array([.object(["id": .string(key.id)])])])
        let router: JSONValue = .object(["rules": .array([.object(["provider": "openai", "steps": .array([step])])])])
        let outsider = api.server.account.seed(.accessKeyConfigurations, ["name": "outsider", "router": router])
        let cfg = api.server.account.seed(.accessKeyConfigurations, [
            "name": "doomed-cfg", "metadata": .string(Accounts.owned(by: "platform")),
        ])
        let accessKey = api.server.account.seed(.accessKeys, ["name": "outsider-ak", "accessKeyConfigurationId": .string(cfg.id)])
        let folder = try AccountFolder()
        let cases = [
            ("keys.lua", "  providerKeys = {},",
             "providerKeys \"doomed-key\" (\(key.id)) cannot be deleted: accessKeyConfigurations \"outsider\" (\(outsider.id)) still"
                + " points at it (router.rules[1].steps[1].keys[1]); change that first, or name it in the file"),
            ("configurations.lua", "  accessKeyConfigurations = {},",
             "accessKeyConfigurations \"doomed-cfg\" (\(cfg.id)) cannot be deleted: accessKeys \"outsider-ak\" (\(accessKey.id))"
                + " still points at it (accessKeyConfiguration); change that first, or name it in the file"),
        ]
        for (name, body, message) in cases {
            let file = try folder.account(body, name: name)
            for mode in ["--plan", "--apply"] {
                let r = try await Accounts.run(api, [mode, file, "--prune"])
                #expect(r.status == 1, "\(name) \(mode): \(r.stdout)\(r.stderr)")
                #expect(r.stderr.contains("plan refused, nothing was sent: 1 problem\n  \(message)\n"), "\(name) \(mode): \(r.stderr)")
                #expect(r.stdout.isEmpty, "\(r.stdout)")
            }
        }
        #expect(Accounts.mutations(api).isEmpty, "\(Accounts.sent(api))")
        #expect(api.server.account.get(.providerKeys, id: key.id) != nil)
        #expect(api.server.account.get(.accessKeyConfigurations, id: cfg.id) != nil)
    }
}

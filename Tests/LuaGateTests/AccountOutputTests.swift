import FakeNgrokAI
import Foundation
import Testing

/// What CI reads: exit statuses (`--detailed-exitcode`: 0 nothing to change, 2 changes
/// pending, 1 error; `--apply`: 0, 5 a change failed, 3 over `--max-changes`), the markdown
/// comment (pinned) and the JSON document.
@Suite struct AccountOutputTests {
    static let doomedID = "aigpk_20000000000000000000000doomed"

    /// A fixed plan: a delete, two creates in two collections, an update.
    static func fixture() throws -> (APIHarness, AccountFolder) {
        let api = try Accounts.emptyAPI()
        api.seed(name: "doomed", metadata: Accounts.owned(by: "docs"), id: Self.doomedID)
        api.seed(name: "kept", description: "old", metadata: Accounts.owned(by: "docs"))
        let folder = try AccountFolder()
        try folder.account("""
              providerKeys = {
                { name = "kept", providerId = "openai", value = account.env "KEPT_KEY", description = "new | piped" },
                { name = "fresh", providerId = "openai", value = account.env "FRESH_KEY", metadata = { team = "a" } },
              },
              accessKeyConfigurations = {
                { name = "cfg", router = { rules = { { provider = "openai", steps = { { type = "user", keys = { "fresh" } } } } } } },
              },
            """, stack: "docs")
        return (api, folder)
    }

    static let env = ["FRESH_KEY": Accounts.secret()]

    @Test func theMarkdownCommentIsPinned() async throws {
        let (api, folder) = try Self.fixture()
        let r = try await Accounts.run(api, ["--plan", "platform.lua", "--prune", "--plan-format", "markdown"], in: folder.path,
                                       environment: Self.env)
        #expect(r.status == 0, "\(r.stderr)")
        // The file's hash is 12 hex digits; the rest is exact.
        let hash = try #require(r.stdout.firstMatch(of: /\(sha256 ([0-9a-f]{12})\)/)?.1, "\(r.stdout)")
        let markdown = r.stdout.replacingOccurrences(of: String(hash), with: "HASH")
        let expected = """
            ### luagate plan for stack `docs`

            **2 to create, 1 to update, 1 to delete** · `platform.lua` (sha256 HASH)

            #### ⚠️ 1 delete

            | Collection | Name | Id |
            |---|---|---|
            | providerKeys | doomed | `\(Self.doomedID)` |

            #### providerKeys

            | | Name | Changes |
            |---|---|---|
            | ➕ create | fresh | name: `"fresh"`<br>metadata: `{"team":"a"}`<br>owner: `"docs"`<br>providerId: `"openai"`<br>value: `(secret)` |
            | ✏️ update | kept | description: `"old" → "new \\| piped"` |

            #### accessKeyConfigurations

            | | Name | Changes |
            |---|---|---|
            | ➕ create | cfg | name: `"cfg"`<br>owner: `"docs"`<br>router: `{"rules":[{"provider":"openai","steps":[{"keys":["fresh"],"type":"user"}]}]}` |

            """
        #expect(markdown == expected, "\(markdown)")
        #expect(Accounts.mutations(api).isEmpty)
    }

    @Test func theJSONDocumentCountsAndListsTheChanges() async throws {
        let (api, folder) = try Self.fixture()
        let r = try await Accounts.run(api, ["--plan", "platform.lua", "--prune", "--plan-format", "json"], in: folder.path,
                                       environment: Self.env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasSuffix("}\n") && r.stdout.split(separator: "\n").count == 1, "one document: \(r.stdout)")
        let document = try #require(APIHarness.json(Array(r.stdout.utf8)))
        #expect(document["format"] as? String == "luagate.plan/1")
        #expect(document["stack"] as? String == "docs")
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary["create"] == 2 && summary["update"] == 1 && summary["delete"] == 1 && summary["adopt"] == 0
                && summary["rotate"] == 0, "\(summary)")
        let changes = try #require(document["changes"] as? [[String: Any]])
        let ops = changes.map { "\($0["op"] as? String ?? "?") \($0["resource"] as? String ?? "?") \($0["name"] as? String ?? "?")" }
        #expect(Set(ops) == ["delete providerKeys doomed", "create providerKeys fresh", "update providerKeys kept",
                             "create accessKeyConfigurations cfg"], "\(ops)")
        let delete = try #require(changes.first { $0["op"] as? String == "delete" })
        #expect(delete["id"] as? String == Self.doomedID)
        let update = try #require(changes.first { $0["op"] as? String == "update" })
        #expect((update["before"] as? [String: Any])?["description"] as? String == "old")
        #expect((update["after"] as? [String: Any])?["description"] as? String == "new | piped")
    }

    @Test func detailedExitcodeIsZeroTwoOrOne() async throws {
        let (api, folder) = try Self.fixture()
        let file = folder.file("platform.lua")
        let pending = try await api.luagate(["--plan", file, "--detailed-exitcode"], environment: Self.env)
        #expect(pending.status == 2, "\(pending.stdout)\(pending.stderr)")
        let plain = try await api.luagate(["--plan", file], environment: Self.env)
        #expect(plain.status == 0, "without --detailed-exitcode pending changes exit 0: \(plain.stderr)")
        let applied = try await api.luagate(["--apply", file, "--prune"], environment: Self.env)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let done = try await api.luagate(["--plan", file, "--prune", "--detailed-exitcode"], environment: Self.env)
        #expect(done.status == 0, "\(done.stdout)\(done.stderr)")
        #expect(done.stdout == "No changes: the account matches \(file) (stack \"docs\").\n", "\(done.stdout)")
        let broken = try folder.write("broken.lua", "return account {")
        let error = try await api.luagate(["--plan", broken, "--detailed-exitcode"])
        #expect(error.status == 1, "\(error.stdout)\(error.stderr)")
        let refused = try folder.account("  accessKeys = { { name = \"x\", accessKeyConfiguration = \"nowhere\" } },",
                                         name: "refused.lua")
        let refusal = try await api.luagate(["--plan", refused, "--detailed-exitcode"])
        #expect(refusal.status == 1, "\(refusal.stdout)\(refusal.stderr)")
    }

    @Test func anApplyWhoseChangeFailsExitsFive() async throws {
        let (api, folder) = try Self.fixture()
        api.server.faults.enqueue(.status(400), method: "POST", pathPrefix: "/access-key-configurations")
        let r = try await Accounts.run(api, ["--apply", folder.file("platform.lua")], environment: Self.env)
        #expect(r.status == 5, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("1 failed"), "\(r.stdout)")
        // The API's message, not the error table's address.
        #expect((r.stdout + r.stderr).contains("injected failure with status 400"), "\(r.stdout)\(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains("table: 0x"), "\(r.stdout)\(r.stderr)")
        #expect(Accounts.named(api, .accessKeyConfigurations, "cfg").isEmpty)
        #expect(Accounts.named(api, .providerKeys, "fresh").count == 1)
    }

    /// A change that fails before reaching the API (the key it points at was not created): its
    /// message, not the error table's address; exit 5.
    @Test func aChangeThatFailsBeforeTheAPIPrintsItsMessage() async throws {
        let (api, folder) = try Self.fixture()
        api.server.faults.enqueue(.status(400), method: "POST", pathPrefix: "/provider-keys")
        let r = try await Accounts.run(api, ["--apply", folder.file("platform.lua")], environment: Self.env)
        #expect(r.status == 5, "\(r.stdout)\(r.stderr)")
        let output = r.stdout + r.stderr
        #expect(output.contains("injected failure with status 400"), "\(output)")
        #expect(output.contains(#"the provider key "fresh" does not exist"#), "\(output)")
        #expect(!output.contains("table: 0x"), "\(output)")
        #expect(Accounts.named(api, .providerKeys, "fresh").isEmpty)
        #expect(Accounts.named(api, .accessKeyConfigurations, "cfg").isEmpty)
    }

    @Test func anApplyOverMaxChangesExitsThreeAndSendsNothing() async throws {
        let (api, folder) = try Self.fixture()
        let r = try await api.luagate(["--apply", folder.file("platform.lua"), "--prune", "--max-changes", "2"],
                                      environment: Self.env)
        #expect(r.status == 3, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("--max-changes 2"), "\(r.stderr)")
        #expect(Accounts.mutations(api).isEmpty, "\(Accounts.sent(api))")
    }
}

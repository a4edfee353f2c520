import FakeNgrokAI
import Foundation
import Testing

/// Every bad input is refused at plan time, with file and line where Lua gives them, and
/// nothing is sent: `--plan` and `--apply` exit 1 (command-line misuse exits 2).
@Suite struct AccountInputTests {
    /// Plans and applies `body` (under stack "x") and expects both refused with `messages`
    /// on stderr (`FILE` stands for the file's path), nothing sent.
    static func refused(_ body: String, _ messages: [String], api: APIHarness? = nil, raw: Bool = false,
                        environment: [String: String] = [:]) async throws {
        let api = try api ?? Accounts.emptyAPI()
        let folder = try AccountFolder()
        // Run from the folder: Lua shortens long paths in its own messages (`...ccount-…/platform.lua:5:`).
        let file = "platform.lua"
        _ = raw ? try folder.write(file, body) : try folder.account(body, stack: "x")
        for mode in ["--plan", "--apply"] {
            let r = try await Accounts.run(api, [mode, file, "--prune"], in: folder.path, environment: environment)
            #expect(r.status == 1, "\(mode): \(r.stdout)\(r.stderr)")
            #expect(r.stdout.isEmpty, "\(mode): \(r.stdout)")
            #expect(r.stderr.contains("refused, nothing was sent"), "\(mode): \(r.stderr)")
            #expect(!r.stderr.contains("stack traceback"), "\(mode): \(r.stderr)")
            for message in messages {
                let expected = message.replacingOccurrences(of: "FILE", with: file)
                #expect(r.stderr.contains(expected), "\(mode): expected \(expected) in:\n\(r.stderr)")
            }
        }
        #expect(Accounts.mutations(api).isEmpty, "sent: \(Accounts.sent(api))")
    }

    @Test func aSyntaxErrorNamesFileAndLine() async throws {
        try await Self.refused("""
              providerKeys = {
                { name = "a" providerId = "openai" },
              },
            """, ["FILE:5: '}' expected near 'providerId'"])
    }

    @Test func aRuntimeErrorInTheFileNamesFileAndLine() async throws {
        try await Self.refused("local account = require \"luagate.account\"\nlocal t = nil\nreturn account { stack = t.x }\n",
                               ["FILE:3: attempt to index a nil value"], raw: true)
    }

    @Test func anUnknownFieldIsNamedWithWhatIsAllowed() async throws {
        try await Self.refused("""
              providerKeys = {
                { name = "a", providerId = "openai", value = account.env "A_KEY", colour = "red" },
              },
            """, [#"FILE:5: providerKeys "a": unknown field 'colour' (allowed: adopt, description, metadata, name, protect, providerId, renamedFrom, secretVersion, value)"#])
    }

    /// A field the API sets, or a reference written as an id: the message says what to write.
    @Test func aReadOnlyFieldOrAnIdReferenceGetsAHint() async throws {
        try await Self.refused("""
              accessKeys = {
                { name = "a", accessKeyConfigurationId = "aigakc_1", createdAt = "2026-01-01T00:00:00Z" },
              },
            """, [
                #"FILE:5: accessKeys "a": unknown field 'accessKeyConfigurationId' (write accessKeyConfiguration = <the access key configuration's name>)"#,
                #"FILE:5: accessKeys "a": unknown field 'createdAt' (read-only: the API sets it)"#,
            ])
    }

    @Test func anUnknownCollectionListsTheCollections() async throws {
        try await Self.refused("  providerKeyz = {},", [
            "FILE: unknown collection 'providerKeyz' (an account has: providers, providerKeys, firewallPolicies, accessKeyConfigurations, accessKeys, apiKeys, gatewayConfig, virtualModels)",
        ])
    }

    @Test func aReferenceToANameNeitherInTheFileNorTheAccount() async throws {
        let api = try Accounts.emptyAPI()
        api.server.account.seed(.accessKeyConfigurations, ["name": .string("exists")])
        try await Self.refused("""
              accessKeys = {
                { name = "ak", accessKeyConfiguration = "nope-cfg" },
                { name = "fine", accessKeyConfiguration = "exists" },
              },
              accessKeyConfigurations = {
                { name = "cfg", router = { rules = { { provider = "openai", steps = { { type = "user", keys = { "no-such-key" } } } } } } },
              },
            """, [
                #"FILE:5: accessKeys "ak": accessKeyConfiguration names the access key configuration "nope-cfg", which is neither in the file nor in the account"#,
                #"FILE:9: accessKeyConfigurations "cfg": router.rules[1].steps[1].keys[1] names the provider key "no-such-key", which is neither in the file nor in the account"#,
            ], api: api)
    }

    /// Inside a record the catalogue checks names and types too, at plan time.
    @Test func nestedFieldsAndTypesAreChecked() async throws {
        try await Self.refused("""
              accessKeyConfigurations = {
                { name = "c1", router = { rules = { { provider = "openai", steps = { { type = "user", keyz = { "a" } } } } } } },
                { name = "c2", description = 5 },
                { name = "c3", access = { providers = { allow = "openai" } } },
              },
            """, [
                #"FILE:5: accessKeyConfigurations "c1": unknown field 'router.rules[1].steps[1].keyz' (allowed: keySelectionStrategy, keys, type)"#,
                #"FILE:6: accessKeyConfigurations "c2": description must be a string (got number)"#,
                #"FILE:7: accessKeyConfigurations "c3": access.providers.allow must be a list (got string)"#,
            ])
    }

    /// A reference to a name two records of the account hold: both ids.
    @Test func aReferenceToAnAmbiguousNameNamesBothIds() async throws {
        let api = try Accounts.emptyAPI()
        let one = api.server.account.seed(.accessKeyConfigurations, ["name": .string("twin")])
        let two = api.server.account.seed(.accessKeyConfigurations, ["name": .string("twin")])
        try await Self.refused("  accessKeys = { { name = \"ak\", accessKeyConfiguration = \"twin\" } },", [
            #"FILE:4: accessKeys "ak": accessKeyConfiguration names the access key configuration "twin", but 2 records have that name"#,
            one.id, two.id,
        ], api: api)
    }

    /// Both positions of a name given twice in one collection.
    @Test func aDuplicateNameNamesBothPositions() async throws {
        try await Self.refused("""
              accessKeys = {
                { name = "ak" },
                { name = "other" },
                { name = "ak" },
              },
            """, [#"FILE:7: accessKeys: "ak" is also named at FILE:5 (names are unique per collection)"#])
    }

    /// Two records of one collection with the file's name in the account: both ids.
    @Test func twoLiveRecordsWithOneNameNameBothIds() async throws {
        let api = try Accounts.emptyAPI()
        let one = api.seed(name: "twin"), two = api.seed(name: "twin")
        try await Self.refused("""
              providerKeys = { { name = "twin", providerId = "openai", value = account.env "TWIN_KEY", description = "d" } },
            """, ["FILE:4: providerKeys \"twin\": the account holds 2 ", " named \"twin\"", one.id, two.id], api: api)
    }

    @Test func aMissingEnvironmentSecret() async throws {
        try await Self.refused("""
              providerKeys = {
                { name = "a", providerId = "openai", value = account.env "LUAGATE_TEST_NEVER_SET_\(UUID().uuidString.prefix(8))" },
              },
            """, [#"FILE:5: providerKeys "a": value: environment variable LUAGATE_TEST_NEVER_SET_"#, " is not set"])
    }

    @Test func aMissingSecretFile() async throws {
        let missing = "/nonexistent/luagate-\(UUID().uuidString)/key"
        try await Self.refused("""
              providerKeys = {
                { name = "a", providerId = "openai", value = account.file "\(missing)" },
              },
            """, [#"FILE:5: providerKeys "a": value: cannot read the secret file: \#(missing): No such file or directory"#])
    }

    @Test func anIncludeOfAMissingFile() async throws {
        try await Self.refused("  include = { \"missing-part.lua\" },",
                               ["FILE: cannot read missing-part.lua: No such file or directory"])
    }

    /// A problem in an included file names that file and line; fixed, its records are planned.
    @Test func anIncludedFileIsCheckedAndPlanned() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        try FileManager.default.createDirectory(atPath: folder.file("parts"), withIntermediateDirectories: true)
        let file = try folder.account("""
              include = { "parts/keys.lua" },
              accessKeys = { { name = "ak" } },
            """, stack: "x")
        try folder.write("parts/keys.lua", "return {\n  apiKeys = {\n    { name = \"robot\", colour = 1 },\n  },\n}\n")
        let bad = try await Accounts.run(api, ["--plan", "platform.lua"], in: folder.path)
        #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stderr.contains("  parts/keys.lua:3: apiKeys \"robot\": unknown field 'colour'"), "\(bad.stderr)")
        try folder.write("parts/keys.lua", "return {\n  apiKeys = {\n    { name = \"robot\" },\n  },\n}\n")
        let good = try await api.luagate(["--plan", file, "--detailed-exitcode"])
        #expect(good.status == 2, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.hasPrefix("Plan for stack \"x\" (\(file)): 2 to create\n"), "\(good.stdout)")
        #expect(good.stdout.contains("  + robot  create") && good.stdout.contains("  + ak  create"), "\(good.stdout)")
        #expect(Accounts.mutations(api).isEmpty)
    }

    @Test func usageCreditsAndModelsAreNotPartOfAnAccount() async throws {
        try await Self.refused("  usage = {}, credits = {}, models = {},", [
            "FILE: 'credits' is not part of an account: it is read-only data, not configuration",
            "FILE: 'models' is not part of an account: it is read-only data, not configuration",
            "FILE: 'usage' is not part of an account: it is read-only data, not configuration",
        ])
    }

    @Test func aFileWithoutAStackIsRefused() async throws {
        try await Self.refused("local account = require \"luagate.account\"\nreturn account { providerKeys = {} }\n",
                               ["stack must name this file's records"], raw: true)
    }

    /// Problems found after reading the account are gathered too: every one is listed.
    @Test func everyProblemIsListedAtOnce() async throws {
        try await Self.refused("""
              providerKeys = {
                { name = "a", providerId = "openai", value = account.env "LUAGATE_TEST_UNSET_A" },
                { name = "b", providerId = "openai", value = account.env "LUAGATE_TEST_UNSET_B" },
              },
            """, ["2 problems", "LUAGATE_TEST_UNSET_A is not set", "LUAGATE_TEST_UNSET_B is not set"])
    }

    /// Options that do not go together: exit 2 before anything is read or sent.
    @Test func commandLineMisuseExitsTwo() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let file = try folder.account("  providerKeys = {},")
        let cases: [([String], String)] = [
            (["--plan", file, "-e", "print(1)"], "--plan runs no script: leave out the script, -e, -l and -i"),
            (["--plan", file, folder.file("script.lua")], "--plan runs no script"),
            (["--apply", file, "-e", "print(1)"], "--apply runs no script"),
            (["--out", folder.file("plan.json"), "-e", "print(1)"], "--out needs --plan, --apply or --export"),
            (["--apply", file, "--out", folder.file("plan.json")], "--out saves a plan: it goes with --plan"),
            (["--plan", file, "--plan-format", "yaml"], "--plan-format must be text, json or markdown (got yaml)"),
            (["--plan", file, "--apply", file], "--plan and --apply cannot be used together"),
            (["--apply", file, "--detailed-exitcode"], "--detailed-exitcode goes with --plan"),
            (["--export", file, "--prune"], "--prune shapes a plan: it goes with --plan or --apply, not --export"),
            (["--plan", file, "--collections", "providerKeys"], "--collections goes with --export"),
            (["--plan", file, "--max-deletes=-1"], "--max-deletes must be 0 or more (got -1)"),
        ]
        for (arguments, message) in cases {
            let r = try await api.luagate(arguments)
            // Under --detailed-exitcode, 2 means changes are pending: a misuse is 1 there.
            #expect(r.status == (arguments.contains("--detailed-exitcode") ? 1 : 2), "\(arguments): \(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        #expect(api.server.requestLog.entries().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.file("plan.json")))
    }

    /// A token file whose folder does not exist: the key would be made and its token lost.
    @Test func aTokenFileInAFolderThatDoesNotExistIsRefused() async throws {
        let missing = "/nonexistent-luagate-\(UUID().uuidString.prefix(8))"
        try await Self.refused("""
              accessKeys = {
                { name = "ak", tokenFile = "\(missing)/ak.token" },
              },
            """, [#"FILE:5: accessKeys "ak": tokenFile \#(missing)/ak.token: the folder \#(missing) does not exist (its token would be lost)"#])
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    /// The `luagate` member of metadata is the ownership marker: a file may not write it, as a
    /// table member or inside JSON text (it could make records look owned by any stack).
    @Test func theMarkerMemberInMetadataIsRefused() async throws {
        try await Self.refused("""
              providerKeys = {
                { name = "t", providerId = "openai", value = account.env "T_KEY", metadata = { team = "a", luagate = { stack = "y" } } },
                { name = "s", providerId = "openai", value = account.env "S_KEY", metadata = '{"luagate":{"stack":"x","protect":true}}' },
              },
            """, [
                #"FILE:5: providerKeys "t": metadata member "luagate" is luagate's ownership marker: use adopt, protect and secretVersion"#,
                #"FILE:6: providerKeys "s": metadata member "luagate" is luagate's ownership marker: use adopt, protect and secretVersion"#,
            ], environment: ["T_KEY": Accounts.secret(), "S_KEY": Accounts.secret()])
    }

    /// Providers are named by providerId: one that is neither a custom provider nor one of the
    /// model catalogue's is refused; a custom provider the file itself makes is accepted.
    @Test func providersAreNamedByAProviderIdThatExists() async throws {
        let providers = """
              providers = {
                { name = "Mine", providerId = "my-llm", baseUrl = "https://llm.example.com/v1", models = { { modelId = "m1" } },
                  supportedApiSurfaces = { { format = "openai", surface = "chat-completions" } } },
              },
              providerKeys = { { name = "mine-key", providerId = "my-llm", value = account.env "MINE_KEY" } },
            """
        let good = """
                { name = "good", access = { providers = { allow = { "my-llm", "openai" } } },
                  router = { rules = { { provider = "my-llm", steps = { { type = "user", keys = { "mine-key" } } } } } } },
            """
        let env = ["MINE_KEY": Accounts.secret()]
        try await Self.refused(providers + """

              accessKeyConfigurations = {
                { name = "typo", access = { providers = { allow = { "p-typo" } } } },
            \(good)
              },
            """, [
                #"FILE:10: accessKeyConfigurations "typo": access.providers.allow[1] names the provider "p-typo", which is neither a custom provider (in the file or the account) nor one of the model catalogue's"#,
                "1 problem",
            ], environment: env)

        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let file = try folder.account(providers + "\n  accessKeyConfigurations = {\n\(good)\n  },")
        let r = try await Accounts.run(api, ["--apply", file], environment: env)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("applied: 3 created"), "\(r.stdout)")
        #expect(Accounts.named(api, .accessKeyConfigurations, "good").count == 1)
    }

    /// A table that contains itself is named once, in one line (not walked to the depth limit).
    @Test func aMetadataTableThatContainsItselfIsRefusedInOneLine() async throws {
        try await Self.refused("""
            local account = require "luagate.account"
            local meta = { team = "a" }
            meta.self = meta
            return account {
              stack = "x",
              apiKeys = { { name = "loop", metadata = meta } },
            }

            """, ["nothing was sent: 1 problem\n  FILE:6: metadata.self: a table that contains itself cannot be sent\n"], raw: true)
    }

    /// `os.exit(2)` while the file runs would pass for the plan's exit status: refused, exit 1.
    @Test func osExitInAnAccountFileIsRefused() async throws {
        try await Self.refused("local account = require \"luagate.account\"\nos.exit(2)\nreturn account { stack = \"x\" }\n",
                               ["FILE: an account file cannot call os.exit"], raw: true)
    }

    /// A plain table is not an account: `account { … }` marks one.
    @Test func aPlainTableIsNotAnAccount() async throws {
        try await Self.refused("return { stack = \"x\", apiKeys = { { name = \"plain\" } } }\n",
                               [#"FILE: must return account { … } (local account = require "luagate.account")"#], raw: true)
    }

    /// A configuration, an access key, an API key and a firewall policy all named "team-a":
    /// each problem is on its own record's line, whatever order the collections are read in.
    @Test func recordsOfOneNameInSeveralCollectionsGetTheirOwnLines() async throws {
        try await Self.refused("""
              accessKeyConfigurations = {
                { name = "other" },
                { name = "team-a", colour = "red" },
              },
              accessKeys = {
                { name = "first" },
                { name = "team-a", accessKeyConfiguration = "team-a", colour = "blue" },
              },
              apiKeys = {
                { name = "team-a", colour = "green" },
              },
              firewallPolicies = {
                { name = "team-a", colour = "grey" },
              },
            """, [
                #"FILE:6: accessKeyConfigurations "team-a": unknown field 'colour'"#,
                #"FILE:10: accessKeys "team-a": unknown field 'colour'"#,
                #"FILE:13: apiKeys "team-a": unknown field 'colour'"#,
                #"FILE:16: firewallPolicies "team-a": unknown field 'colour'"#,
            ])
    }

    /// Lua shortens a long chunk name ("...tail.lua:4:"): the message gives the whole path.
    @Test func aSyntaxErrorInAFileWithALongPathShowsTheWholePath() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        try FileManager.default.createDirectory(atPath: folder.file("a-folder-with-a-long-name/and-another-level-below-it"),
                                                withIntermediateDirectories: true)
        let file = try folder.write("a-folder-with-a-long-name/and-another-level-below-it/syntax-error.lua",
                                    "local account = require \"luagate.account\"\nreturn account {\n  stack = \"x\"\n  apiKeys = {},\n}\n")
        #expect(file.count > 100)
        let r = try await Accounts.run(api, ["--plan", file])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("\n  \(file):4: '}' expected (to close '{' at line 2) near 'apiKeys'"), "\(r.stderr)")
        #expect(!r.stderr.contains("..."), "\(r.stderr)")
        #expect(Accounts.mutations(api).isEmpty)
    }

    /// `gatewayConfig` in the file of an account that has none: refused cleanly, no traceback.
    @Test func aGatewayConfigurationTheAccountLacksIsRefused() async throws {
        try await Self.refused("  gatewayConfig = { perRequestTimeout = \"30s\" },",
                               ["FILE:4: gatewayConfig: the account has no gateway configuration to update"])
    }

    /// `--out` naming the account file would overwrite it with the plan: refused, file kept.
    @Test func outOntoTheAccountFileIsRefused() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let file = try folder.account("  apiKeys = {},")
        let text = try folder.read("platform.lua")
        let r = try await Accounts.run(api, ["--plan", file, "--out", file])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("--out would overwrite the account file \(file)"), "\(r.stderr)")
        // The same file by another spelling of its path.
        let other = folder.path + "/./platform.lua"
        let r2 = try await Accounts.run(api, ["--plan", file, "--out", other])
        #expect(r2.status == 2, "\(r2.stdout)\(r2.stderr)")
        #expect(r2.stderr.contains("--out would overwrite the account file"), "\(r2.stderr)")
        #expect(try folder.read("platform.lua") == text)
        #expect(Accounts.mutations(api).isEmpty)
    }

    /// A saved plan given to `--apply` under any name, with an option that shapes a plan: a
    /// misuse (2), as the same options with a `.json` plan are; nothing is sent.
    @Test func planShapingOptionsWithASavedPlanAreAMisuse() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let file = try folder.account("  apiKeys = { { name = \"robot\" } },")
        let saved = folder.path + "/saved.plan"
        let planned = try await Accounts.run(api, ["--plan", file, "--out", saved])
        #expect(planned.status == 0, "\(planned.stderr)")
        for option in [["--prune"], ["--adopt"], ["--max-deletes", "1"]] {
            let r = try await Accounts.run(api, ["--apply", saved] + option)
            #expect(r.status == 2, "\(option): \(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains("shape a plan: give them to --plan"), "\(r.stderr)")
        }
        #expect(Accounts.mutations(api).isEmpty)
        // Under --detailed-exitcode, 2 means changes are pending: a misuse is 1 there, from the
        // option parser and from the account runner alike.
        let detailed = try await Accounts.run(api, ["--plan", file, "--out", file, "--detailed-exitcode"])
        #expect(detailed.status == 1, "\(detailed.stderr)")
        #expect(detailed.stderr.contains("--out would overwrite the account file"), "\(detailed.stderr)")
        let parser = try await Accounts.run(api, ["--plan", file, "--detailed-exitcode", "--max-deletes", "x"])
        #expect(parser.status == 1, "\(parser.stderr)")
        let plain = try await Accounts.run(api, ["--plan", file, "--max-deletes", "x"])
        #expect(plain.status == 2, "\(plain.stderr)")
    }
}

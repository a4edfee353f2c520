import FakeNgrokAI
import Foundation
import Testing

/// The stdlib as a newcomer and a nightly job meet it (issue 21): a change already in place
/// is a no-op, dry runs say what would happen, `apply{limit = n}`, refusals that point at
/// the user's line, the module globals in scripts, limits from the catalogue, and the
/// shipped naming job.
@Suite struct StdlibBehaviourTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let namingJob = root.appendingPathComponent("scripts/jobs/enforce-naming.lua").path

    /// Seeds `count` keys named k1, k2, …
    static func seeded(_ count: Int) throws -> APIHarness {
        let api = try APIHarness()
        for i in 1...count { api.seed(name: "k\(i)") }
        return api
    }

    /// A script file holding `lua` (deleted by the caller).
    static func script(_ lua: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-\(UUID().uuidString).lua").path
        try lua.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: - 5. A change already in place

    @Test func applyingAPlanTwiceIsANoOpTheSecondTime() async throws {
        let api = try Self.seeded(3)
        let r = try await api.luagate(["-e", """
            local p = require("luagate.rename").suffix(providerKeys.list(), "-x")
            local a = p:apply()
            local b = p:apply()
            print(a.updated, a.unchanged, b.updated, b.unchanged, b.drifted)
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "3\t0\t0\t3\tnil\n", "\(r.stderr)")
        #expect(api.requests("PATCH").count == 3)
        #expect(api.server.account.all(.providerKeys).map(\.name).sorted() == ["k1-x", "k2-x", "k3-x"])
    }

    @Test func aChangeSomeoneElseAlreadyMadeIsUnchangedAndTheBarAgrees() async throws {
        let api = try Self.seeded(3)
        let r = try await api.luagate(["-e", """
            local keys = providerKeys.list()
            table.sort(keys, function(a, b) return a.name < b.name end)
            local p = require("luagate.rename").suffix(keys, "-x")
            providerKeys.update(keys[1].id, { name = "k1-x" }) -- the same change, made meanwhile
            providerKeys.update(keys[2].id, { name = "k2-other" }) -- a different one: drift
            local r = p:apply { progress = true, concurrency = 1 }
            print(r.updated, r.unchanged, #r.failed, #(r.drifted or {}))
            """])
        #expect(r.status == 5, "\(r.stderr)")  // the drifted change counts as failed, as before
        #expect(r.stdout == "1\t1\t0\t1\n", "\(r.stderr)")
        #expect(!r.stderr.contains("k1-x (the change expected"), "\(r.stderr)")
        // The bar counts what the report does: no "failed", one drifted, one unchanged.
        let bar = try #require(r.stderr.components(separatedBy: "\r").last { $0.contains("3/3") })
        #expect(bar.contains("1 drifted") && bar.contains("1 unchanged") && !bar.contains("failed"), "\(bar)")
        // The drift's log line starts a line of its own, above the bar, not after it.
        let logLines = r.stderr.split(separator: "\n").filter { $0.contains("not changed:") }
        #expect(logLines.count == 1, "\(r.stderr)")
        for line in logLines {
            let tail = line.components(separatedBy: "\r").last!.replacingOccurrences(of: "\u{1B}[K", with: "")
            #expect(!tail.contains("updating"), "\(line)")
        }
    }

    @Test func aStopMidPlanEndsTheBarsLine() async throws {
        let api = try Self.seeded(3)
        api.server.faults.enqueue(.delay(milliseconds: 1500), count: 3, method: "PATCH")
        let r = try await api.luagate(["--timeout", "0.5s", "-e",
            "require('luagate.rename').suffix(providerKeys.list(), '-x'):apply { progress = true }"])
        #expect(r.status == 124, "\(r.stderr)")
        #expect(r.stderr.contains("\nluagate: timed out"), "\(r.stderr)")
        #expect(!r.stderr.contains("/s luagate:") && !r.stderr.contains("/sluagate:"), "\(r.stderr)")
    }

    @Test func anUpdateWithExpectOfValuesAlreadyHeldSendsNothing() async throws {
        let api = try Self.seeded(1)
        let r = try await api.luagate(["-e", """
            local k = providerKeys.list()[1]
            local record, how = providerKeys.update(k.id, { name = "k1" }, { expect = { name = "old" } })
            print(record.name, how)
            print(select("#", providerKeys.update(k.id, { name = "k2" }, { expect = { name = "k1" } })))
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "k1\tunchanged\n1\n", "\(r.stderr)")
        #expect(api.requests("PATCH").count == 1)
    }

    // MARK: - 7. The naming job

    @Test func theNamingJobKeepsLettersAndDoesNotRepeatThePrefix() async throws {
        let dry = try await ProcessRunner.luagate(["--sandbox", "--dry-run", Self.namingJob])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("\"Équipe Paris-3\" → \"anthropic-equipe-paris-3\""), "\(dry.stdout)")
        #expect(dry.stdout.contains("\"ci-google\" → \"google-ci\""), "\(dry.stdout)")
        #expect(dry.stdout.contains("\"legacy-anthropic-2\" → \"anthropic-legacy-2\""), "\(dry.stdout)")
        #expect(!dry.stdout.contains("--"), "\(dry.stdout)")
        // 15: a dry run says what it would do.
        #expect(dry.stdout.contains("dry run, nothing sent: would rename 21,"), "\(dry.stdout)")
        #expect(!dry.stdout.contains("renamed"), "\(dry.stdout)")
    }

    @Test func theNamingJobFoldsAccentsAndConvergesAgainstTheAPI() async throws {
        let api = try APIHarness()
        api.seed(name: "Åsa Ødegård ÆØÅ", providerId: "openai")
        api.seed(name: "ci-google", providerId: "google")
        api.seed(name: "google-prod", providerId: "google")
        api.seed(name: "Straße Œuvre", providerId: "mistral")
        api.seed(name: "東京 team", providerId: "openai")
        let r = try await api.luagate([Self.namingJob])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("4 renamed, 0 already named, 0 failed"), "\(r.stdout)")
        #expect(api.server.account.all(.providerKeys).map(\.name).sorted()
            == ["google-ci", "google-prod", "mistral-strasse-oeuvre", "openai-asa-odegard-aeoa", "openai-東京-team"])
        let again = try await api.luagate(["--max-changes", "0", Self.namingJob])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.hasPrefix("0 of 5 keys need the provider prefix\n"), "\(again.stdout)")
    }

    // MARK: - 14. Limits from the catalogue

    @Test func planLimitsComeFromTheCatalogue() async throws {
        for file in ["plan.lua", "metadata.lua"] {
            let source = try String(contentsOfFile: Self.root.appendingPathComponent("stdlib/luagate/" + file).path, encoding: .utf8)
            for literal in ["255", "4096"] { #expect(!source.contains(literal), "\(file) hard-codes \(literal)") }
        }
        let r = try await ProcessRunner.luagate(["-e", """
            local fields = require("luagate.catalogue").resources().providerKeys.fields
            local plan, metadata = require "luagate.plan", require "luagate.metadata"
            for _, f in ipairs { "name", "description", "metadata" } do
              assert(plan.limits[f] == fields[f].maxLength, f)
            end
            assert(metadata.limit == fields.metadata.maxLength)
            print(plan.limits.name, plan.limits.description, plan.limits.metadata)
            """])
        #expect(r.stdout == "255\t255\t4096\n", "\(r.stderr)")
    }

    // MARK: - 15. Dry runs

    @Test func aDryRunReportSaysWhatWouldHappen() async throws {
        let api = try Self.seeded(2)
        let lua = """
            local job = require "luagate.job"
            local r = require("luagate.rename").suffix(providerKeys.list(), "-x"):apply { quiet = true }
            print(job.dry_run, r.dry_run, r.updated, r.would_update)
            """
        let dry = try await api.luagate(["--dry-run", "-e", lua])
        #expect(dry.stdout == "true\ttrue\t0\t2\n", "\(dry.stderr)")
        let real = try await api.luagate(["-e", lua])
        #expect(real.stdout == "false\tnil\t2\tnil\n", "\(real.stderr)")
        let shown = try await api.luagate(["--dry-run", "-e", "require('luagate.rename').apply(providerKeys.list(), {pattern = '$', replace = '-y'})"])
        #expect(shown.stdout.hasSuffix("dry run, nothing sent: would update 2, 0 unchanged, 0 failed, 0 skipped\n"), "\(shown.stdout)")
    }

    // MARK: - 16. One set of globals

    @Test func moduleGlobalsExistInScriptsAndLoadOnFirstUse() async throws {
        let r = try await ProcessRunner.luagate(["-e", """
            print(package.loaded["luagate.rename"], package.loaded["luagate.metadata"])
            print(type(rename.plan), type(metadata.decode), template.render("{{a}}", { a = 1 }))
            print(rename == require "luagate.rename", metadata == require "luagate.metadata")
            """])
        #expect(r.stdout == "nil\tnil\nfunction\tfunction\t1\ntrue\ttrue\n", "\(r.stderr)")
        let own = try await ProcessRunner.luagate(["-e", "rename = 'mine' metadata = nil print(rename, metadata)"])
        #expect(own.stdout == "mine\tnil\n", "\(own.stderr)")
    }

    // MARK: - 18. apply{limit = n}

    @Test func applyWithALimitLeavesTheRestForTheNextRun() async throws {
        let api = try Self.seeded(5)
        let lua = """
            local keys = providerKeys.list()
            table.sort(keys, function(a, b) return a.name < b.name end)
            local r = require("luagate.rename").apply(keys, { pattern = "^k", replace = "key" }, { limit = 2 })
            print(r.updated, r.left)
            """
        let r = try await api.luagate(["--max-changes", "2", "-e", lua])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasSuffix("applied: 2 updated, 0 unchanged, 0 failed, 0 skipped, 3 left for the next run\n2\t3\n"),
                "\(r.stdout)")
        #expect(api.server.account.all(.providerKeys).map(\.name).sorted() == ["k3", "k4", "k5", "key1", "key2"])
    }

    @Test func theMaxChangesRefusalPointsAtTheLimit() async throws {
        let api = try Self.seeded(4)
        let path = try Self.script("local p = require('luagate.rename').suffix(providerKeys.list(), '-x')\np:apply()\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try await api.luagate(["--max-changes", "2", path])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr == "luagate: \(path):2: --max-changes 2: refusing to make 4 changes in this run; nothing more is sent; "
            + "plan:apply{limit = 2} applies at most 2 of them and leaves the rest for the next run\n", "\(r.stderr)")
        #expect(!r.stderr.contains("job.reserve"))
        #expect(api.requests("PATCH").isEmpty)
    }

    // MARK: - 19. Expected refusals

    @Test func aRefusedPlanPointsAtTheUsersLineWithoutStdlibFrames() async throws {
        let api = try Self.seeded(1)
        let path = try Self.script("""
            local plan = require "luagate.plan"
            local k = providerKeys.list()[1]
            local p = plan.new { { id = k.id, before = { name = k.name }, after = { name = ("x"):rep(300) } } }
            p:apply()
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try await api.luagate([path])
        #expect(r.status == 1)
        #expect(r.stderr == "luagate: \(path):4: plan refused, nothing was sent: 1 problem\n"
            + "  \(api.server.account.all(.providerKeys)[0].id) name: at most 255 characters (got 300)\n", "\(r.stderr)")
        // The error a script catches still carries its fields.
        let caught = try await api.luagate(["-e", """
            local ok, e = pcall(function()
              require("luagate.rename").apply(providerKeys.list(), function() return "" end)
            end)
            print(ok, e.code, e.message:match("^[^\\n]*"), (tostring(e):match("^%(command line%):%d+: ")))
            """])
        #expect(caught.stdout.hasSuffix("false\tplan\tplan refused, nothing was sent: 1 problem\t(command line):2: \n"),
                "\(caught.stdout)\(caught.stderr)")
        // Bad input to a stdlib function reads as lauxlib's argument error at the user's line.
        let bad = try Self.script("local plan = require 'luagate.plan'\nplan.new(5)\n")
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let input = try await ProcessRunner.luagate([bad])
        #expect(input.status == 1)
        #expect(input.stderr == "luagate: \(bad):2: bad argument #1 to 'new' (table expected, got number)\n", "\(input.stderr)")
        let spec = try await ProcessRunner.luagate(["-e", "rename.prefix({}, 5)"])
        #expect(spec.stderr == "luagate: (command line):1: bad argument #2 to 'prefix' (string expected, got number)\n",
                "\(spec.stderr)")
        // A user's own error keeps lua.c's traceback.
        let own = try await ProcessRunner.luagate(["-e", "error('boom')"])
        #expect(own.stderr.hasPrefix("luagate: (command line):1: boom\nstack traceback:\n"), "\(own.stderr)")
    }
}

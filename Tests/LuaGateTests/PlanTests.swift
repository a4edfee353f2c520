import FakeNgrokAI
import Foundation
import Testing

/// `plan:apply` against the fake API: nothing sent for a refused plan, `on_error` both
/// ways with an injected failure, and the progress bar and colours on a terminal.
@Suite struct PlanTests {
    static let script = StdlibSpecTests.folder + "/apply-renames.lua"

    /// Seeds `count` keys named k1, k2, …
    static func seeded(_ count: Int) throws -> APIHarness {
        let api = try APIHarness()
        for i in 1...count { api.seed(name: "k\(i)") }
        return api
    }

    @Test func overLongNamesAreCaughtBeforeAnyRequest() async throws {
        let api = try Self.seeded(3)
        // "é" * 254 + "k1" is 256 characters: refused, every key listed, nothing sent.
        let r = try await api.luagate([Self.script, "254"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("apply-renames.lua:9: plan refused, nothing was sent: 3 problems"), "\(r.stderr)")
        #expect(r.stderr.components(separatedBy: "name: at most 255 characters (got 256)").count == 4)
        #expect(api.requests("PATCH").isEmpty)
        #expect(api.server.account.all(.providerKeys).map(\.name).sorted() == ["k1", "k2", "k3"])
    }

    @Test func aUnicodeNameOfExactly255CharactersIsSent() async throws {
        let api = try Self.seeded(3)
        let r = try await api.luagate([Self.script, "253"])
        #expect(r.stdout == "updated=3 unchanged=0 failed=0 skipped=0\n", "\(r.stderr)")
        #expect(api.server.account.all(.providerKeys).map { $0.name.unicodeScalars.count } == [255, 255, 255])
        #expect(api.server.account.all(.providerKeys).allSatisfy { $0.name.hasPrefix(String(repeating: "é", count: 253)) })
    }

    @Test func conflictsAreCaughtBeforeAnyRequest() async throws {
        let api = try Self.seeded(3)
        let r = try await api.luagate(["-e", """
            local rename = require "luagate.rename"
            rename.apply(providerKeys.list(), function(k) if k.name == "k1" then return "k2" end end)
            """])
        #expect(r.status == 1)
        #expect(r.stdout.contains("conflict: \"k2\" is also the name of"), "\(r.stdout)")
        #expect(r.stderr.contains("plan refused, nothing was sent: 1 problem"), "\(r.stderr)")
        #expect(api.requests("PATCH").isEmpty)
    }

    @Test func onErrorContinueReportsTheFailureAndGoesOn() async throws {
        let api = try Self.seeded(4)
        api.server.faults.enqueue(.status(422), count: 1, method: "PATCH")
        let r = try await api.luagate([Self.script, "", "1", "continue"])
        #expect(r.status == 5, "\(r.stderr)")  // the script went on; a mutation failed (see `luagate --help`)
        let first = try #require(api.server.account.all(.providerKeys).first { $0.name == "k1" })
        #expect(r.stdout == "updated=3 unchanged=0 failed=1 skipped=0\nfailed\t\(first.id)\t422\n")
        #expect(api.requests("PATCH").count == 4)
        #expect(api.server.account.all(.providerKeys).map(\.name).sorted() == ["k1", "k2-renamed", "k3-renamed", "k4-renamed"])
    }

    @Test func onErrorAbortStopsNewUpdatesLetsInFlightOnesFinishAndRaises() async throws {
        let api = try Self.seeded(6)
        // Three updates start together; whichever arrives first fails at once, the other two
        // are held by the fake until well after the failure has been seen.
        api.server.faults.enqueue(.status(422), count: 1, method: "PATCH")
        api.server.faults.enqueue(.delay(milliseconds: 1500), count: 2, method: "PATCH")
        let r = try await api.luagate([Self.script, "", "3", "abort"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("apply-renames.lua:9: plan:apply aborted: "), "\(r.stderr)")
        #expect(r.stderr.contains("(2 updated, 1 failed, 3 skipped)"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(api.requests("PATCH").count == 3)
        #expect(api.server.account.all(.providerKeys).filter { $0.name.hasSuffix("-renamed") }.count == 2)
    }

    @Test func aPlanLargerThanMaxChangesSendsNothing() async throws {
        let api = try Self.seeded(3)
        let r = try await api.luagate(["--max-changes", "2", Self.script])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("--max-changes 2: refusing to make 3 changes in this run"), "\(r.stderr)")
        #expect(api.requests("PATCH").isEmpty)
        let fits = try await api.luagate(["--max-changes", "3", Self.script])
        #expect(fits.stdout == "updated=3 unchanged=0 failed=0 skipped=0\n", "\(fits.stderr)")
    }

    @Test func aDryRunShowsAndReportsButSendsNothing() async throws {
        let api = try Self.seeded(2)
        let r = try await api.luagate(["--dry-run", "-e", "require('luagate.rename').apply(providerKeys.list(), {pattern = '$', replace = '-x'})"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"k1\" → \"k1-x\""), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("dry run, nothing sent: would update 2, 0 unchanged, 0 failed, 0 skipped\n"), "\(r.stdout)")
        #expect(api.requests("PATCH").isEmpty)
    }

    /// Runs luagate under `script`, so that stdout and stderr are a terminal.
    static func onATerminal(_ api: APIHarness, _ lua: String, environment: [String: String]) async throws -> ProcessResult {
        let command = [ProcessRunner.luagate, "--base-url", api.server.baseURL, "-e", lua]
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        var env = environment
        env["AI_GATEWAY_API_KEY"] = api.token
        return try await ProcessRunner.run("/usr/bin/script", ["-q", "-e", "-c", command, "/dev/null"],
                                     environment: env, removing: ["NO_COLOR"])
    }

    @Test func progressBarAndColoursOnATerminal() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "util-linux script is missing")
        let api = try Self.seeded(3)
        let lua = "require('luagate.rename').apply(providerKeys.list(), {pattern = '^k', replace = 'key'})"
        let r = try await Self.onATerminal(api, lua, environment: ["TERM": "xterm"])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("updating [########################] 3/3"), "\(r.stdout)")
        #expect(r.stdout.contains("\u{1B}[32m\"key1\"\u{1B}[0m"), "\(r.stdout)")
        #expect(r.stdout.contains("applied: 3 updated"))

        let back = "require('luagate.rename').apply(providerKeys.list(), {pattern = '^key', replace = 'k'})"
        let plain = try await Self.onATerminal(api, back, environment: ["TERM": "xterm", "NO_COLOR": "1"])
        #expect(plain.status == 0, "\(plain.stdout)")
        #expect(plain.stdout.contains("updating ["), "\(plain.stdout)")
        #expect(!plain.stdout.contains("\u{1B}["), "\(plain.stdout)")
    }

    @Test func noProgressBarOffATerminal() async throws {
        let api = try Self.seeded(2)
        let r = try await api.luagate([Self.script])
        #expect(r.stdout == "updated=2 unchanged=0 failed=0 skipped=0\n")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }
}

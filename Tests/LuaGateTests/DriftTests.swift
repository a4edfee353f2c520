import Foundation
import Testing

/// A plan never overwrites a change it did not see: a record changed by hand between the
/// plan and its apply is left alone and reported (or, if asked, overwritten or replanned).
@Suite struct DriftTests {
    /// Three keys renamed by a plan; the first is renamed by hand after the plan was made.
    static func script(_ apply: String) -> String {
        """
        local rename = require "luagate.rename"
        local keys = providerKeys.list()
        table.sort(keys, function(a, b) return a.name < b.name end)
        local p = rename.plan(keys, {pattern = "^key%-", replace = "team-"})
        providerKeys.update(keys[1].id, {name = "key-by-hand"})
        local report = p:apply(\(apply))
        print(report.updated, report.drifted and #report.drifted or 0, report.replanned or 0)
        if report.drifted then print(report.drifted[1].id == keys[1].id, report.drifted[1].error.code) end
        print(providerKeys.get(keys[1].id).name, providerKeys.get(keys[2].id).name)
        """
    }

    @Test func driftedChangesAreNotSentAndAreReported() async throws {
        let api = try BatchJobTests.seeded(3)
        let journal = BatchJobTests.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let r = try await api.luagate(["--journal", journal, "-e", Self.script("")])
        #expect(r.status == 5, "a drifted change is a change not made: \(r.stderr)")
        #expect(r.stdout == "2\t1\t0\ntrue\tdrift\nkey-by-hand\tteam-2\n", "\(r.stdout)\(r.stderr)")
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(text.contains("\"status\":\"drifted\""))
    }

    @Test func overwriteSendsAnyway() async throws {
        let api = try BatchJobTests.seeded(3)
        let r = try await api.luagate(["-e", Self.script(#"{on_drift = "overwrite"}"#)])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "3\t0\t0\nteam-1\tteam-2\n", "\(r.stdout)")
    }

    @Test func replanComputesTheChangeAgainFromTheRecordAsItIs() async throws {
        let api = try BatchJobTests.seeded(3)
        let r = try await api.luagate(["-e", Self.script(#"{on_drift = "replan"}"#)])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "3\t0\t1\nteam-by-hand\tteam-2\n", "\(r.stdout)")
    }

    /// In a dry run nothing is changed by hand either, so the plan is made from a stale copy.
    @Test func dryRunsReportDriftToo() async throws {
        let api = try BatchJobTests.seeded(3)
        let r = try await api.luagate(["--dry-run", "-e", """
            local rename = require "luagate.rename"
            local keys = providerKeys.list()
            keys[1].name = "key-stale"
            local report = rename.plan(keys, {pattern = "^key%-", replace = "team-"}):apply()
            print(report.would_update, #report.drifted, report.drifted[1].error.code)
            """])
        #expect(r.stdout.hasSuffix("2\t1\tdrift\n"), "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("not changed: changed since the change was computed"))
        #expect(r.status == 5)
        #expect(api.requests("PATCH").isEmpty)
    }

    /// Metadata edited by hand after a metadata plan was made is not lost.
    @Test func metadataChangedByHandIsKept() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "k", metadata: #"{"team":"ml"}"#)
        let r = try await api.luagate(["-e", """
            local metadata = require "luagate.metadata"
            local p = metadata.plan(providerKeys.list(), {set = {owner = "ana"}})
            providerKeys.update("\(key.id)", {metadata = '{"team":"search","pager":"on"}'})
            local report = p:apply()
            print(#report.drifted, providerKeys.get("\(key.id)").metadata)
            """])
        #expect(r.status == 5)
        #expect(r.stdout == "1\t{\"team\":\"search\",\"pager\":\"on\"}\n", "\(r.stdout)\(r.stderr)")
    }

    /// The update option itself, on any resource: `expect` guards the change.
    @Test func updateExpectGuardsAnyResource() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", "-e", """
            local k = accessKeys.list()[1]
            print(pcall(accessKeys.update, k.id, {name = "x"}, {expect = {name = k.name .. "?"}}))
            local ok, e = pcall(accessKeys.update, k.id, {name = "x"}, {expect = {name = k.name .. "?"}})
            print(e.code, e.current.name == k.name)
            print(accessKeys.update(k.id, {name = "x"}, {expect = {name = k.name}}).name)
            print(gatewayConfig.update({perRequestTimeout = "20s"}, {expect = {perRequestTimeout = "30s"}}).perRequestTimeout)
            print(pcall(accessKeys.update, k.id, {name = "y"}, {expect = "no"}))
            """])
        #expect(r.stdout.contains("false\taccessKeys.update aigak_"), "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("drift: changed since the change was computed, so it was not sent: name is now"))
        #expect(r.stdout.contains("drift\ttrue\nx\n20s\n"))
        #expect(r.stdout.contains("bad argument #3 to 'update' (field 'expect': must be a table of field = value)"))
    }
}

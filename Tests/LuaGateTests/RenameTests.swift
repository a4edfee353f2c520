import FakeNgrokAI
import Foundation
import Testing

/// scripts/examples/rename-example.lua: a plan diff, then the renames; with `conflict`,
/// refused before anything is sent.
@Suite struct RenameTests {
    static let example = SandboxTests.examples.appendingPathComponent("rename-example.lua").path

    static func seeded() throws -> APIHarness {
        let api = try APIHarness()
        api.seed(name: "openai-prod-01")
        api.seed(name: "anthropic-prod-02", providerId: "anthropic")
        api.seed(name: "ci-openai")
        api.seed(name: "legacy-google", providerId: "google")
        return api
    }

    @Test func exampleShowsThePlanAndAppliesIt() async throws {
        let api = try Self.seeded()
        let r = try await api.luagate([Self.example])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID ") == true, "\(r.stdout)")
        #expect(lines.contains { $0.hasSuffix("name   \"openai-prod-01\" → \"prod-openai-01\"") }, "\(r.stdout)")
        #expect(lines.contains { $0.hasSuffix("name   \"anthropic-prod-02\" → \"prod-anthropic-02\"") })
        #expect(lines.contains("2 changes: 2 to apply, 0 no-op, 0 refused"))
        #expect(lines.last == "renamed 2 keys, 0 unchanged, 0 failed")
        #expect(api.requests("PATCH").count == 2)
        #expect(api.server.account.all(.providerKeys).map(\.name).sorted()
            == ["ci-openai", "legacy-google", "prod-anthropic-02", "prod-openai-01"])
    }

    @Test func exampleWithAConflictRefusesBeforeSendingAnything() async throws {
        let api = try Self.seeded()
        let r = try await api.luagate([Self.example, "conflict"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("conflict: "), "\(r.stdout)")
        #expect(r.stdout.contains("3 changes: 2 to apply, 0 no-op, 0 refused, 1 with problems: nothing will be sent"))
        #expect(r.stderr.contains("rename-example.lua:23: plan refused, nothing was sent: 1 problem\n"), "\(r.stderr)")
        #expect(!r.stderr.contains("stack traceback:"))  // an expected refusal, not a bug
        #expect(api.requests("PATCH").isEmpty)
        #expect(api.server.account.all(.providerKeys).map(\.name).sorted()
            == ["anthropic-prod-02", "ci-openai", "legacy-google", "openai-prod-01"])
    }

    @Test func exampleRunsInTheSandbox() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", Self.example])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"openai-prod-01\" → \"prod-openai-01\""))
        #expect(r.stdout.hasSuffix("renamed 12 keys, 0 unchanged, 0 failed\n"), "\(r.stdout)")
        let refused = try await ProcessRunner.luagate(["--sandbox", Self.example, "conflict"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("plan refused, nothing was sent"))
    }
}

import FakeNgrokAI
import Foundation
import Testing

/// scripts/examples/metadata-template.lua: every key tagged, whatever its metadata held.
@Suite struct MetadataTests {
    static let example = SandboxTests.examples.appendingPathComponent("metadata-template.lua").path

    @Test func exampleTagsEveryKey() async throws {
        let api = try APIHarness()
        api.seed(name: "json", metadata: #"{"team":"ml","env":"prod"}"#)
        api.seed(name: "text", metadata: #"owner: "bob" \ ops"#)
        api.seed(name: "none", providerId: "anthropic")
        let r = try await api.luagate([Self.example, "ana@example.com"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasSuffix("3 of 3 keys tagged\n"), "\(r.stdout)")
        var tagged: [String: [String: Any]] = [:]
        for key in api.server.account.all(.providerKeys) {
            tagged[key.name] = APIHarness.json(Array((key.metadata ?? "").utf8))
        }
        for (name, meta) in tagged {
            #expect(meta["managed-by"] as? String == "luagate", "\(name)")
            #expect(meta["owner"] as? String == "ana@example.com", "\(name)")
        }
        #expect(tagged["json"]?["team"] as? String == "ml")
        #expect(tagged["json"]?["env"] as? String == "prod")
        #expect(tagged["text"]?["note"] as? String == #"owner: "bob" \ ops"#)
        #expect(tagged["none"]?["slot"] as? String == "anthropic-02" || tagged["none"]?["slot"] as? String == "anthropic-01")
        #expect(r.stdout.contains("metadata.owner"), "\(r.stdout)")
        #expect(api.requests("PATCH").count == 3)
    }

    @Test func exampleTagsTheSandboxAccount() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", Self.example])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasSuffix("40 of 40 keys tagged\n"), "\(r.stdout)")
    }
}

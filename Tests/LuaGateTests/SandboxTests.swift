import Foundation
import Testing

/// `--sandbox`, `--sandbox-data`, `--sandbox-save` and the example scripts.
@Suite struct SandboxTests {
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/examples")

    static var exampleScripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? [])
            .filter { $0.hasSuffix(".lua") }.sorted()
    }

    @Test func thereAreExamples() {
        #expect(Self.exampleScripts.count >= 4)
    }

    @Test(arguments: exampleScripts)
    func exampleRunsInTheSandbox(_ name: String) async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", Self.examples.appendingPathComponent(name).path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("luagate: sandbox: "))
        #expect(!r.stdout.isEmpty)
    }

    /// The README's first example: one line per key, ids in one column even
    /// after names with accented letters.
    @Test func listByProviderAlignsItsColumns() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", Self.examples.appendingPathComponent("list-by-provider.lua").path])
        let keyLines = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }
        #expect(keyLines.count == 40, "\(r.stderr)")
        #expect(keyLines.contains { $0.contains("É") })
        let columns = Set(keyLines.compactMap { line in line.range(of: "aigpk_").map { line.distance(from: line.startIndex, to: $0.lowerBound) } })
        #expect(columns.count == 1, "\(r.stdout)")
    }

    static let jobs = examples.deletingLastPathComponent().appendingPathComponent("jobs")

    static var jobScripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: jobs.path)) ?? []).filter { $0.hasSuffix(".lua") }.sorted()
    }

    /// The nightly jobs run in the sandbox, for real and as a dry run, and
    /// a second run finds nothing left to do.
    @Test(arguments: jobScripts)
    func nightlyJobRunsInTheSandbox(_ name: String) async throws {
        let path = Self.jobs.appendingPathComponent(name).path
        let dry = try await ProcessRunner.luagate(["--sandbox", "--dry-run", path])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains("would update"))
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-job-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let real = try await ProcessRunner.luagate(["--sandbox-save", saved, path])
        #expect(real.status == 0, "\(real.stderr)")
        #expect(real.stdout.contains(" 0 failed"))
        let again = try await ProcessRunner.luagate(["--sandbox-data", saved, "--max-changes", "0", path])
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func sandboxNeedsNoTokenAndHasMoreThanOnePage() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", "-e", "print(#providerKeys.list{limit = 25} > 25)"])
        #expect(r.stdout == "true\n", "\(r.stderr)")
        let firstLine = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasPrefix("luagate: sandbox: fake AI Gateway API on http://127.0.0.1:"))
    }

    @Test func dataAndSaveRoundTripAFile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = dir.appendingPathComponent("first.json").path
        let second = dir.appendingPathComponent("second.json").path
        // Save the sample account after a rename, then load it and check the rename is there.
        let a = try await ProcessRunner.luagate(["--sandbox", "--sandbox-save", first, "-e",
            "local k = providerKeys.list()[1] providerKeys.update(k.id, {name = 'saved-name'}) print(#providerKeys.list())"])
        #expect(a.status == 0, "\(a.stderr)")
        let b = try await ProcessRunner.luagate(["--sandbox-data", first, "--sandbox-save", second, "-e",
            "local k = providerKeys.list()[1] print(k.name, #providerKeys.list()) os.exit(0)"])
        #expect(b.stdout == "saved-name\t\(a.stdout.trimmingCharacters(in: .whitespacesAndNewlines))\n", "\(b.stderr)")
        // Saved even though the script ended with os.exit; the same keys again.
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: second))) as? [String: Any]
        let keys = saved?["aiGatewayProviderKeys"] as? [[String: Any]]
        #expect(keys?.count == Int(a.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(keys?.first?["name"] as? String == "saved-name")
        #expect(keys?.allSatisfy { $0["value"] == nil } == true)
    }

    @Test func badSandboxDataIsAUsageError() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox-data", "/nonexistent.json", "-e", "print(1)"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/nonexistent.json"))
        #expect(r.stdout.isEmpty)
    }

    @Test func snapshotOfAnAccountSeedsASandbox() async throws {
        let api = try APIHarness()
        api.seed(name: "from-live", providerId: "anthropic", metadata: "{\"team\":\"ml\"}")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-snap-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let snap = try await api.luagate(["--snapshot", file])
        #expect(snap.status == 0, "\(snap.stderr)")
        #expect(snap.stderr.contains("wrote 1 key to"))
        let r = try await ProcessRunner.luagate(["--sandbox-data", file, "-e", "local k = providerKeys.list()[1] print(k.name, k.providerId, k.metadata)"])
        #expect(r.stdout == "from-live\tanthropic\t{\"team\":\"ml\"}\n", "\(r.stderr)")
    }
}

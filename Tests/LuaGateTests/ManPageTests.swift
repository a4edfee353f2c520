import Foundation
import Testing

/// The man pages as scripts/package.sh makes them: swift-argument-parser's generate-manual,
/// then scripts/package/manpage.lua (run by luagate). The real synopsis (no `subcommand`, no
/// `help` subcommand), ENVIRONMENT, FILES, every exit status, SEE ALSO; no groff warning.
@Suite struct ManPageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The finished page of `tool`, in mdoc.
    static func page(_ tool: String) async throws -> String {
        let generator = ProcessRunner.buildDirectory + "/generate-manual"
        try #require(FileManager.default.isExecutableFile(atPath: generator), "swift build builds generate-manual")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("man-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try await ProcessRunner.run(generator, [
            ProcessRunner.buildDirectory + "/" + tool, "--date", "2026-12-03", "--authors", "the luagate developers",
            "--output-directory", folder,
        ])
        try #require(generated.status == 0, "\(generated.stderr)")
        let finished = try await ProcessRunner.luagate(["-E", root + "/scripts/package/manpage.lua", tool, folder + "/\(tool).1"])
        try #require(finished.status == 0, "\(finished.stderr)")
        return finished.stdout
    }

    /// The order of `.Sh` headings.
    static func headings(_ page: String) -> [String] {
        page.split(separator: "\n").filter { $0.hasPrefix(".Sh ") }.map {
            String($0.dropFirst(4)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }

    /// The `.It` items between `.Sh "EXIT STATUS"` and the next heading.
    static func exitStatuses(_ page: String) -> [String] {
        let lines = page.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: ".Sh \"EXIT STATUS\"") else { return [] }
        return lines[(start + 1)...].prefix { !$0.hasPrefix(".Sh ") }.filter { $0.hasPrefix(".It ") }.map { String($0.dropFirst(4)) }
    }

    @Test func luagate() async throws {
        let page = try await Self.page("luagate")
        #expect(!page.lowercased().contains("subcommand"))
        #expect(!page.contains(".Ex -std"))
        #expect(Self.headings(page) == ["NAME", "SYNOPSIS", "DESCRIPTION", "ENVIRONMENT", "FILES", "EXIT STATUS", "SEE ALSO", "AUTHORS"])
        #expect(Self.exitStatuses(page) == ["0", "1", "2", "3", "4", "5", "124", "130", "143"])
        for name in ["AI_GATEWAY_API_KEY", "AI_GATEWAY_API_URL", "LUAGATE_", "LUA_INIT", "NO_COLOR", "SSL_CERT_FILE"] {
            #expect(page.contains(".It Ev \(name)"), "ENVIRONMENT names \(name)")
        }
        #expect(page.contains("/usr/share/doc/luagate/examples/"))
        #expect(page.contains(".Xr lua5.4 1"))
        #expect(page.contains(".Op Ar \"script [args]...\""))
        try await Self.expectNoGroffWarnings(page)
    }

    @Test func fakeNgrokAI() async throws {
        let page = try await Self.page("fake-ngrok-ai")
        #expect(!page.lowercased().contains("subcommand"))
        #expect(Self.headings(page) == ["NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "SEE ALSO", "AUTHORS"])
        #expect(Self.exitStatuses(page) == ["0", "1", "2"])
        #expect(page.contains(".Xr luagate 1"))
        try await Self.expectNoGroffWarnings(page)
    }

    /// `fake-ngrok-ai --help` describes what it serves: every resource, not provider keys only.
    @Test func fakeNgrokAIHelpNamesEveryResource() async throws {
        let r = try await ProcessRunner.run(ProcessRunner.buildDirectory + "/fake-ngrok-ai", ["--help"])
        #expect(r.status == 0)
        #expect(!r.stdout.contains("provider-key API"), "\(r.stdout)")
        for path in ["/provider-keys", "/access-keys", "/access-key-configurations", "/api-keys", "/gateway-config", "/usage", "/credits"] {
            #expect(r.stdout.contains(path), "--help names \(path)")
        }
        #expect(r.stdout.contains("luagate --snapshot"))
    }

    static func expectNoGroffWarnings(_ page: String) async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("page-\(UUID().uuidString).1").path
        try page.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let groff = try await ProcessRunner.run("/usr/bin/groff", ["-mandoc", "-ww", "-z", file], environment: ["LC_ALL": "C.UTF-8"])
        #expect(groff.stderr.isEmpty && groff.status == 0, "groff warns: \(groff.stderr)")
    }
}

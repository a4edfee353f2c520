import Foundation
import Testing

/// The Lua-level specs of the bundled stdlib (Scripts/stdlib/*_spec.lua): busted (Debian's
/// lua-busted) runs each file with the luagate binary as its interpreter, against a fresh fake
/// API, and reports in TAP.
@Suite struct StdlibSpecTests {
    static let folder = ProcessRunner.scripts + "/stdlib"

    static var specs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix("_spec.lua") }.sorted()
    }

    @Test func everyModuleHasASpec() {
        #expect(Set(Self.specs).isSuperset(of: [
            "json_spec.lua", "metadata_spec.lua", "plan_spec.lua", "rename_spec.lua", "template_spec.lua",
        ]))
    }

    /// Every file in stdlib/luagate/ is compiled into the binary and loads with `require`.
    @Test func everyStdlibFileIsBundled() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: root.path + "/stdlib/luagate")
        let modules = files.filter { $0.hasSuffix(".lua") }.map { "luagate." + $0.dropLast(4) }.sorted()
        #expect(modules.count >= 4)
        let code = modules.map { "assert(type(require('\($0)')) == 'table', '\($0)')" }.joined(separator: "\n")
        let r = try await ProcessRunner.luagate(["-e", code + "\nprint('ok')"])
        #expect(r.stdout == "ok\n", "\(r.stderr)")
    }

    @Test(arguments: specs)
    func specPasses(_ name: String) async throws {
        let api = try APIHarness()
        let r = try await Self.busted(name, api: api)
        let lines = r.stdout.split(separator: "\n")
        let failures = lines.filter { $0.hasPrefix("not ok") }
        #expect(failures.isEmpty, "\(r.stdout)")
        #expect(lines.filter { $0.hasPrefix("ok ") }.count >= 10, "\(r.stdout)\n\(r.stderr)")
        #expect(lines.contains { $0.hasPrefix("1..") }, "\(r.stdout)\n\(r.stderr)")
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains(api.token))
    }

    /// Runs one spec file under busted with luagate as its interpreter, against `api`.
    static func busted(_ name: String, api: APIHarness) async throws -> ProcessResult {
        // `require "helpers"` finds the shared helpers next to the specs.
        try await ProcessRunner.run("/usr/bin/busted", [
            "--lua=\(ProcessRunner.luagate)", "--lpath=\(folder)/?.lua", "-o", "TAP", folder + "/" + name,
        ], environment: ["AI_GATEWAY_API_URL": api.server.baseURL, "AI_GATEWAY_API_KEY": api.token,
                         // The plan specs make changes fail on purpose.
                         "LUAGATE_CAUGHT_FAILURES_OK": "1"])
    }
}

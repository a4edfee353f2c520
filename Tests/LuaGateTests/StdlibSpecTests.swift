import Foundation
import Testing

/// The Lua-level specs of the bundled stdlib (Scripts/stdlib/*_spec.lua), each run by the
/// luagate binary against a fresh fake API: every test prints `ok - …` or `not ok - …`, and
/// the script exits non-zero if any failed.
@Suite struct StdlibSpecTests {
    static let folder = ProcessRunner.scripts + "/stdlib"
    /// `require "spec"` finds the shared helpers next to the specs.
    static let environment = ["LUA_PATH": folder + "/?.lua;;"]

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
    @Test func everyStdlibFileIsBundled() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: root.path + "/stdlib/luagate")
        let modules = files.filter { $0.hasSuffix(".lua") }.map { "luagate." + $0.dropLast(4) }.sorted()
        #expect(modules.count >= 4)
        let code = modules.map { "assert(type(require('\($0)')) == 'table', '\($0)')" }.joined(separator: "\n")
        let r = try ProcessRunner.luagate(["-e", code + "\nprint('ok')"])
        #expect(r.stdout == "ok\n", "\(r.stderr)")
    }

    @Test(arguments: specs)
    func specPasses(_ name: String) throws {
        let api = try APIHarness()
        let r = try api.luagate([Self.folder + "/" + name], environment: Self.environment)
        let lines = r.stdout.split(separator: "\n")
        let failures = lines.filter { $0.hasPrefix("not ok") }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(lines.filter { $0.hasPrefix("ok - ") }.count >= 10, "\(r.stdout)")
        #expect(lines.last?.hasSuffix(" tests, 0 failed") == true, "\(r.stdout)\n\(r.stderr)")
        #expect(r.status == 0, "\(r.stderr)")
    }
}

import Foundation
import Testing

/// `luagate.template`: the Mustache spec data and strict errors as a script sees them.
@Suite struct TemplateTests {
    @Test func everyMustacheSpecCaseRuns() async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: StdlibSpecTests.folder + "/mustache-spec.json"))
        let cases = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["cases"] as? [[String: Any]])
        let groups = Set(cases.compactMap { $0["group"] as? String })
        #expect(groups == ["interpolation", "sections", "inverted", "comments", "delimiters", "partials"])
        let r = try await StdlibSpecTests.busted("template_spec.lua", api: try APIHarness())
        let passed = r.stdout.split(separator: "\n").filter { $0.hasPrefix("ok ") && $0.contains(" - luagate.template mustache ") }
        #expect(passed.count == cases.count, "\(r.stdout)")
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func strictErrorNamesTheVariableAndItsPosition() async throws {
        let r = try await ProcessRunner.luagate(["-e", """
            local template = require "luagate.template"
            print(template.render("Hi {{name}}", {name = "ada"}))
            template.render("Hi {{name}},\\n  id {{nmae}}", {name = "ada"})
            """])
        #expect(r.stdout == "Hi ada\n")
        #expect(r.stderr.hasPrefix("luagate: template: missing variable 'nmae' at line 2, column 6\n"), "\(r.stderr)")
        #expect(r.status == 1)
    }

    @Test func modulesLoadOnRequireOnly() async throws {
        let r = try await ProcessRunner.luagate(["-e", """
            print(package.loaded["luagate.plan"], package.preload["luagate.plan"] ~= nil)
            local plan = require "luagate.plan"
            print(package.loaded["luagate.plan"] == plan, type(plan.new))
            for _, name in ipairs {"template", "rename", "metadata", "progress", "term"} do
              assert(require("luagate." .. name))
            end
            """])
        #expect(r.stdout == "nil\ttrue\ntrue\tfunction\n", "\(r.stderr)")
        #expect(r.status == 0)
    }

    @Test func aCopiedBinaryStillFindsTheStdlib() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("luagate").path
        try FileManager.default.copyItem(atPath: ProcessRunner.luagate, toPath: copy)
        let r = try await ProcessRunner.run(copy, ["-e", """
            print(require("luagate.template").render("{{a}}-{{b}}", {a = 1, b = "x"}), #require("luagate.rename").plan({}, function() end))
            """], directory: dir.path)
        #expect(r.stdout == "1-x\t0\n", "\(r.stderr)")
    }
}

import Foundation
import Testing

/// A plan is checked against the catalogue's rules for each change (a virtual model's list: at
/// most 10, distinct, `ngrok/auto` alone, …) as well as its per-field limits, so that a plan
/// that validates is one the client will send whole: apply never stops after some changes went out.
@Suite struct PlanRulesTests {
    /// The repro: the first change is fine, the second mixes `ngrok/auto` with another model.
    static let script = """
        local plan = require "luagate.plan"
        local byName = {}
        for _, v in ipairs(virtualModels.list()) do byName[v.name] = v end
        local cheap, auto = byName["cheap-fast"], byName["let-ngrok-pick"]
        local p = plan.new {
          { resource = "virtualModels", id = cheap.id, before = { models = cheap.models }, after = { models = { "openai:gpt-4o" } } },
          { resource = "virtualModels", id = auto.id, before = { models = auto.models },
            after = { models = { "openai:gpt-4o", "ngrok/auto" } } },
        }
        local ok, err = pcall(p.validate, p)
        print("validate", ok, ok or err.code, ok or #err.violations)
        if not ok then
          local v = err.violations[1]
          print("violation", v.kind, v.id == auto.id, v.field, v.message)
        end
        local applied, report = pcall(p.apply, p, { on_error = "abort" })
        print("apply", applied, applied and report.updated or report.code)
        for _, v in ipairs(virtualModels.list()) do
          if v.name == "cheap-fast" then print("cheap-fast", table.concat(v.models, ",")) end
        end
        """

    @Test func aPlanBreakingAVirtualModelRuleIsRefusedWholeAndNothingIsSent() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", "-e", Self.script])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "validate\tfalse\tplan\t1", "\(r.stdout)\n\(r.stderr)")
        #expect(lines.contains { $0.hasPrefix("violation\trule\ttrue\tmodels\t") && $0.contains("ngrok/auto") }, "\(r.stdout)")
        #expect(lines.contains("apply\tfalse\tplan"), "\(r.stdout)")
        #expect(lines.last == "cheap-fast\topenai:gpt-4o-mini,google:gemini-2.5-flash,anthropic:claude-haiku-4-5",
                "nothing was sent: \(r.stdout)")
    }

    /// Too many models, and a model twice, are refused the same way; a list within the rules passes.
    @Test func tooManyOrRepeatedModelsAreRuleViolations() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", "-e", """
            local plan = require "luagate.plan"
            local v = virtualModels.list()[1]
            local function check(models)
              local p = plan.new {
                { resource = "virtualModels", id = v.id, before = { models = v.models }, after = { models = models } } }
              local ok, err = pcall(p.validate, p)
              print(ok and "ok" or (err.violations[1].kind .. " " .. err.violations[1].message))
            end
            local eleven = {}
            for i = 1, 11 do eleven[i] = "openai:gpt-4o-" .. i end
            check(eleven)
            check { "openai:gpt-4o", "openai:gpt-4o" }
            check { "openai:gpt-4o", "openai:gpt-4o-mini" }
            """])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(r.stdout)")
        #expect(lines.first?.hasPrefix("rule at most 10 models") == true, "\(r.stdout)")
        #expect(lines.dropFirst().first?.hasPrefix("rule ") == true && lines.dropFirst().first?.contains("more than once") == true, "\(r.stdout)")
        #expect(lines.last == "ok", "\(r.stdout)")
    }

    /// The example refuses, with a reason, to move a model into a list that is only
    /// `ngrok/auto`, or into one already holding 10 models.
    @Test func virtualModelSwitchExplainsTheListRules() async throws {
        let script = SandboxTests.examples.appendingPathComponent("virtual-model-switch.lua").path
        let auto = try await ProcessRunner.luagate(["--sandbox", script, "let-ngrok-pick", "openai:gpt-4o"])
        #expect(auto.status == 2, "\(auto.stdout)\n\(auto.stderr)")
        #expect(auto.stderr.contains("let-ngrok-pick: the list is only ngrok/auto"), "\(auto.stderr)")
        #expect(!auto.stdout.contains("updated"), "\(auto.stdout)")

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-vms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let saved = dir.appendingPathComponent("full.json").path
        let fill = try await ProcessRunner.luagate(["--sandbox", "--sandbox-save", saved, "-e", """
            local list = {}
            for _, m in ipairs(models.list()) do
              if m.owned_by == "ngrok" then
                if #list < 10 then list[#list + 1] = m.id end
                for _, p in ipairs(m.providers) do if #list < 10 then list[#list + 1] = p.model_id end end
              end
            end
            for _, v in ipairs(virtualModels.list()) do
              if v.name == "cheap-fast" then virtualModels.update(v.id, { models = list }) end
            end
            print(#list)
            """])
        #expect(fill.status == 0 && fill.stdout == "10\n", "\(fill.stdout)\n\(fill.stderr)")
        let full = try await ProcessRunner.luagate(["--sandbox-data", saved, script, "cheap-fast", "groq:llama-3.3-70b-instruct-x"])
        #expect(full.status == 2, "\(full.stdout)\n\(full.stderr)")
        #expect(full.stderr.contains("cheap-fast: the list already holds 10 models"), "\(full.stderr)")
    }
}

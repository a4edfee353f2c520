import Foundation
import Testing

/// Issue 18 through the real binary in the sandbox: virtual models and firewall policies (partly
/// published: unknown fields sent with one warning), their prose rules in the client and the
/// fake, the firewall policy references (409 on delete), the model catalogue, request traces,
/// the access key filter, and snapshots written before these collections existed.
@Suite struct CatalogueAdditionsTests {
    private func sandbox(_ script: String, _ extra: [String] = []) async throws -> ProcessResult {
        try await ProcessRunner.luagate(["--sandbox"] + extra + ["-e", script])
    }

    @Test func unknownFieldsOfAPartlyPublishedResourceAreSentWithOneWarning() async throws {
        let r = try await sandbox("""
            local a = firewallPolicies.create{name = "a", phase = "request", rules = {{tier = "hardDeny", regex = "x"}}}
            local b = firewallPolicies.create{name = "b", phase = "response", rules = {{tier = "allow", regex = "y"}}}
            firewallPolicies.update(b.id, {phase = "request"})
            print("stored", a.phase, a.rules[1].regex, firewallPolicies.get(b.id).phase)
            local sent = sandbox.requests()
            print("sent", sent[#sent - 1].body.phase)
            -- A fully published resource stays strict: nothing sent.
            local before = #sandbox.requests()
            local ok, err = pcall(providerKeys.create, {providerId = "openai", name = "n", value = "sk-x", phase = "request"})
            print("strict", ok, err.code, #sandbox.requests() - before)
            -- A field the catalogue knows is still checked.
            ok, err = pcall(firewallPolicies.create, {name = "c", mode = "loud"})
            print("checked", ok, err.field)
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("stored\trequest\tx\trequest"), "\(r.stdout)")
        #expect(r.stdout.contains("sent\trequest"), "\(r.stdout)")
        #expect(r.stdout.contains("strict\tfalse\tvalidation\t0"), "\(r.stdout)")
        #expect(r.stdout.contains("checked\tfalse\tmode"), "\(r.stdout)")
        let warnings = r.stderr.split(separator: "\n").filter { $0.hasPrefix("luagate: warning:") }
        #expect(warnings.count == 2, "\(r.stderr)")  // phase and rules.regex, once each
        #expect(warnings.contains { $0.contains("firewallPolicies.create: field 'phase'") && $0.contains("sending it as given") })
        #expect(warnings.contains { $0.contains("field 'rules.regex'") })
    }

    @Test func aPolicyInUseCannotBeDeleted() async throws {
        let r = try await sandbox("""
            local function by_name(name)
              for _, p in ipairs(firewallPolicies.list()) do if p.name == name then return p end end
            end
            local baseline, guard = by_name("account-baseline"), by_name("support-bot-guard")
            print("accountWide", baseline.accountWide, guard.accountWide, gatewayConfig.get().firewallPolicyId == baseline.id)
            for _, p in ipairs({baseline, guard}) do
              local ok, err = pcall(firewallPolicies.delete, p.id)
              print("in use", ok, err.status, err.message:find("still used", 1, true) ~= nil)
            end
            gatewayConfig.update{firewallPolicyId = json.null}
            print("freed", firewallPolicies.delete(baseline.id))
            local ok, err = pcall(gatewayConfig.update, {firewallPolicyId = "aigfp_nope"})
            print("missing", ok, err.status)
            """, ["--caught-failures-ok"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("accountWide\ttrue\tfalse\ttrue"), "\(r.stdout)")
        #expect(r.stdout.components(separatedBy: "in use\tfalse\t409\ttrue").count == 3, "\(r.stdout)")
        #expect(r.stdout.contains("freed\ttrue"), "\(r.stdout)")
        #expect(r.stdout.contains("missing\tfalse\t400"), "\(r.stdout)")
    }

    @Test func virtualModelRulesAreRefusedBeforeSending() async throws {
        let r = try await sandbox("""
            local cases = {
              {name = "has space", models = {"openai:gpt-4o"}},
              {name = ("x"):rep(65), models = {"openai:gpt-4o"}},
              {name = "v", models = {}},
              {name = "v", models = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}},
              {name = "v", models = {"openai:gpt-4o", "openai:gpt-4o"}},
              {name = "v", models = {"ngrok/auto", "openai:gpt-4o"}},
            }
            local before = #sandbox.requests()
            for _, body in ipairs(cases) do
              local ok, err = pcall(virtualModels.create, body)
              print(ok, err.code, err.field, tostring(err):match("bad argument #1 to 'create'") ~= nil)
            end
            print("sent", #sandbox.requests() - before)
            """)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("false\tvalidation\t") && $0.hasSuffix("\ttrue") }.count == 6, "\(r.stdout)")
        #expect(["name", "name", "models", "models", "models[2]", "models"].allSatisfy { field in
            lines.contains { $0.contains("\tvalidation\t\(field)\t") }
        }, "\(r.stdout)")
        #expect(r.stdout.contains("sent\t0"), "\(r.stdout)")
    }

    /// The fake answers the rules with ngrok's codes, also those that need the account.
    @Test func theFakeAnswersVirtualModelRulesWithNgroksCodes() async throws {
        let r = try await sandbox("""
            local function post(body)
              local ok, err = pcall(api.request, "POST", "/virtual-models", {body = body})
              print(ok, err.status, err.code)
            end
            post{name = "has space", models = {"openai:gpt-4o"}}
            post{name = ("x"):rep(65), models = {"openai:gpt-4o"}}
            post{models = {"openai:gpt-4o"}}
            post{name = "v", models = {}}
            post{name = "v", models = {"openai:gpt-4o", "openai:gpt-4o"}}
            post{name = "v", models = {"ngrok/auto", "openai:gpt-4o"}}
            post{name = "v", models = {"chat-default"}}
            post{name = "v", models = {"openai:no-such-model"}}
            post{name = "chat-default", models = {"openai:gpt-4o"}}
            post{name = "gpt-4o", models = {"openai:gpt-4o"}}
            local ok, err = pcall(accessKeyConfigurations.create, {name = "c", access = {models = {allow = {"chat-default"}}}})
            print(ok, err.status, err.code)
            local made = virtualModels.create{name = "fresh.model_1", models = {"openai:gpt-4o-mini", "gpt-4o"}}
            print("made", made.name, #made.models)
            """, ["--caught-failures-ok"])
        #expect(r.status == 0, "\(r.stderr)")
        let prefix = "false\t400\tERR_NGROK_AI_GATEWAY_"
        for code in [
            "NAME_ILLEGAL_CHARACTER", "NAME_TOO_LONG", "NAME_REQUIRED", "TARGETS_OUT_OF_RANGE", "TARGET_DUPLICATED",
            "TARGET_AUTO_MIXED_NOT_ALLOWED", "TARGET_NESTING_NOT_ALLOWED", "TARGET_NOT_FOUND", "NAME_ALREADY_EXISTS", "NAME_CONFLICT",
        ] {
            #expect(r.stdout.contains(prefix + "VIRTUAL_MODEL_" + code + "\n"), "\(code): \(r.stdout)")
        }
        #expect(r.stdout.contains(prefix + "ACCESS_CONFIG_VIRTUAL_MODEL_NOT_ALLOWED"), "\(r.stdout)")
        #expect(r.stdout.contains("made\tfresh.model_1\t2"), "\(r.stdout)")
    }

    @Test func aUserRouterStepNeedsKeys() async throws {
        let r = try await sandbox("""
            local ok, err = pcall(accessKeyConfigurations.create, {name = "c",
              router = {rules = {{provider = "openai", steps = {{type = "user"}}}}}})
            print(ok, err.code, err.field)
            """)
        #expect(r.stdout.contains("false\tvalidation\trouter.rules[1].steps[1].keys"), "\(r.stdout)\(r.stderr)")
    }

    @Test func modelsAndRequestTraces() async throws {
        let r = try await sandbox("""
            local all = models.list()
            local sonnet = models.get("claude-sonnet-4-5")
            print("models", #all, sonnet.owned_by, #sonnet.providers, sonnet.providers[1].pricing.rates[1].unit)
            local ok, err = pcall(models.get, "no-such-model")
            print("missing", ok, err.status)
            local retried
            for e in usage.iter{startTime = os.time() - 30 * 86400, includeRetries = true} do
              if e.attemptNumber == 2 then retried = e break end
            end
            local trace = usage.attempts(retried.requestId)
            local first, second = trace.attempts[1], trace.attempts[2]
            print("trace", trace.requestId == retried.requestId, #trace.attempts, first.served, first.completion,
              second.served, second.event.id == retried.id, second.event.inputTokenCost ~= nil)
            ok, err = pcall(usage.attempts, "req_nope")
            print("unknown", ok, err.status)
            ok, err = pcall(usage.attempts, "")
            print("empty", ok, err.code)
            """, ["--caught-failures-ok"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("models\t7\tngrok\t2\ttoken"), "\(r.stdout)")
        #expect(r.stdout.contains("missing\tfalse\t404"), "\(r.stdout)")
        #expect(r.stdout.contains("trace\ttrue\t2\tfalse\tfailed\ttrue\ttrue\ttrue"), "\(r.stdout)")
        #expect(r.stdout.contains("unknown\tfalse\t404"), "\(r.stdout)")
        #expect(r.stdout.contains("empty\tfalse\tvalidation"), "\(r.stdout)")
    }

    @Test func accessKeysFilterByConfiguration() async throws {
        let r = try await sandbox("""
            for _, c in ipairs(accessKeyConfigurations.list()) do
              local keys = accessKeys.list{accessKeyConfigurationId = c.id}
              local all_match = true
              for _, k in ipairs(keys) do all_match = all_match and k.accessKeyConfiguration.id == c.id end
              print(c.name, #keys, c.accessKeyCount, all_match)
            end
            print("all", #accessKeys.list())
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("openai-only\t2\t2\ttrue"), "\(r.stdout)")
        #expect(r.stdout.contains("anthropic-prod\t1\t1\ttrue"), "\(r.stdout)")
        #expect(r.stdout.contains("research\t2\t2\ttrue"), "\(r.stdout)")
        #expect(r.stdout.contains("all\t6"), "\(r.stdout)")
    }

    /// A file written before virtual models, firewall policies and the model catalogue existed
    /// (a `--sandbox-save` of the previous version, trimmed) still loads; a new save carries them.
    @Test func snapshotsFromBeforeStillLoadAndNewOnesCarryTheCollections() async throws {
        let old = ProcessRunner.scripts + "/snapshots/before-virtual-models.json"
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("issue18-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let r = try await ProcessRunner.luagate(["--sandbox-data", old, "-e", """
            local events = usage.list{startTime = 0, includeRetries = true}
            print("old", #virtualModels.list(), #firewallPolicies.list(), #models.list(), #events, events[1].cacheWriteTokens,
              events[1].inputTokenCost, accessKeyConfigurations.list()[1].accessKeyCount ~= nil)
            print("trace", #usage.attempts(events[1].requestId).attempts >= 1)
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("old\t0\t0\t2\t12\t0\t0.00000\ttrue"), "\(r.stdout)")
        #expect(r.stdout.contains("trace\ttrue"), "\(r.stdout)")

        let save = try await ProcessRunner.luagate(["--sandbox", "--sandbox-save", saved, "-e", ""])
        #expect(save.status == 0, "\(save.stderr)")
        let reload = try await ProcessRunner.luagate(["--sandbox-data", saved, "-e", """
            print(#virtualModels.list(), #firewallPolicies.list(), #models.list(), gatewayConfig.get().firewallPolicyId ~= nil)
            """])
        #expect(reload.stdout.contains("3\t2\t7\ttrue"), "\(reload.stdout)\(reload.stderr)")
    }

    /// `--snapshot` of an account writes its virtual models, firewall policies and model catalogue.
    @Test func snapshotOfAnAccountCarriesTheNewCollections() async throws {
        let api = try APIHarness(.init(token: "tok-\(UUID().uuidString)", sampleAccount: true))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("issue18-snap-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let snap = try await api.luagate(["--snapshot", file])
        #expect(snap.status == 0, "\(snap.stderr)")
        #expect(snap.stderr.contains("3 virtual models, 2 firewall policies"), "\(snap.stderr)")
        let r = try await ProcessRunner.luagate(["--sandbox-data", file, "-e", """
            print(#virtualModels.list(), #firewallPolicies.list(), #models.list(), models.get("gpt-4o").providers[1].id)
            """])
        #expect(r.stdout == "3\t2\t7\topenai\n", "\(r.stdout)\(r.stderr)")
    }
}

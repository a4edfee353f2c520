import FakeNgrokAI
import Foundation
import Testing

/// The resources beyond provider keys, driven through the real binary: secrets returned once
/// never reach an output, plans mix resources, journals resume on every resource.
@Suite struct ResourceJobTests {
    static func sampleAPI() throws -> APIHarness {
        try APIHarness(FakeNgrokAIConfiguration(
            token: "tok-\(UUID().uuidString)", initialKeys: SampleAccount.make(seed: 2, count: 12), sampleAccount: true))
    }

    /// Tokens and secret values are in the records `create` returns, and in no output: not
    /// stdout, stderr (verbose logs in JSON), the journal, the report, a snapshot, a saved sandbox.
    @Test func secretsReachNoOutput() async throws {
        let api = try Self.sampleAPI()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-secrets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secrets = "\(dir)/secrets.txt"
        let inline = "sk-inline-secret-0123456789abcdef"
        let script = """
            local out = assert(io.open("\(secrets)", "w"))
            local ak = accessKeys.create{name = "team-a", metadata = '{"owner":"a"}'}
            local api = apiKeys.create{name = "robot"}
            out:write(ak.token, "\\n", api.token, "\\n") out:close()
            print(tostring(ak), tostring(api), #ak.token > 20, #api.token > 20)
            local cfg = accessKeyConfigurations.create{name = "inline", router = {rules = {{provider = "openai",
              steps = {{type = "user", keys = {{name = "inline-key", value = "\(inline)"}}}}}}}}
            print(tostring(cfg), cfg.router.rules[1].steps[1].keys[1].keyRedacted)
            print(accessKeys.get(ak.id).token, apiKeys.list()[1].token)
            accessKeys.update(ak.id, {description = "rotated soon"})
            print(json.encode(accessKeys.get(ak.id)))
            """
        let r = try await api.luagate([
            "--journal", "\(dir)/journal.jsonl", "--report", "\(dir)/report.json", "--verbose",
            "--log-format", "json", "--log-level", "debug", "-e", script,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("true\ttrue"), "\(r.stdout)")
        #expect(r.stdout.contains("nil\tnil"), "tokens are not returned again")
        let tokens = try String(contentsOfFile: secrets, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(tokens.count == 2)
        let snapshot = try await api.luagate(["--snapshot", "\(dir)/snapshot.json"])
        #expect(snapshot.status == 0, "\(snapshot.stderr)")
        let saved = try await ProcessRunner.luagate(["--sandbox-data", "\(dir)/snapshot.json", "--sandbox-save", "\(dir)/saved.json",
                                                "-e", "accessKeys.create{name = 'in-sandbox'}"])
        #expect(saved.status == 0, "\(saved.stderr)")
        var outputs = [r.stdout, r.stderr, snapshot.stdout, snapshot.stderr, saved.stdout, saved.stderr]
        for file in ["journal.jsonl", "report.json", "snapshot.json", "saved.json"] {
            outputs.append(try String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8))
        }
        for secret in tokens + [inline] {
            for (index, text) in outputs.enumerated() {
                #expect(!text.contains(secret), "output #\(index) shows a secret")
            }
        }
        let snapshotText = outputs[8]
        #expect(snapshotText.contains("\"aiGatewayAccessKeys\"") && snapshotText.contains("team-a"))
        #expect(snapshotText.contains("\"gatewayConfig\""))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/report.json"))) as? [String: Any])
        let byResource = try #require(report["resources"] as? [String: [String: Int]])
        #expect(byResource["accessKeys"] == ["create": 1, "update": 1])
        #expect(byResource["apiKeys"] == ["create": 1])
    }

    /// A plan over access keys and API keys, in a dry run: shown with its resources, nothing sent.
    @Test func dryRunPlanOverAccessKeysAndAPIKeys() async throws {
        let api = try Self.sampleAPI()
        let r = try await api.luagate(["--dry-run", "-e", """
            local rename = require "luagate.rename"
            local records = accessKeys.list()
            for _, k in ipairs(apiKeys.list()) do records[#records + 1] = k end
            local report = rename.apply(records, {pattern = "^", replace = "team-"})
            print("updated", report.would_update)
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("RESOURCE"))
        #expect(r.stdout.contains("accessKeys ") && r.stdout.contains("apiKeys "))
        #expect(r.stdout.contains("\"support-bot\" → \"team-support-bot\""))
        #expect(r.stdout.contains("\"terraform\" → \"team-terraform\""))
        #expect(r.stdout.contains("updated\t10"), "\(r.stdout)")
        #expect(api.server.requestLog.entries().allSatisfy { $0.method == "GET" })
        #expect(r.stderr.contains("would update aigak_"))
    }

    /// SIGTERM midway through a journaled job on access keys, then `--resume`: every key
    /// changed exactly once, and the journal names the resource.
    @Test func journaledAccessKeyJobResumesChangingEachOnce() async throws {
        let api = try APIHarness()
        for i in 1...120 { api.server.account.insert(.accessKeys, fields: ["name": .string("ak-\(i)"), "keyRedacted": "ngak_***0000"]) }
        api.server.faults.latencyMilliseconds = 40
        let journal = BatchJobTests.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let go = BatchJobTests.tempPath("go")
        defer { try? FileManager.default.removeItem(atPath: go) }
        let script = BatchJobTests.countingJob(
            items: "accessKeys.list()", change: #"accessKeys.update(item.id, {description = "owned by " .. item.name})"#,
            gate: (at: 25, until: go))
        let job = try await LiveProcess(ProcessRunner.luagate, ["--base-url", api.server.baseURL, "--journal", journal, "-e", script],
                                  environment: ["AI_GATEWAY_API_KEY": api.token])
        #expect(try await job.waitForLine { $0 == "at the gate" })
        job.signal(SIGTERM)
        let stopped = try await job.finish()
        FileManager.default.createFile(atPath: go, contents: nil)  // the resumed run passes the gate
        #expect(stopped.status == 143, "\(stopped.stderr)")
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        #expect(lines.allSatisfy { $0.contains("\"resource\":\"accessKeys\"") })
        let updatedBefore = api.server.account.mutationCount(.accessKeys, of: .updated)
        #expect(updatedBefore >= 20 && updatedBefore < 120)

        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.status == 0, "\(resumed.stderr.suffix(1000))")
        #expect(resumed.stdout.hasSuffix("finished\n"))
        for record in api.server.account.records(.accessKeys) {
            let id = try #require(record["id"]?.stringValue)
            #expect(record["description"]?.stringValue == "owned by \(record["name"]?.stringValue ?? "")")
            #expect(api.server.account.history(.accessKeys, id: id).filter { $0.kind == .updated }.count == 1, "\(id) changed twice")
        }
    }

    /// Read-only and singleton resources: no functions they do not have, clear errors.
    @Test func missingFunctionsAreClearErrors() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", "-e", """
            print(pcall(function() return gatewayConfig.delete() end))
            print(pcall(function() return usage.create{} end))
            print(type(credits.balance), type(usage.iter), rawget(accessKeys, "rotate"))
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("gatewayConfig has no function 'delete' (it has: get, update)"), "\(r.stdout)")
        #expect(r.stdout.contains("usage has no function 'create' (it has: list, iter, overview, attempts)"))
        #expect(r.stdout.contains("function\tfunction\tnil"))
    }
}

extension ResourceJobTests {
    /// A journal written before journals named their resource reads as provider keys: its
    /// changes are not made again.
    @Test func journalsWithoutResourcesStillResume() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "old")
        let journal = BatchJobTests.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let line = #"{"after":{"id":"\#(key.id)","name":"renamed"},"id":"\#(key.id)","op":"update","status":"ok","target":{"name":"renamed"},"time":"2026-11-01T00:00:00.000Z"}"#
        try (line + "\n").write(toFile: journal, atomically: true, encoding: .utf8)
        let r = try await api.luagate(["--journal", journal, "--resume", "-e", "print(providerKeys.update('\(key.id)', {name = 'renamed'}).id)"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "\(key.id)\n")
        #expect(api.requests("PATCH").isEmpty, "the journal shows it done")
    }

    /// `--sandbox-save` writes the whole account, and `--sandbox-data` reads it back as it was.
    @Test func savedSandboxLoadsBackWhole() async throws {
        let first = BatchJobTests.tempPath("first.json")
        let second = BatchJobTests.tempPath("second.json")
        defer { for f in [first, second] { try? FileManager.default.removeItem(atPath: f) } }
        let made = try await ProcessRunner.luagate(["--sandbox-save", first, "-e", """
            accessKeys.create{name = 'saved'}
            gatewayConfig.update{perRequestTimeout = '12s'}
            """])
        #expect(made.status == 0, "\(made.stderr)")
        let again = try await ProcessRunner.luagate(["--sandbox-data", first, "--sandbox-save", second, "-e", """
            local n = 0 for _ in accessKeys.iter() do n = n + 1 end
            print(n, gatewayConfig.get().perRequestTimeout, #accessKeyConfigurations.list(), #providerKeys.list(),
              credits.balance().balanceCents, #usage.list{startTime = os.time() - 90 * 86400} > 0)
            """])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "7\t12s\t3\t40\t125000\ttrue\n")
        #expect(try String(contentsOfFile: first, encoding: .utf8) == String(contentsOfFile: second, encoding: .utf8))
    }
}

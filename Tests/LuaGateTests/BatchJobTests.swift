import FakeNgrokAI
import Foundation
import Testing

/// Batch jobs: dry runs, change budgets, locks, journals and resume, logs,
/// reports and every documented exit status, against the real binary.
@Suite struct BatchJobTests {
    static func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("luagate-\(UUID().uuidString)-\(name)").path
    }

    static func seeded(_ count: Int, latency: Int = 0) throws -> APIHarness {
        let api = try APIHarness()
        for i in 1...count { api.seed(name: "key-\(i)") }
        api.server.faults.latencyMilliseconds = latency
        return api
    }

    static func mutations(_ api: APIHarness) -> Int {
        api.server.requestLog.entries().filter { $0.method != "GET" }.count
    }

    @Test func dryRunSendsNoMutationAndShowsWhatWouldChange() async throws {
        let api = try Self.seeded(3)
        let first = api.server.account.all(.providerKeys)[0]
        let r = try await api.luagate(["--dry-run", "-e", """
            local k = providerKeys.list()[1]
            local u = providerKeys.update(k.id, {name = "new-name", description = json.null})
            print(u.name, u.id == k.id, u.providerId)
            local c = providerKeys.create{providerId = "openai", name = "made", value = "sk-secret-0123456789"}
            print(c.name, c.id)
            print(providerKeys.delete(k.id))
            print(providerKeys.rotate(k.id, {value = "sk-other-secret-0123", name = "rotated"}).name)
            print(require("luagate.job").dry_run)
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "new-name\ttrue\topenai\nmade\tdry-run-1\ntrue\nrotated\ntrue\n")
        #expect(Self.mutations(api) == 0)
        #expect(r.stderr.contains("would update \(first.id): description null → null, name \"\(first.name)\" → \"new-name\""))
        #expect(r.stderr.contains("would create a key: name \"made\", providerId \"openai\""))
        #expect(r.stderr.contains("would delete \(first.id)"))
        #expect(!r.stderr.contains("sk-secret") && !r.stdout.contains("sk-secret"))
        #expect(api.server.account.get(.providerKeys, id: first.id)?.name == first.name)
    }

    @Test func dryRunFromTheEnvironment() async throws {
        let api = try Self.seeded(1)
        let id = api.server.account.all(.providerKeys)[0].id
        let r = try await api.luagate(["-e", "print(providerKeys.update('\(id)', {name = 'x'}).name)"], environment: ["LUAGATE_DRY_RUN": "1"])
        #expect(r.stdout == "x\n", "\(r.stderr)")
        #expect(Self.mutations(api) == 0)

        // `luagate script.lua args` (which skips the argument parser) honours the variable too.
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("dry-run-\(UUID()).lua")
        try "print(providerKeys.update(arg[1], {name = 'y'}).name)".write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let plain = try await api.luagate([script.path, id], environment: ["LUAGATE_DRY_RUN": "1"])
        #expect(plain.stdout == "y\n", "\(plain.stderr)")
        #expect(Self.mutations(api) == 0)
        let real = try await api.luagate([script.path, id], environment: ["LUAGATE_DRY_RUN": "0"])
        #expect(real.stdout == "y\n", "\(real.stderr)")
        #expect(Self.mutations(api) == 1)
    }

    @Test func maxChangesRefusesAWholePlanBeforeSendingAnything() async throws {
        let api = try Self.seeded(50)
        let r = try await api.luagate(["--max-changes", "10", "-e", """
            local keys = providerKeys.list()
            require("luagate.job").reserve(#keys)
            task.map(keys, function(k) return providerKeys.update(k.id, {name = k.name .. "!"}) end)
            """])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("--max-changes 10: refusing to make 50 changes in this run"))
        #expect(Self.mutations(api) == 0)
    }

    static let renamePlan = """
        local rename = require "luagate.rename"
        local report = rename.plan(providerKeys.list(), {pattern = "^key%-", replace = "team-"}):apply()
        print("updated", report.updated)
        """

    @Test func maxChangesStopsA50KeyPlanBeforeSendingAnything() async throws {
        let api = try Self.seeded(50)
        let r = try await api.luagate(["--max-changes", "10", "-e", Self.renamePlan])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("--max-changes 10: refusing to make 50 changes"))
        #expect(api.requests("PATCH").isEmpty)
    }

    @Test func dryRunOfAPlanPrintsThePlanAndWhatWouldHappen() async throws {
        let api = try Self.seeded(5)
        let r = try await api.luagate(["--dry-run", "-e", Self.renamePlan])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("key-3"))
        #expect(r.stdout.contains("team-3"))
        #expect(r.stdout.contains("dry run, nothing sent: would update 5, 0 unchanged, 0 failed, 0 skipped"))
        #expect(r.stdout.hasSuffix("updated\t0\n"))  // nothing was: report.would_update = 5
        #expect(Self.mutations(api) == 0)
    }

    @Test func maxChangesStopsAtTheLimitEvenWhenCaught() async throws {
        let api = try Self.seeded(20)
        let r = try await api.luagate(["-e", """
            local sent = 0
            for _, k in ipairs(providerKeys.list()) do
              local ok, e = pcall(providerKeys.update, k.id, {name = "x"})
              if ok then sent = sent + 1 elseif e.code == "max_changes" then print("refused", e.operation) break end
            end
            print(sent)
            """], environment: ["LUAGATE_MAX_CHANGES": "10"])
        #expect(r.stdout == "refused\tproviderKeys.update\n10\n", "\(r.stderr)")
        #expect(r.status == 3)
        #expect(Self.mutations(api) == 10)
    }

    @Test func aSecondRunWithTheSameLockExitsFour() async throws {
        let lock = Self.tempPath("lock")
        defer { try? FileManager.default.removeItem(atPath: lock) }
        let first = try await LiveProcess(ProcessRunner.luagate, ["--lock", lock, "-e", "print('holding') io.stdout:flush() task.sleep(3600)"])
        defer { first.signal(SIGKILL) }
        #expect(try await first.waitForLine { $0 == "holding" })
        let second = try await ProcessRunner.luagate(["--lock", lock, "-e", "print('should not run')"])
        #expect(second.status == 4)
        #expect(second.stdout.isEmpty)
        #expect(second.stderr.contains("another run holds the lock \(lock)"))
        let waited = try await ProcessRunner.luagate(["--lock", lock, "--lock-wait", "200ms", "-e", "print('no')"])
        #expect(waited.status == 4)
        first.signal(SIGKILL)
        _ = try await first.finish()
        let third = try await ProcessRunner.luagate(["--lock", lock, "-e", "print('free again')"])
        #expect(third.stdout == "free again\n")
    }

    /// A job that makes `change` (a Lua expression of `item`) for each of
    /// `items` at concurrency 4, printing `done N` after each and `finished`
    /// at the end, for tests that stop it midway.
    ///
    /// With `gate`, the job stops before its `at`th change, prints `at the gate` and waits
    /// (its Lua thread busy, so no task moves on; at most 30 s) until the file `until` exists:
    /// the test signals it or changes the server meanwhile, however busy the machine is.
    static func countingJob(items: String, change: String, gate: (at: Int, until: String)? = nil) -> String {
        """
        local done, started = 0, 0
        task.map(\(items), function(item)
          started = started + 1
          if started == \(gate?.at ?? 0) then
            print("at the gate") io.stdout:flush()
            for _ = 1, 3000 do
              local f = io.open("\(gate?.until ?? "")") if f then f:close() break end
              os.execute("sleep 0.01")
            end
          end
          local r = \(change)
          done = done + 1
          print("done", done)
          io.stdout:flush()
          return r
        end, {concurrency = 4})
        print("finished")
        """
    }

    /// SIGTERM mid-run: in-flight requests finish, the journal's `ok` lines are
    /// exactly the keys the server changed, and `--resume` does the rest once.
    @Test func terminatedJobJournalsExactlyWhatChangedAndResumes() async throws {
        let api = try Self.seeded(200, latency: 40)
        let journal = Self.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let go = Self.tempPath("go")
        defer { try? FileManager.default.removeItem(atPath: go) }
        let script = Self.countingJob(
            items: "providerKeys.list()", change: #"providerKeys.update(item.id, {name = "renamed-" .. item.id})"#,
            gate: (at: 25, until: go))
        let job = try await LiveProcess(ProcessRunner.luagate, [
            "--base-url", api.server.baseURL, "--journal", journal, "-e", script,
        ], environment: ["AI_GATEWAY_API_KEY": api.token])
        #expect(try await job.waitForLine { $0 == "at the gate" })
        job.signal(SIGTERM)
        let stopped = try await job.finish()
        FileManager.default.createFile(atPath: go, contents: nil)  // the resumed run passes the gate
        #expect(stopped.status == 143, "\(stopped.stderr)")
        #expect(!stopped.stdout.contains("finished"))

        let entries = try journalEntries(journal)
        let ok = Set(entries.filter { $0["status"] as? String == "ok" }.compactMap { $0["id"] as? String })
        let changed = Set(api.server.account.all(.providerKeys).filter { api.server.account.changeCount(.providerKeys, id: $0.id) > 0 }.map(\.id))
        #expect(ok == changed)
        #expect(ok.count >= 20 && ok.count < 200)
        #expect(api.server.account.all(.providerKeys).allSatisfy { api.server.account.changeCount(.providerKeys, id: $0.id) <= 1 })
        let started = entries.filter { $0["status"] as? String == "started" }.count
        #expect(started == ok.count + entries.filter { $0["status"] as? String == "failed" }.count)

        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.status == 0, "\(resumed.stderr.suffix(1000))")
        #expect(resumed.stdout.hasSuffix("finished\n"))
        for key in api.server.account.all(.providerKeys) {
            #expect(key.name == "renamed-\(key.id)")
            #expect(api.server.account.changeCount(.providerKeys, id: key.id) == 1, "\(key.id) updated twice")
        }
    }

    /// `--resume` skips the creates the journal shows made (their `ok` line
    /// holds the new id, not the call's), counting alike creates one by one.
    @Test func resumeSkipsCreatesAlreadyMade() async throws {
        let api = try APIHarness()
        let journal = Self.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        func creates(_ names: [String]) -> String {
            names.map {
                "print(providerKeys.create{providerId = 'openai', name = '\($0)', value = 'sk-secret-0123456789'}.id)"
            }.joined(separator: "\n")
        }
        let first = try await api.luagate(["--journal", journal, "-e", creates(["a", "b"])])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(api.server.account.count(.providerKeys) == 2)

        // The same creates and one more alike: only the third is sent.
        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", creates(["a", "b", "b"])])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(api.server.account.count(.providerKeys) == 3)
        let ids = resumed.stdout.split(separator: "\n").map(String.init)
        #expect(Array(ids.prefix(2)) == first.stdout.split(separator: "\n").map(String.init))
        #expect(Set(ids).count == 3)
        #expect(api.requests("POST").count == 3)

        // Everything is journaled now: a third run sends nothing.
        let again = try await api.luagate(["--journal", journal, "--resume", "-e", creates(["a", "b", "b"])])
        #expect(again.stdout == resumed.stdout, "\(again.stderr)")
        #expect(api.requests("POST").count == 3)
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(!text.contains("sk-secret-0123456789"))  // only the API's redacted form
    }

    /// SIGKILL mid-run of a job that creates keys, while four creates have
    /// been made but not answered: `--resume` finds those four instead of
    /// making them again, and ends with every key created exactly once.
    @Test func killedCreateJobResumesWithoutDuplicates() async throws {
        let api = try APIHarness()
        let journal = Self.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let go = Self.tempPath("go")
        defer { try? FileManager.default.removeItem(atPath: go) }
        let script = Self.countingJob(
            items: #"(function() local t = {} for i = 1, 60 do t[i] = "new-" .. i end return t end)()"#,
            change: #"providerKeys.create{providerId = "openai", name = item, value = "sk-secret-0123456789"}"#,
            gate: (at: 11, until: go))
        let job = try await LiveProcess(ProcessRunner.luagate, ["--journal", journal, "-e", script],
                                  environment: ["AI_GATEWAY_API_URL": api.server.baseURL, "AI_GATEWAY_API_KEY": api.token])
        #expect(try await job.waitForLine { $0 == "at the gate" })
        // The next four creates are made and left unanswered, filling all four slots.
        let faults = api.server.faults
        faults.enqueue(.respondLate(milliseconds: 60_000), count: 4, method: "POST")
        FileManager.default.createFile(atPath: go, contents: nil)
        let deadline = ContinuousClock.now + .seconds(30)
        while faults.injectedCount(of: .respondLate) < 4, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(faults.injectedCount(of: .respondLate) == 4)
        job.signal(SIGKILL)
        _ = try await job.finish()
        let made = api.server.account.count(.providerKeys)
        #expect(made >= 14 && made < 60)

        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.status == 0, "\(resumed.stderr.suffix(1000))")
        #expect(resumed.stdout.hasSuffix("finished\n"))
        let names = api.server.account.all(.providerKeys).compactMap(\.name).sorted()
        #expect(names == (1...60).map { "new-\($0)" }.sorted())
        #expect(api.requests("POST").count == 60)
    }

    /// A journal whose last lines are `started` with no outcome: the run was
    /// killed (SIGKILL, power loss) while those requests were in flight.
    private static func interruptedJournal(_ lines: [String]) throws -> String {
        let path = tempPath("journal.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `--resume` after a kill: a create in doubt whose key exists is not made
    /// again; one whose key does not exist (or only an older namesake) is sent.
    @Test(arguments: [(made: true, startedAgo: 1.0), (made: false, startedAgo: 1.0), (made: true, startedAgo: -3600.0)])
    func resumeSettlesACreateInDoubt(made: Bool, startedAgo: Double) async throws {
        let api = try APIHarness()
        api.seed(name: "other")
        let existing = made ? api.seed(name: "made", description: "d") : nil
        let started = Self.timestamp(Date.now.addingTimeInterval(-startedAgo))
        let journal = try Self.interruptedJournal([
            #"{"op":"create","status":"started","target":{"description":"d","name":"made","providerId":"openai"},"time":"\#(started)"}"#,
        ])
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let script = "print(providerKeys.create{providerId = 'openai', name = 'made', description = 'd', value = 'sk-secret-0123456789'}.id)"
        let r = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(r.status == 0, "\(r.stderr)")
        let sendsAgain = existing == nil || startedAgo < 0  // an hour "before" the key: too old to be its
        #expect(api.requests("POST").count == (sendsAgain ? 1 : 0))
        if !sendsAgain { #expect(r.stdout == existing!.id + "\n") }
        #expect(api.server.account.count(.providerKeys) == (made ? 2 : 1) + (sendsAgain ? 1 : 0))
        let last = try #require(try journalEntries(journal).last)
        #expect(last["status"] as? String == "ok")
        #expect(last["id"] as? String == r.stdout.trimmingCharacters(in: .newlines))

        // Settled: another resume sends nothing.
        let again = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(again.stdout == r.stdout, "\(again.stderr)")
        #expect(api.requests("POST").count == (sendsAgain ? 1 : 0))
    }

    /// A torn last line (killed mid-write) is ignored; a bad line before the
    /// end refuses the run, since skipping it could repeat a change.
    @Test func resumeReadsATornJournalButRefusesACorruptOne() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "k")
        let ok = #"{"after":{"id":"\#(key.id)","name":"x"},"id":"\#(key.id)","op":"update","status":"ok","target":{"name":"x"},"time":"\#(Self.timestamp(.now))"}"#
        let script = "print(providerKeys.update('\(key.id)', {name = 'x'}).name)"

        let torn = try Self.interruptedJournal([ok])
        defer { try? FileManager.default.removeItem(atPath: torn) }
        let handle = try #require(FileHandle(forWritingAtPath: torn))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"id":"aigpk_1","op":"upd"#.utf8))
        try handle.close()
        let resumed = try await api.luagate(["--journal", torn, "--resume", "-e", script])
        #expect(resumed.stdout == "x\n", "\(resumed.stderr)")
        #expect(Self.mutations(api) == 0)

        let corrupt = try Self.interruptedJournal(["not json", ok])
        defer { try? FileManager.default.removeItem(atPath: corrupt) }
        let refused = try await api.luagate(["--journal", corrupt, "--resume", "-e", script])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("line 1: not a journal entry"), "\(refused.stderr)")
        #expect(Self.mutations(api) == 0)
    }

    /// A delete in doubt whose key is gone counts as done; without the journal
    /// line the same delete is a 404.
    @Test func resumeSettlesADeleteInDoubt() async throws {
        let api = try APIHarness()
        let script = "print(providerKeys.delete('aigpk_gone'))"
        let journal = try Self.interruptedJournal([
            #"{"id":"aigpk_gone","op":"delete","status":"started","target":{},"time":"\#(Self.timestamp(.now))"}"#,
        ])
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let r = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(r.stdout == "true\n", "\(r.stderr)")
        #expect(r.status == 0)
        #expect(try journalEntries(journal).last?["status"] as? String == "ok")

        let fresh = Self.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: fresh) }
        let missing = try await api.luagate(["--journal", fresh, "--resume", "-e", script])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("404"))
    }

    @Test func journalLinesHaveTheDocumentedFields() async throws {
        let api = try Self.seeded(2)
        let journal = Self.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let id = api.server.account.all(.providerKeys)[0].id
        let r = try await api.luagate(["--journal", journal, "-e", """
            providerKeys.update('\(id)', {name = 'journaled'})
            pcall(providerKeys.delete, 'missing-id')
            providerKeys.create{providerId = 'openai', name = 'n', value = 'sk-never-in-journal-123'}
            """])
        #expect(r.status == 5, "\(r.stderr)")
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(!text.contains("sk-never-in-journal"))
        let entries = try journalEntries(journal)
        #expect(entries.map { "\($0["op"]!) \($0["status"]!)" } == [
            "update started", "update ok", "delete started", "delete failed", "create started", "create ok",
        ])
        let update = entries[1]
        #expect((update["before"] as? [String: Any])?["name"] as? String == "key-1" || (update["before"] as? [String: Any])?["name"] as? String == "key-2")
        #expect((update["after"] as? [String: Any])?["name"] as? String == "journaled")
        #expect(update["time"] is String)
        #expect((entries[3]["error"] as? String)?.contains("404") == true)
    }

    @Test func jsonLogsParseLineByLineWithoutTheToken() async throws {
        let api = try Self.seeded(3)
        let r = try await api.luagate(["--log-format", "json", "--log-level", "debug", "--dry-run", "-e", """
            for _, k in ipairs(providerKeys.list()) do providerKeys.update(k.id, {name = "x"}) end
            """])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count >= 4)
        var requests = 0
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(object["timestamp"] is String && object["level"] is String && object["message"] is String)
            if object["method"] != nil {
                requests += 1
                #expect(object["path"] is String && object["status"] != nil && object["duration_ms"] != nil && object["attempt"] != nil)
            }
        }
        #expect(requests == 4)
        #expect(!r.stderr.contains(api.token))
    }

    @Test func reportSummarizesTheRun() async throws {
        let api = try Self.seeded(3)
        let report = Self.tempPath("report.json")
        defer { try? FileManager.default.removeItem(atPath: report) }
        let r = try await api.luagate(["--report", report, "-e", """
            local keys = providerKeys.list()
            providerKeys.update(keys[1].id, {name = "a"})
            providerKeys.update(keys[2].id, {name = "b"})
            print(pcall(providerKeys.update, "missing", {name = "c"}))
            """])
        #expect(r.status == 5)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        #expect(object["dryRun"] as? Bool == false)
        #expect(object["reads"] as? Int == 1)
        #expect((object["mutations"] as? [String: Int])?["update"] == 2)
        let failed = try #require(object["failed"] as? [[String: Any]])
        #expect(failed.count == 1 && failed[0]["op"] as? String == "update" && failed[0]["id"] as? String == "missing")
        #expect(object["exitStatus"] as? Int == 5)
        #expect(object["started"] is String && object["finished"] is String)
        #expect(r.stderr.contains("report: 1 reads, 2 changes (update 2), 1 failed, exit 5"))
    }

    struct ExitCase: Sendable, CustomTestStringConvertible {
        var status: Int32
        var arguments: [String]
        var testDescription: String { "exit \(status)" }
    }

    @Test(arguments: [
        ExitCase(status: 0, arguments: ["-e", "print(1)"]),
        ExitCase(status: 1, arguments: ["-e", "error('x')"]),
        ExitCase(status: 2, arguments: ["--max-changes", "many", "-e", "print(1)"]),
        ExitCase(status: 2, arguments: ["--resume", "-e", "print(1)"]),
        ExitCase(status: 124, arguments: ["--timeout", "300ms", "-e", "task.sleep(20)"]),
        ExitCase(status: 124, arguments: ["--timeout", "300ms", "-e", "while true do end"]),
    ])
    func exitStatus(_ c: ExitCase) async throws {
        let r = try await ProcessRunner.luagate(c.arguments)
        #expect(r.status == c.status, "\(r.stderr)")
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func signalsExitWithTheirStatus(_ signal: Int32, _ status: Int32) async throws {
        let p = try await LiveProcess(ProcessRunner.luagate, ["-e", "print('ready') io.stdout:flush() task.sleep(3600)"])
        #expect(try await p.waitForLine { $0 == "ready" })
        p.signal(signal)
        let r = try await p.finish()
        #expect(r.status == status, "\(r.stderr)")
    }

    private func journalEntries(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }
}

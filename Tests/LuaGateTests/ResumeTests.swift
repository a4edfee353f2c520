import FakeNgrokAI
import Foundation
import Testing

/// `--journal` and `--resume` against the real binary: changes whose outcome is unknown
/// are settled instead of repeated, matching follows the journal's order and tells secret
/// values apart, and a change that cannot be journaled is not sent.
@Suite struct ResumeTests {
    static let create = "print(providerKeys.create{providerId = 'openai', name = 'made', value = 'sk-secret-0123456789'}.id)"

    /// The journal's lines, parsed.
    static func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
        }
    }

    static func statuses(_ path: String) throws -> [String] {
        try lines(path).map { "\($0["op"] ?? "?") \($0["status"] ?? "?")" }
    }

    /// The server makes the key and cuts the connection before its 201: the create's outcome
    /// is unknown, and `--resume` finds the key it made instead of creating another.
    @Test func aCreateWhoseAnswerWasCutOffIsNotMadeTwice() async throws {
        let api = try APIHarness()
        let journal = BatchJobTests.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "POST")
        let first = try await api.luagate(["--journal", journal, "-e", Self.create])
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stderr.contains("the outcome is unknown"), "\(first.stderr)")
        #expect(api.server.account.count(.providerKeys) == 1, "the server made the key")
        #expect(try Self.statuses(journal) == ["create started", "create unknown"])

        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", Self.create])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let made = try #require(api.server.account.all(.providerKeys).first)
        #expect(resumed.stdout == made.id + "\n")
        #expect(api.server.account.count(.providerKeys) == 1, "created twice")
        #expect(api.requests("POST").count == 1)
        #expect(try Self.lines(journal).last?["status"] as? String == "ok")
        #expect(try Self.lines(journal).last?["id"] as? String == made.id)

        // Settled: a third run sends nothing either.
        let again = try await api.luagate(["--journal", journal, "--resume", "-e", Self.create])
        #expect(again.stdout == resumed.stdout, "\(again.stderr)")
        #expect(api.requests("POST").count == 1)
    }

    /// A rotation whose answer was cut off is journaled `unknown` too; its value cannot be
    /// read back, so `--resume` sends it again (the key ends with the value asked for).
    @Test func aRotationWhoseAnswerWasCutOffIsUnknownAndSentAgain() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "k", value: "sk-old-value-000000001")
        let journal = BatchJobTests.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let script = "print(providerKeys.rotate('\(key.id)', {value = 'sk-new-value-000000002', name = 'k2'}).name)"
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "POST")
        let first = try await api.luagate(["--journal", journal, "-e", script])
        #expect(first.status == 1, "\(first.stderr)")
        #expect(try Self.statuses(journal) == ["rotate started", "rotate unknown"])
        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.stdout == "k2\n", "\(resumed.stderr)")
        #expect(api.requests("POST").count == 2)
        #expect(api.server.account.secret(.providerKeys, id: key.id, field: "value") == "sk-new-value-000000002")
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(!text.contains("sk-new-value") && !text.contains("sk-old-value"))
    }

    /// An update whose every attempt lost its answer: `unknown`; on resume the record
    /// already holds the change, so nothing is sent again.
    @Test func anUpdateInDoubtIsSettledByComparing() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "before")
        let journal = BatchJobTests.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let script = "print(providerKeys.update('\(key.id)', {name = 'after'}).name)"
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "PATCH")
        let first = try await api.luagate(["--retries", "0", "--journal", journal, "-e", script])
        #expect(first.status == 1, "\(first.stderr)")
        #expect(try Self.statuses(journal) == ["update started", "update unknown"])
        #expect(api.server.account.changeCount(.providerKeys, id: key.id) == 1)

        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.stdout == "after\n", "\(resumed.stderr)")
        #expect(resumed.status == 0)
        #expect(api.requests("PATCH").count == 1, "sent again though the record holds the change")
        #expect(api.server.account.changeCount(.providerKeys, id: key.id) == 1)
    }

    /// A delete whose every attempt lost its answer: `unknown`; on resume the key is gone,
    /// so the delete is done (the 404 of sending it again is not a failure).
    @Test func aDeleteInDoubtIsDoneWhenTheRecordIsGone() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "doomed")
        let journal = BatchJobTests.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let script = "print(providerKeys.delete('\(key.id)'))"
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "DELETE")
        let first = try await api.luagate(["--retries", "0", "--journal", journal, "-e", script])
        #expect(first.status == 1, "\(first.stderr)")
        #expect(try Self.statuses(journal) == ["delete started", "delete unknown"])
        #expect(api.server.account.get(.providerKeys, id: key.id) == nil)

        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.stdout == "true\n", "\(resumed.stderr)")
        #expect(resumed.status == 0)
        #expect(try Self.lines(journal).last?["status"] as? String == "ok")
    }

    /// SIGTERM while a change is in flight and unanswered for longer than the stop's grace:
    /// the request is cancelled and journaled `unknown`; `--resume` settles it.
    @Test func aChangeCancelledAtTheStopIsUnknownAndSettled() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "before")
        let journal = BatchJobTests.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let script = "print('go') io.stdout:flush() print(providerKeys.update('\(key.id)', {name = 'after'}).name)"
        api.server.faults.enqueue(.respondLate(milliseconds: 60_000), method: "PATCH")
        let job = try await LiveProcess(ProcessRunner.luagate, ["--journal", journal, "-e", script],
                                        environment: ["AI_GATEWAY_API_URL": api.server.baseURL, "AI_GATEWAY_API_KEY": api.token])
        #expect(try await job.waitForLine { $0 == "go" })
        let deadline = ContinuousClock.now + .seconds(30)
        while api.server.faults.injectedCount(of: .respondLate) < 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        job.signal(SIGTERM)
        let stopped = try await job.finish()
        #expect(stopped.status == 143, "\(stopped.stderr)")
        #expect(try Self.statuses(journal) == ["update started", "update unknown"])

        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", script])
        #expect(resumed.stdout == "go\nafter\n", "\(resumed.stderr)")
        #expect(api.requests("PATCH").count == 1)
    }

    /// Two rotations of one key with different values are two changes: the journal's one
    /// matches only the first (by a salted digest of the value, never the value).
    @Test func rotationsWithDifferentValuesAreToldApart() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "k", value: "sk-initial-value-00000")
        let journal = BatchJobTests.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        func rotate(_ value: String) -> String { "providerKeys.rotate('\(key.id)', {value = '\(value)', name = 'k'})\n" }
        let first = try await api.luagate(["--journal", journal, "-e", rotate("sk-first-value-000001")])
        #expect(first.status == 0, "\(first.stderr)")
        let resumed = try await api.luagate([
            "--journal", journal, "--resume", "-e", rotate("sk-first-value-000001") + rotate("sk-second-value-00002"),
        ])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(api.requests("POST").count == 2)
        #expect(api.server.account.secret(.providerKeys, id: key.id, field: "value") == "sk-second-value-00002")
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(!text.contains("sk-first-value") && !text.contains("sk-second-value"))
    }

    /// Updates A → B → A: a journal showing A and B done matches the first two calls only,
    /// so the last A is sent and the key ends as the script left it.
    @Test func repeatedUpdatesMatchInOrder() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "start")
        let journal = BatchJobTests.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        func update(_ name: String) -> String { "providerKeys.update('\(key.id)', {name = '\(name)'})\n" }
        let first = try await api.luagate(["--journal", journal, "-e", update("a") + update("b")])
        #expect(first.status == 0, "\(first.stderr)")
        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", update("a") + update("b") + update("a")])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(api.server.account.get(.providerKeys, id: key.id)?.name == "a")
        #expect(api.requests("PATCH").count == 3)

        // A change out of the journal's order is sent, and so is everything after it.
        let reordered = try await api.luagate(["--journal", journal, "--resume", "-e", update("b") + update("a")])
        #expect(reordered.status == 0, "\(reordered.stderr)")
        #expect(api.server.account.get(.providerKeys, id: key.id)?.name == "a")
    }

    /// A journal that cannot be written (`/dev/full`): the change is not sent, the call
    /// fails with an error that says why, and the run exits 5.
    @Test func aChangeThatCannotBeJournaledIsNotSent() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "k")
        let r = try await api.luagate(["--journal", "/dev/full", "-e", """
            local ok, e = pcall(providerKeys.update, '\(key.id)', {name = 'changed'})
            print(ok, e.code, e.message)
            ok, e = pcall(providerKeys.delete, '\(key.id)')
            print(ok, e.code)
            """])
        #expect(r.status == 5, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("false\tjournal\tcannot write the journal /dev/full: No space left on device; the change was not sent\n"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("false\tjournal\n"))
        #expect(api.requests("PATCH").isEmpty && api.requests("DELETE").isEmpty)
        #expect(api.server.account.get(.providerKeys, id: key.id)?.name == "k")
    }

    /// A journal whose last line was cut off (the run was killed mid-write): the next run
    /// starts a clean line, so a later `--resume` reads every entry.
    @Test func aTornLastLineIsRepairedBeforeAppending() async throws {
        let api = try APIHarness()
        let one = api.seed(name: "one")
        let two = api.seed(name: "two")
        let journal = BatchJobTests.tempPath("journal.jsonl")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        func update(_ id: String) -> String { "providerKeys.update('\(id)', {name = 'renamed'})\n" }
        let first = try await api.luagate(["--journal", journal, "-e", update(one.id)])
        #expect(first.status == 0, "\(first.stderr)")
        let handle = try #require(FileHandle(forWritingAtPath: journal))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"id":"\#(two.id)","op":"upd"#.utf8))
        try handle.close()

        let second = try await api.luagate(["--journal", journal, "-e", update(two.id)])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Self.statuses(journal) == ["update started", "update ok", "update started", "update ok"])

        let resumed = try await api.luagate(["--journal", journal, "--resume", "-e", update(one.id) + update(two.id)])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(api.requests("PATCH").count == 2)
    }
}

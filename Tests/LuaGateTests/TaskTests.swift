import FakeNgrokAI
import Foundation
import Testing

/// `task`: the scheduler, overlap of API calls, and correctness under injected faults.
@Suite struct TaskTests {
    @Test func semantics() async throws {
        let r = try await ProcessRunner.luagate([ProcessRunner.scripts + "/tasks/semantics.lua"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 15)
        for line in lines { #expect(line.hasSuffix("\tok"), "\(line)") }
    }

    /// `--concurrency` is task.map's default: 3 items at 3 at a time all run at once.
    @Test func concurrencyOptionIsTheMapDefault() async throws {
        let r = try await ProcessRunner.luagate(["--concurrency", "3", "-e", """
            local running, most = 0, 0
            task.map({1, 2, 3, 4, 5, 6}, function()
              running = running + 1
              most = math.max(most, running)
              task.sleep(0.01)
              running = running - 1
            end)
            print(task.concurrency, most)
            """])
        #expect(r.stdout == "3\t3\n", "\(r.stderr)")
        let zero = try await ProcessRunner.luagate(["--concurrency", "0", "-e", "print(1)"])
        #expect(zero.status == 2)
    }

    @Test func unawaitedFailureIsReportedAndFailsTheRun() async throws {
        let r = try await ProcessRunner.luagate(["-e", "task.spawn(function() error('background boom') end) print('main done')"])
        #expect(r.stdout == "main done\n")
        #expect(r.status == 1)
        #expect(r.stderr.contains("task 1 failed and was never awaited: (command line):1: background boom"))
    }

    @Test func pendingTasksFinishBeforeExit() async throws {
        let r = try await ProcessRunner.luagate(["-e", "task.spawn(function() task.sleep(0.01) print('late') end) print('early')"])
        #expect(r.stdout == "early\nlate\n")
        #expect(r.status == 0)
    }

    @Test func deadlockIsAnError() async throws {
        let r = try await ProcessRunner.luagate(["-e", """
            local a, b
            a = task.spawn(function() task.sleep(0) return b:await() end)
            b = task.spawn(function() task.sleep(0) return a:await() end)
            print(pcall(a.await, a))
            """])
        #expect(r.stdout.hasPrefix("false\t"), "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("deadlock"))
    }

    /// 50 updates with 100 ms server latency at concurrency 10 overlap: well
    /// under the 5 s they take one after another.
    @Test func apiCallsOverlapInsideTasks() async throws {
        let api = try APIHarness()
        for i in 1...50 { api.seed(name: "k\(i)") }
        api.server.faults.latencyMilliseconds = 100
        let script = """
            local keys = providerKeys.list()
            providerKeys.get(keys[1].id) -- warm the connection pool's first connection
            local started = os.time()
            local names = task.map(keys, function(k, i) return providerKeys.update(k.id, {name = "renamed-" .. i}).name end,
                                   {concurrency = 10})
            print(#names, names[1], names[50])
            """
        let r = try await api.luagate(["-e", script])
        #expect(r.stdout == "50\trenamed-1\trenamed-50\n", "\(r.stderr)")
        let patches = api.requests("PATCH")
        #expect(patches.count == 50)
        // One after another, each update is answered 100 ms after the previous one at the
        // earliest; ten at a time, most are answered together. Counted on the server's clock,
        // so a busy machine slows the run without failing the test.
        let answered = patches.map(\.receivedAt).sorted()
        let together = zip(answered, answered.dropFirst()).filter { $1.timeIntervalSince($0) < 0.05 }.count
        #expect(together >= 20, "only \(together) of 49 updates answered within 50 ms of the previous one")
    }

    @Test func maxInFlightCapsConcurrentRequests() async throws {
        let api = try APIHarness()
        for i in 1...12 { api.seed(name: "k\(i)") }
        api.server.faults.latencyMilliseconds = 100
        let r = try await api.luagate(["--max-in-flight", "2", "-e", """
            local keys = providerKeys.list()
            task.map(keys, function(k) return providerKeys.get(k.id) end, {concurrency = 12})
            print("done")
            """])
        #expect(r.stdout == "done\n", "\(r.stderr)")
        // 12 gets, 2 at a time, 100 ms each: at least 6 rounds.
        #expect(r.seconds >= 0.6, "took \(r.seconds) s")
    }

    /// A 500-key bulk update under 10% 503s, 5% resets and bursts of 429 ends
    /// with every key updated exactly once, and the retries visible.
    @Test func bulkUpdateIsCorrectUnderFaults() async throws {
        let api = try APIHarness(FakeNgrokAIConfiguration(token: "fault-token", seed: 7))
        for i in 1...500 { api.seed(name: "key-\(i)") }
        let faults = api.server.faults
        faults.serviceUnavailableFraction = 0.10
        faults.resetMidResponseFraction = 0.05
        faults.enqueue(.rateLimited(retryAfter: "1"), count: 20, method: "PATCH")
        let r = try await api.luagate(["--verbose", "--retries", "8", "-e", """
            local keys = providerKeys.list()
            faults_ready = true
            local results, errors = task.map(keys, function(k) return providerKeys.update(k.id, {name = k.name .. "-v2"}).name end,
                                             {concurrency = 16, errors = "collect"})
            local failed = 0
            for i in pairs(errors) do failed = failed + 1 end
            print(#keys, failed)
            """])
        #expect(r.stdout == "500\t0\n", "\(r.stderr.suffix(2000))")
        for key in api.server.account.all(.providerKeys) {
            #expect(key.name.hasSuffix("-v2"))
            #expect(api.server.account.changeCount(.providerKeys, id: key.id) == 1, "\(key.id)")
        }
        #expect(faults.injectedCount(of: .rateLimited) == 20)
        #expect(faults.injectedCount(of: .serviceUnavailable) > 0)
        #expect(faults.injectedCount(of: .resetMidResponse) > 0)
        let retries = r.stderr.split(separator: "\n").filter { $0.contains("retry") || $0.contains("Retry") }
        #expect(retries.count >= faults.totalInjectedCount - faults.injectedCount(of: .delay))
        #expect(!r.stderr.contains("fault-token"))
    }

    @Test func requestTimeoutGivesTimeoutErrors() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "slow")
        api.server.faults.enqueue(.delay(milliseconds: 30_000), count: 10)
        let r = try await api.luagate(["--request-timeout", "0.3", "--retries", "0", "-e",
                                 "local ok, e = pcall(providerKeys.get, '\(key.id)') print(ok, e.code, e.status)"])
        #expect(r.stdout == "false\ttimeout\tnil\n", "\(r.stderr)")
        // Far below the 30 s the server would take, with room for a loaded machine.
        #expect(r.seconds < 10, "took \(r.seconds) s")
    }

    @Test func postWhoseResponseWasLostIsNotRepeated() async throws {
        let api = try APIHarness()
        api.server.faults.enqueue(.dropResponseAfterApplying, count: 1, method: "POST")
        let r = try await api.luagate(["-e", """
            local ok, e = pcall(providerKeys.create, {providerId = 'openai', name = 'once', value = 'sk-secret-value-123456'})
            print(ok, e.code)
            """])
        #expect(r.stdout == "false\tnetwork\n", "\(r.stderr)")
        #expect(api.server.account.count(.providerKeys) == 1)
        #expect(api.requests("POST").count == 1)
    }

    @Test func retriedGetAfterServiceUnavailable() async throws {
        let api = try APIHarness()
        let key = api.seed(name: "flaky")
        api.server.faults.enqueue(.serviceUnavailable, count: 2, method: "GET")
        let r = try await api.luagate(["-e", "print(providerKeys.get('\(key.id)').name)"])
        #expect(r.stdout == "flaky\n", "\(r.stderr)")
        #expect(api.requests("GET").count == 3)
    }
}

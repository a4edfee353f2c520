import Foundation
import Testing

/// Stops (SIGINT, SIGTERM, `--timeout`) reach the coroutine that is running, tasks
/// included, at every stage of a run; and tasks keep their state out of scripts' reach.
@Suite struct StopTests {
    /// The process's own pid, for a script that signals itself.
    static let pid = "local pid = io.open('/proc/self/stat'):read('n')"

    /// A task in a loop that makes no call stops at --timeout (it ran forever before:
    /// the hook was set on the main coroutine only).
    @Test func timeoutStopsATaskInALoop() async throws {
        let r = try await ProcessRunner.run("/usr/bin/timeout", [
            "-s", "KILL", "60", ProcessRunner.luagate, "--timeout", "1s",
            "-e", "task.spawn(function() while true do end end)",
        ])
        #expect(r.status == 124, "\(r.stderr)")
        #expect(r.stderr.contains("timed out (--timeout)"))
    }

    /// SIGTERM sent by the task itself just before it loops.
    @Test func sigtermStopsATaskInALoop() async throws {
        let r = try await ProcessRunner.run("/usr/bin/timeout", [
            "-s", "KILL", "60", ProcessRunner.luagate,
            "-e", "\(Self.pid) task.spawn(function() os.execute('kill -TERM ' .. pid) while true do end end)",
        ])
        #expect(r.status == 143, "\(r.stderr)")
        #expect(r.stderr.contains("terminated"))
    }

    /// A task spawned after the stop (the script caught the stop's error and went on)
    /// is stopped before its first instruction.
    @Test func aTaskSpawnedAfterTheStopStopsAtOnce() async throws {
        let r = try await ProcessRunner.run("/usr/bin/timeout", [
            "-s", "KILL", "60", ProcessRunner.luagate, "-e", """
            \(Self.pid)
            print(pcall(function() os.execute('kill -TERM ' .. pid) while true do end end))
            task.spawn(function() while true do end end)
            print('not reached')
            """,
        ])
        #expect(r.status == 143, "\(r.stderr)")
        #expect(r.stdout == "false\t(command line):2: terminated\n")
    }

    /// SIGINT while tasks finish after the main chunk: exit 130 with the report
    /// written, not death by the signal.
    @Test func sigintAfterTheMainChunkExits130WithAReport() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("report.json").path
        let p = try await LiveProcess(ProcessRunner.luagate, [
            "--report", report, "-e",
            // The task prints after its first wait, which ends only once the main chunk has returned.
            "task.spawn(function() task.sleep(0) print('tasks only') io.stdout:flush() task.sleep(3600) end)",
        ])
        #expect(try await p.waitForLine { $0 == "tasks only" })
        p.signal(SIGINT)
        let r = try await p.finish()
        #expect(r.status == 130, "\(r.stderr)")
        #expect(r.stderr == "luagate: interrupted!\nluagate: report: 0 reads, 0 changes, 0 failed, exit 130\n")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        #expect(json?["exitStatus"] as? Int == 130)
    }

    /// REPL: an interrupt seen by a call made inside a task (from a plain coroutine, so the
    /// call blocks) abandons every task while that one is still running. Its references
    /// are dropped once, when it returns (twice before: the registry's free list then
    /// handed one slot to several tasks), so tasks made after it keep their own results.
    @Test func anInterruptWhileATaskRunsAtThePromptLeavesLaterTasksIntact() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", "-i"], stdin: """
            pid = io.open('/proc/self/stat'):read('n')
            sandbox.faults{latency_ms = 5000}
            h = task.spawn(function() return coroutine.wrap(function() io.popen('kill -INT ' .. pid):close() return providerKeys.list() end)() end)
            sandbox.faults()
            a = task.spawn(function() task.sleep(0) return 'a' end) b = task.spawn(function() task.sleep(0) return 'b' end) print('results', a:await(), b:await())
            c = task.spawn(function() task.sleep(0) return 'c' end) print('again', c:await(), pcall(a.await, a))
            print('await', pcall(h.await, h))

            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("results\ta\tb\n"), "\(r.stdout)")
        #expect(r.stdout.contains("again\tc\ttrue\ta\n"), "\(r.stdout)")
        #expect(r.stdout.contains("await\tfalse\t"), "\(r.stdout)")
    }

    /// Task state is not a table a script can edit.
    @Test func aHandleCannotBeEdited() async throws {
        let r = try await ProcessRunner.luagate(["-e", """
            local h = task.spawn(function() task.sleep(0.01) return 1 end)
            print(pcall(function() h.done = true end))
            print(h:await())
            print(pcall(h.await, {}))
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
            false\t(command line):2: attempt to index a task value (upvalue 'h')
            1
            false\tbad argument #1 to 'await' (task expected, got table)

            """)
    }

    /// A failed task's to-be-closed variables are closed in protected mode (as
    /// coroutine.close does); an error in one becomes the task's error.
    @Test func aFailedTasksCloseErrorIsItsError() async throws {
        let r = try await ProcessRunner.luagate(["-e", """
            local closed = {}
            local function closer(name, fail)
              return setmetatable({}, {__close = function(_, err)
                closed[#closed + 1] = name .. ':' .. tostring(err)
                if fail then error(name .. ' boom', 0) end
              end})
            end
            local h = task.spawn(function()
              local a <close> = closer('a', false)
              local b <close> = closer('b', true)
              task.sleep(0)
              error('body boom', 0)
            end)
            print(pcall(h.await, h))
            print(table.concat(closed, ' '))
            local ok = task.spawn(function() local c <close> = closer('c', false) task.sleep(0) return 'fine' end)
            print(ok:await(), closed[3])
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "false\tb boom\nb:body boom a:b boom\nfine\tc:nil\n", "\(r.stdout)")
    }

    /// task.spawn with more arguments than a C function's stack holds.
    @Test func spawnTakesThousandsOfArguments() async throws {
        let r = try await ProcessRunner.luagate(["-e", """
            local t = {} for i = 1, 5000 do t[i] = i end
            local h = task.spawn(function(...) return select('#', ...), select(5000, ...) end, table.unpack(t))
            print(h:await())
            """])
        #expect(r.stdout == "5000\t5000\n", "\(r.stderr)")
    }
}

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

    /// A loop in a plain coroutine (coroutine.wrap, coroutine.resume), in the main chunk or in
    /// a task, stops at --timeout too: they run under luagate's own resume.
    @Test(arguments: [
        "coroutine.wrap(function() while true do end end)()",
        "task.spawn(function() coroutine.resume(coroutine.create(function() while true do end end)) end)",
    ])
    func timeoutStopsAPlainCoroutineInALoop(_ code: String) async throws {
        let r = try await ProcessRunner.run("/usr/bin/timeout", [
            "-s", "KILL", "60", ProcessRunner.luagate, "--timeout", "1s", "-e", code,
        ])
        #expect(r.status == 124, "\(r.stderr)")
        #expect(r.stderr.contains("timed out (--timeout)"))
    }

    /// luagate's coroutine.resume and coroutine.wrap answer as lua5.4's do.
    @Test(arguments: [
        "print(pcall(coroutine.resume, 1)) print(pcall(coroutine.resume)) print(pcall(coroutine.wrap, 1))",
        "local co = coroutine.create(function() end) coroutine.resume(co) print(coroutine.resume(co)) print(coroutine.resume(coroutine.running()))",
        "local w = coroutine.wrap(function() error('x') end) print(pcall(w)) print(pcall(w))",
        "local w = coroutine.wrap(function() error(setmetatable({}, {__tostring = function() return 'obj' end})) end) print(select(2, pcall(w)))",
        "local co = coroutine.wrap(function(...) local a = {...} while true do a = {coroutine.yield(#a, table.unpack(a))} end end) print(co(1, 2, 3)) print(co()) print(co(nil, nil))",
        "local w = coroutine.wrap(function() local x <close> = setmetatable({}, {__close = function() print('closed') end}) error('boom', 0) end) print(pcall(w))",
        "coroutine.wrap(function() error('deep') end)()",
        "print(coroutine.resume(coroutine.create(function(...) return select('#', ...) end), table.unpack({}, 1, 200)))",
    ])
    func coroutinesAnswerAsLua54(_ code: String) async throws {
        let ours = try await ProcessRunner.luagate(["-e", code])
        let theirs = try await ProcessRunner.run("/usr/bin/lua5.4", ["-e", code])
        let address = /0x[0-9a-f]+/
        #expect(ours.stdout.replacing(address, with: "ADDR") == theirs.stdout.replacing(address, with: "ADDR"))
        #expect(ours.stderr.replacing(address, with: "ADDR") == theirs.stderr.replacing("/usr/bin/lua5.4:", with: "luagate:").replacing(address, with: "ADDR"))
        #expect(ours.status == theirs.status)
    }

    /// Durations past what the clock can count are a century, not a crash.
    @Test func aHugeTimeoutIsACentury() async throws {
        let r = try await ProcessRunner.luagate(["--timeout", "99999999999s", "-e", "print(1)"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "1\n")
    }

    /// A task whose results cannot fit on an awaiting task's stack wakes it with an error
    /// (the values were pushed past the stack's end before).
    @Test func resultsTooManyForTheAwaiterAreAnError() async throws {
        let r = try await ProcessRunner.luagate(["-e", """
            local t = {} for i = 1, 999900 do t[i] = i end
            local b = task.spawn(function() task.sleep(0) return table.unpack(t) end)
            local function deep(n) if n == 0 then return select('#', b:await()) end return (deep(n - 1)) end
            local a = task.spawn(function() return deep(2000) end)
            print(pcall(a.await, a))
            print(select('#', b:await()))
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "false\ttoo many results to wake an awaiting task (999900)\n999900\n")
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
    /// call blocks while the signal, sent by a shell the script started, arrives) abandons
    /// every task while that one is still running. Its references are dropped once, when it
    /// returns (twice before: the registry's free list then handed one slot to several tasks
    /// and the process crashed), so tasks made after it keep their own results.
    @Test func anInterruptWhileATaskRunsAtThePromptLeavesLaterTasksIntact() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", "-i"], stdin: """
            pid = io.open('/proc/self/stat'):read('n')
            sandbox.faults{latency_ms = 5000}
            h = task.spawn(function() task.sleep(0) return coroutine.wrap(function() io.popen('kill -INT ' .. pid) return providerKeys.list() end)() end)
            print('first', pcall(h.await, h))
            sandbox.faults()
            a = task.spawn(function() task.sleep(0) return 'a' end) b = task.spawn(function() task.sleep(0) return 'b' end) print('results', a:await(), b:await())
            c = task.spawn(function() task.sleep(0) return 'c' end) print('again', c:await(), pcall(a.await, a))

            """)
        #expect(r.status == 0, "\(r.stderr)")
        // The line's await fails (the task was abandoned), or, when the signal came before the
        // call started waiting, the line itself was interrupted: either way it is reported.
        #expect(r.stdout.contains("first\tfalse\t") || r.stderr.contains("interrupted!"), "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("results\ta\tb\n"), "\(r.stdout)")
        #expect(r.stdout.contains("again\tc\ttrue\ta\n"), "\(r.stdout)")
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

import Foundation
import Testing

/// luagate as busted's interpreter, with the `sandbox` library: the README's way for users to
/// test their own job scripts, on the example specs.
@Suite struct BustedTests {
    @Test func exampleSpecsPassUnderBusted() async throws {
        let specs = SandboxTests.examples.appendingPathComponent("spec").path
        let r = try await ProcessRunner.run("/usr/bin/busted", ["--lua=\(ProcessRunner.luagate)", "-o", "TAP", specs],
                                      environment: ["LUAGATE_SANDBOX": "1"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("ok 6 "), "\(r.stdout)")
        #expect(!r.stdout.contains("not ok"))
    }

    @Test func theSandboxLibraryExistsOnlyInTheSandbox() async throws {
        let plain = try await ProcessRunner.luagate(["-e", "print(sandbox, package.loaded.sandbox)"])
        #expect(plain.stdout == "nil\tnil\n")
        let inside = try await ProcessRunner.luagate(["--sandbox", "-e", """
            accessKeys.create{name = "x"}
            print(#sandbox.requests(), sandbox.requests()[1].method)
            sandbox.reset()
            print(#sandbox.requests(), #accessKeys.list())
            print(pcall(sandbox.load, 42))
            """])
        #expect(inside.stdout == "1\tPOST\n0\t6\nfalse\tbad argument #1 to 'load' (string or table expected, got number)\n", "\(inside.stdout)\(inside.stderr)")
    }

    /// A spec that makes a change fail on purpose passes under busted once caught failures
    /// no longer set the exit status (they still do by default, as a batch job needs).
    @Test func caughtFailuresOKLetsBustedDecide() async throws {
        let spec = FileManager.default.temporaryDirectory.appendingPathComponent("failing_\(UUID().uuidString)_spec.lua")
        try Data("""
            describe("a missing key", function()
              it("is a 404 error object", function()
                local ok, err = pcall(providerKeys.update, "aigpk_missing", { name = "x" })
                assert.is_false(ok)
                assert.are.equal(404, err.status)
              end)
            end)
            """.utf8).write(to: spec)
        defer { try? FileManager.default.removeItem(at: spec) }
        let arguments = ["--lua=\(ProcessRunner.luagate)", "-o", "TAP", spec.path]
        let strict = try await ProcessRunner.run("/usr/bin/busted", arguments, environment: ["LUAGATE_SANDBOX": "1"])
        #expect(strict.stdout.contains("ok 1 - a missing key is a 404 error object"), "\(strict.stdout)")
        #expect(strict.status != 0, "exit 5 from the failed change")
        let relaxed = try await ProcessRunner.run("/usr/bin/busted", arguments,
                                            environment: ["LUAGATE_SANDBOX": "1", "LUAGATE_CAUGHT_FAILURES_OK": "1"])
        #expect(relaxed.status == 0, "\(relaxed.stdout)\(relaxed.stderr)")
        let script = ["--sandbox", "-e", "pcall(providerKeys.update, 'aigpk_missing', {name = 'x'})"]
        #expect(try await ProcessRunner.luagate(script).status == 5)
        #expect(try await ProcessRunner.luagate(["--caught-failures-ok"] + script).status == 0)
        #expect(try await ProcessRunner.luagate(["--caught-failures-ok", "--sandbox", "-e", "providerKeys.update('aigpk_missing', {name = 'x'})"]).status == 1)
    }
}

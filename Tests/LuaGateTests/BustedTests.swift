import Foundation
import Testing

/// luagate as busted's interpreter, with the `sandbox` library: the README's way for users to
/// test their own job scripts, on the example specs.
@Suite struct BustedTests {
    @Test func exampleSpecsPassUnderBusted() throws {
        let specs = SandboxTests.examples.appendingPathComponent("spec").path
        let r = try ProcessRunner.run("/usr/bin/busted", ["--lua=\(ProcessRunner.luagate)", "-o", "TAP", specs],
                                      environment: ["LUAGATE_SANDBOX": "1"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("ok 6 "), "\(r.stdout)")
        #expect(!r.stdout.contains("not ok"))
    }

    @Test func theSandboxLibraryExistsOnlyInTheSandbox() throws {
        let plain = try ProcessRunner.luagate(["-e", "print(sandbox, package.loaded.sandbox)"])
        #expect(plain.stdout == "nil\tnil\n")
        let inside = try ProcessRunner.luagate(["--sandbox", "-e", """
            accessKeys.create{name = "x"}
            print(#sandbox.requests(), sandbox.requests()[1].method)
            sandbox.reset()
            print(#sandbox.requests(), #accessKeys.list())
            print(pcall(sandbox.load, 42))
            """])
        #expect(inside.stdout == "1\tPOST\n0\t6\nfalse\tbad argument #1 to 'load' (string or table expected, got number)\n", "\(inside.stdout)\(inside.stderr)")
    }
}

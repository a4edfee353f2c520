import Foundation
import Testing

/// Lua modules from Debian's packages load under luagate as under lua5.4 (luagate links the
/// system liblua5.4 dynamically, so C modules work).
@Suite struct DebianModulesTests {
    @Test func lpegCjsonAndPenlightLoad() async throws {
        let r = try await ProcessRunner.luagate(["-e", """
            local lpeg = require "lpeg"
            print(lpeg.match(lpeg.C(lpeg.R("az") ^ 1), "abc1"))
            print(require("cjson").encode({ok = true}))
            print(require("pl.pretty").write({1, 2}, ""))
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "abc\n{\"ok\":true}\n{1,2}\n")
    }

    /// Debian's lua-inspect ships no Lua 5.4 copy (lua5.4 cannot find it either); it is pure
    /// Lua, so its 5.3 copy loads once LUA_PATH names it.
    @Test func inspectLoadsFromItsLua53Copy() async throws {
        let r = try await ProcessRunner.run(ProcessRunner.luagate, ["-e", "print(require('inspect')({x = 1}))"],
                                      environment: ["LUA_PATH": "/usr/share/lua/5.3/?.lua;;"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "{\n  x = 1\n}\n")
    }
}

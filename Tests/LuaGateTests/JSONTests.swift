import Foundation
import Testing

/// `json` as a script sees it, and lua-cjson alongside.
@Suite struct JSONTests {
    @Test func decodeErrorsCarryTheirPosition() async throws {
        let r = try await ProcessRunner.luagate(["-e", "json.decode('{\\n  \"a\": 1,\\n  \"b\" 2\\n}')"])
        #expect(r.stderr.hasPrefix("luagate: json.decode: invalid value at line 3, column 7 (byte 19)\n"), "\(r.stderr)")
        #expect(r.status == 1)
    }

    @Test func floatsKeepTheirType() async throws {
        let r = try await ProcessRunner.luagate(["-e", """
            local s = json.encode({a = 1, b = 1.0, c = 2.5})
            local t = json.decode(s)
            print(s, math.type(t.a), math.type(t.b), json.encode({1.0}, {indent = 1}))
            """])
        #expect(r.stdout == "{\"a\":1,\"b\":1.0,\"c\":2.5}\tinteger\tfloat\t[\n 1.0\n]\n", "\(r.stderr)")
    }

    @Test func debianLuaCjsonLoads() async throws {
        let module = "/usr/lib/x86_64-linux-gnu/lua/5.4/cjson.so"
        let installed = FileManager.default.fileExists(atPath: module)
            || FileManager.default.fileExists(atPath: "/usr/lib/aarch64-linux-gnu/lua/5.4/cjson.so")
        try #require(installed, "lua-cjson is not installed (scripts/test.sh installs it)")
        let r = try await ProcessRunner.luagate(["-e", """
            local cjson = require "cjson"
            print(cjson.encode(cjson.decode('[1,"x",null]')), cjson.null == json.null, json.encode(cjson.decode('{"a":null}')))
            """])
        #expect(r.stdout == "[1,\"x\",null]\ttrue\t{\"a\":null}\n", "\(r.stderr)")
        #expect(r.status == 0)
    }
}

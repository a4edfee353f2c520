import Foundation
import Testing

/// `json.encode` of tables whose keys are not a plain sequence: nothing is dropped without a
/// word. Keys that are all positive integers make an array with `null` in the holes, as
/// lua-cjson makes it, unless the array is excessively sparse (lua-cjson's rule: the largest
/// index is above 10 and above twice the number of items), which raises as lua-cjson does;
/// any other number key, or array items mixed with string keys, raises and names the table.
@Suite struct JSONSparseTableTests {
    /// Tables lua-cjson encodes as arrays: luagate gives the same text.
    static let arrays = [
        "{[5] = 'x'}", "{[1] = 'a', [2] = 'b', [4] = 'd'}", "{[2.0] = 'f'}",
        "{[1] = 1, [2] = 2, [3] = 3, [10] = 4}", "{a = {[3] = true}}", "{nil, nil, 3}",
    ]

    @Test(arguments: arrays)
    func holesBecomeNullAsInLuaCjson(_ table: String) async throws {
        let r = try await ProcessRunner.luagate(["-e", "print(json.encode(\(table)))"])
        let cjson = try await ProcessRunner.run("/usr/bin/lua5.4", ["-e", "print(require('cjson').encode(\(table)))"])
        try #require(cjson.status == 0, "lua-cjson: \(cjson.stderr)")
        #expect(r.stdout == cjson.stdout, "\(r.stderr)")
        #expect(r.status == 0)
    }

    @Test func theIssuesExample() async throws {
        let r = try await ProcessRunner.luagate(["-e", "print(json.encode({[5] = 'x'}))"])
        #expect(r.stdout == "[null,null,null,null,\"x\"]\n", "\(r.stderr)")
    }

    /// Each raises (status 1) with this text in the message; nothing is printed.
    static let refused: [(table: String, message: String)] = [
        ("{[1] = 'a', [20] = 'b'}", "cannot encode an excessively sparse array (largest index 20, 2 items)"),
        ("{list = {[1] = 1, [2] = 2, [3] = 3, [11] = 4}}",
         "cannot encode an excessively sparse array at list (largest index 11, 4 items)"),
        ("{[0] = 'z'}", "cannot encode the table key 0 in JSON"),
        ("{[-1] = 'n'}", "cannot encode the table key -1 in JSON"),
        ("{[1.5] = 'f'}", "cannot encode the table key 1.5 in JSON"),
        ("{a = {[0] = 1, [1] = 2}}", "cannot encode the table key 0 at a in JSON"),
        ("{[1] = 'a', x = 1}", "cannot encode a table mixing array items and other keys"),
        ("{x = 1, [3] = 'c'}", "cannot encode a table mixing array items and other keys"),
        ("json.array({x = 1})", "cannot encode a table mixing array items and other keys"),
        ("{t = {[true] = 1}}", "cannot encode a table key of type boolean at t in JSON"),
    ]

    @Test(arguments: refused.indices)
    func otherKeysRaise(_ i: Int) async throws {
        let (table, message) = Self.refused[i]
        let r = try await ProcessRunner.luagate(["-e", "print(json.encode(\(table)))"])
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("luagate: (command line):1: bad argument #1 to 'encode' (\(message))\n"), "\(r.stderr)")
    }

    /// Request bodies are read by the same code: a hole in a list becomes null, and the API's
    /// own check then refuses it, before anything is sent.
    @Test func aSparseListInAFieldIsNotDropped() async throws {
        let r = try await ProcessRunner.luagate(["--sandbox", "-e", """
            local ok, err = pcall(accessKeyConfigurations.create, {name = "c", access = {providers = {allow = {[2] = "openai"}}}})
            print(ok, err.field)
            """])
        #expect(r.stdout == "false\taccess.providers.allow[1]\n", "\(r.stdout) \(r.stderr)")
    }
}

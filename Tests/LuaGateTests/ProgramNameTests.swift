import Foundation
import Testing

/// luagate names itself in messages by argv[0], as lua.c does: run by a path, messages start
/// with that path (`/opt/x/luagate: …`), as lua5.4's do when it is run by a path; run from PATH
/// as `luagate` (as ProcessRunner runs it), they start with `luagate:`. Lua 5.4.4's
/// testes/main.lua checks this (its line 359) when it is run by a path.
@Suite struct ProgramNameTests {
    /// A folder holding `luagate` and `lua5.4` as links to the real binaries, so that both are
    /// run by a path of the same shape.
    static let folder: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("progname-\(UUID().uuidString)/opt x").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try? FileManager.default.createSymbolicLink(atPath: dir + "/luagate", withDestinationPath: ProcessRunner.luagate)
        try? FileManager.default.createSymbolicLink(atPath: dir + "/lua5.4", withDestinationPath: "/usr/bin/lua5.4")
        return dir
    }()

    static let s = ProcessRunner.scripts + "/parity"

    static let cases: [[String]] = [
        ["-e", "error('from -e')"],
        ["\(s)/error.lua"],
        ["\(s)/error-table.lua"],
        ["-e", "error(setmetatable({}, {__tostring = function() return 'custom' end}))"],
        ["-x"],
        ["-iv"],
        ["-e"],
        ["\(s)/no-such-script.lua"],
    ]

    @Test(arguments: cases)
    func byAPathMessagesNameThatPath(_ arguments: [String]) async throws {
        let luagate = Self.folder + "/luagate", lua = Self.folder + "/lua5.4"
        let l = try await ProcessRunner.run(lua, arguments)
        let g = try await ProcessRunner.run(luagate, arguments)
        #expect(l.stderr.hasPrefix(lua + ": "), "lua5.4 names itself by its path: \(l.stderr)")
        #expect(g.stderr.hasPrefix(luagate + ": "), "\(g.stderr)")
        let normalized = g.stderr.replacingOccurrences(of: "Run '\(luagate) --help' for luagate's own options.\n", with: "")
            .replacingOccurrences(of: luagate, with: lua)
        #expect(normalized == l.stderr)
        #expect(g.stdout == l.stdout)
        #expect(g.status == l.status)
    }

    /// luagate's own messages use the same name.
    @Test func luagatesOwnMessagesToo() async throws {
        let luagate = Self.folder + "/luagate"
        let mistyped = try await ProcessRunner.run(luagate, ["--dry-rn", "x.lua"])
        #expect(mistyped.status == 2)
        #expect(mistyped.stderr.hasPrefix("\(luagate): unrecognized option '--dry-rn' (did you mean --dry-run?)\n"), "\(mistyped.stderr)")
        #expect(mistyped.stderr.contains("Try '\(luagate) --help' for more information."))
        let bad = try await ProcessRunner.run(luagate, ["--max-changes", "x", "-e", "print(1)"])
        #expect(bad.status == 2 && bad.stderr.hasPrefix("\(luagate): "), "\(bad.stderr)")
    }

    /// Run as `luagate` (from PATH), messages say `luagate:`.
    @Test func fromPathTheNameIsLuagate() async throws {
        let r = try await ProcessRunner.luagate(["-e", "error('x')"])
        #expect(r.stderr.hasPrefix("luagate: (command line):1: x\n"), "\(r.stderr)")
    }
}

import Foundation
import Testing

/// The same command lines under `lua5.4` and `luagate` give the same output
/// and exit status (luagate's name replaces `lua5.4` in messages).
@Suite struct RunnerParityTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var stdin: String? = nil
        var environment: [String: String] = [:]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let s = ProcessRunner.scripts + "/parity"

    static let cases: [Case] = [
        Case(arguments: ["\(s)/args.lua", "one", "two words", ""]),
        Case(arguments: ["\(s)/args.lua", "--", "-i", "--version", "-e", "print(1)"]),
        Case(arguments: ["-e", "x=1", "\(s)/args.lua", "-e", "--", "-"]),
        Case(arguments: ["-e", "print(1)", "-e", "print(2)"]),
        Case(arguments: ["-eprint('joined')"]),
        Case(arguments: ["-lm=math", "-e", "print(m.pi)"]),
        Case(arguments: ["-lstring", "-e", "print(string.rep('x', 3))"]),
        Case(arguments: ["-l", "string", "-e", "print(string == require 'string')"]),
        Case(arguments: ["-l", "g=string", "-e", "print(g.rep('ab', 2))"]),
        Case(arguments: ["-e", "print(1)", "-l", "nope"]),
        Case(arguments: ["-e", "error('from -e')"]),
        Case(arguments: ["-e", "syntax error here"]),
        Case(arguments: ["\(s)/error.lua"]),
        Case(arguments: ["\(s)/error-table.lua"]),
        Case(arguments: ["\(s)/error-tostring.lua"]),
        Case(arguments: ["\(s)/syntax.lua"]),
        Case(arguments: ["\(s)/shebang.lua"]),
        Case(arguments: ["\(s)/standard.lua"]),
        Case(arguments: ["\(s)/exit.lua"]),
        Case(arguments: ["\(s)/no-such-script.lua"]),
        Case(arguments: ["\(s)/warn.lua"]),
        Case(arguments: ["-W", "-e", "warn('on from -W')"]),
        Case(arguments: ["\(s)/stdin.lua"], stdin: "a\nb\n"),
        Case(arguments: ["-"], stdin: "print('from stdin', ...)", environment: [:]),
        Case(arguments: ["-", "x", "y"], stdin: "print(...) print(arg[0])"),
        Case(arguments: ["--", "\(s)/args.lua", "-v"]),
        Case(arguments: [], stdin: "print('no args, piped')"),
        Case(arguments: ["-e", "print(os.getenv('LUA_INIT'))"], environment: ["LUA_INIT": "print('init ran')"]),
        Case(arguments: ["-E", "-e", "print(1)"], environment: ["LUA_INIT": "print('init ran')"]),
        Case(arguments: ["-e", "print(2)"], environment: ["LUA_INIT_5_4": "print('5.4 init')", "LUA_INIT": "print('no')"]),
        Case(arguments: ["-e", "print(3)"], environment: ["LUA_INIT": "@\(s)/warn.lua"]),
        Case(arguments: ["-e", "print(4)"], environment: ["LUA_INIT": "error('bad init')"]),
        Case(arguments: ["-v"]),
    ]

    @Test(arguments: cases)
    func sameAsLua(_ c: Case) throws {
        let lua = try ProcessRunner.run("/usr/bin/lua5.4", c.arguments, stdin: c.stdin, environment: c.environment)
        let gate = try ProcessRunner.run(ProcessRunner.luagate, c.arguments, stdin: c.stdin, environment: c.environment)
        #expect(gate.stdout == lua.stdout)
        #expect(normalize(gate.stderr) == normalize(lua.stderr))
        #expect(gate.status == lua.status)
    }

    /// Interpreter names differ.
    private func normalize(_ text: String) -> String {
        text.replacingOccurrences(of: "/usr/bin/lua5.4: ", with: "luagate: ")
            .replacingOccurrences(of: "lua5.4: ", with: "luagate: ")
            .replacingOccurrences(of: ProcessRunner.luagate + ": ", with: "luagate: ")
    }

    @Test func badOptionPrintsUsageAndExitsTwo() throws {
        let r = try ProcessRunner.luagate(["-x"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unrecognized option '-x'"))
        #expect(r.stderr.contains("Usage: luagate"))
        #expect(r.stdout.isEmpty)
    }

    @Test func unknownLongOptionExitsTwo() throws {
        let r = try ProcessRunner.luagate(["--no-such-option", "x.lua"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--no-such-option"))
    }

    @Test func versionAndHelp() throws {
        let v = try ProcessRunner.luagate(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.hasPrefix("luagate 0."))
        let h = try ProcessRunner.luagate(["--help"])
        #expect(h.status == 0)
        for option in ["-e <stat>", "-l <mod>", "--base-url", "--api-key-file", "AI_GATEWAY_API_KEY"] {
            #expect(h.stdout.contains(option), "help mentions \(option)")
        }
    }

    @Test func scriptArgumentsThatLookLikeOptionsBelongToTheScript() throws {
        let r = try ProcessRunner.luagate(["\(Self.s)/args.lua", "--base-url", "-x", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("1\t--base-url\n2\t-x\n3\t--help\n"))
    }
}

@Suite struct InteractiveTests {
    /// `-i` with piped input: lua.c's line handling, without prompts.
    @Test func interactiveModeReadsStatementsAndExpressions() throws {
        let input = "x = 1 + 1\nx\n= x * 2\nfunction f()\n return 3, 'three'\nend\nf()\nerror('e')\nprint(x)\n"
        let r = try ProcessRunner.luagate(["-i"], stdin: input)
        #expect(r.status == 0)
        #expect(r.stdout == "2\n4\n3\tthree\n2\n\n")
        #expect(r.stderr.contains("stdin:1: e"))
        #expect(!r.stdout.contains("> "))
    }
}

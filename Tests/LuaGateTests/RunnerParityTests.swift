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
        // An attached -l before a script (Lua 5.4.4's testes/main.lua does this).
        Case(arguments: ["-lstring", "\(s)/args.lua", "a", "b"]),
        Case(arguments: ["-lm=math", "-l", "io", "-lstring", "\(s)/args.lua", "x"]),
        Case(arguments: ["-eprint(1)", "-lstring", "\(s)/args.lua"]),
        Case(arguments: ["-eprint(1)", "-ea=3", "-e", "print(a)"]),
        Case(arguments: ["-e-1", "-e", "print('minus')"]),
        // The script's arguments are what `arg` holds when it starts.
        Case(arguments: ["-e", "arg[1] = 100", "-"], stdin: "print(...)"),
        Case(arguments: ["-e", "arg[3] = 'c'", "\(s)/args.lua", "a"]),
        Case(arguments: ["-e", "arg = 1", "-"], stdin: ""),
        // At exit the state is closed: finalizers run, and their errors are warnings.
        Case(arguments: ["-e", "u = setmetatable({}, {__gc = function() print('finalized') end})"]),
        Case(arguments: ["-W", "-e", "warn('@allow') u = setmetatable({}, {__gc = function() error('XYZ') end})"]),
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
        // The REPL on piped input prints lua5.4's transcript: each prompt, then the line read
        // (Debian's readline echoes it), results, errors with their traceback on stderr.
        Case(arguments: ["-i"], stdin: " --\na = 2\nprint(a)\n"),
        Case(arguments: ["-i"], stdin: "x = 1 + 1\nx\n= x * 2\nfunction f()\n return 3, 'three'\nend\nf()\nprint(x)\n"),
        Case(arguments: ["-e_PROMPT='alo'", "-i"], stdin: "a = [[b\nc]]\n=a"),
        Case(arguments: ["-e", "_PROMPT='' _PROMPT2=''", "-i"], stdin: "(6*2-6) -- ===\na =\n10\nprint(a)\na"),
        Case(
            arguments: ["-e", "local C = 0; _PROMPT = setmetatable({}, {__tostring = function() C = C + 1; return C end})", "-i"],
            stdin: " --\na = 2\n"),
        Case(arguments: ["-i"], stdin: "return 1, nil, 'x'\nnil\nerror({})\nerror('e', 0)\n"),
        // Command lines lua.c refuses (the cases of Lua 5.4.4's testes/main.lua and more).
        Case(arguments: ["-x"]), Case(arguments: ["-h"]), Case(arguments: ["---"]),
        Case(arguments: ["-iv"]), Case(arguments: ["-vi"]), Case(arguments: ["-vv"]), Case(arguments: ["-Ex"]),
        Case(arguments: ["-E1"]), Case(arguments: ["-W2"]), Case(arguments: ["-e"]), Case(arguments: ["-l"]),
        Case(arguments: ["-e", "-x"]), Case(arguments: ["-l", "-e", "x"]), Case(arguments: ["-v", "-e"]),
        Case(arguments: ["-i", "-x"]), Case(arguments: ["-e", "print(1)", "-x"]), Case(arguments: ["-e", "a"]),
        Case(arguments: ["-e", "print(1)", "\(s)/args.lua", "-x", "-iv"]),
    ]

    @Test(arguments: cases)
    func sameAsLua(_ c: Case) async throws {
        let lua = try await ProcessRunner.run("/usr/bin/lua5.4", c.arguments, stdin: c.stdin, environment: c.environment)
        let gate = try await ProcessRunner.run(ProcessRunner.luagate, c.arguments, stdin: c.stdin, environment: c.environment)
        #expect(gate.stdout == lua.stdout)
        #expect(normalize(gate.stderr) == normalize(lua.stderr))
        #expect(gate.status == lua.status)
    }

    /// Interpreter names differ.
    /// luagate's usage after a refused command line adds one line pointing at its own options.
    private func normalize(_ text: String) -> String {
        text.replacingOccurrences(of: "Run 'luagate --help' for luagate's own options.\n", with: "")
            .replacingOccurrences(of: "usage: /usr/bin/lua5.4 ", with: "usage: luagate ")
            .replacingOccurrences(of: "/usr/bin/lua5.4: ", with: "luagate: ")
            .replacingOccurrences(of: "lua5.4: ", with: "luagate: ")
            .replacingOccurrences(of: ProcessRunner.luagate + ": ", with: "luagate: ")
    }

    /// A refused command line gets lua.c's usage and status, and a pointer to luagate's options.
    @Test func badOptionPrintsLuasUsageAndExitsOne() async throws {
        let r = try await ProcessRunner.luagate(["-x"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("luagate: unrecognized option '-x'\nusage: luagate [options] [script [args]]\n"), "\(r.stderr)")
        #expect(r.stderr.hasSuffix("Run 'luagate --help' for luagate's own options.\n"))
        #expect(r.stdout.isEmpty)
    }

    /// luagate's own options still get the argument parser's checks (status 2).
    @Test func luagatesOwnOptionsAreCheckedByTheirParser() async throws {
        let unknown = try await ProcessRunner.luagate(["--no-such-option", "x.lua"])
        #expect(unknown.status == 2 && unknown.stderr.hasPrefix("luagate: unrecognized option '--no-such-option'\n"))
        let missing = try await ProcessRunner.luagate(["--report"])
        #expect(missing.status == 2 && missing.stderr.contains("Missing value for '--report <path>'"), "\(missing.stderr)")
        let valued = try await ProcessRunner.luagate(["--max-changes", "-1", "-e", "print(1)"])
        #expect(valued.status == 2 && valued.stderr.contains("--max-changes must be 0 or more (got -1)"), "\(valued.stderr)")
        let sandbox = try await ProcessRunner.luagate(["--sandbox", "-e", "print(#providerKeys.list() > 0)"])
        #expect(sandbox.status == 0 && sandbox.stdout == "true\n")
    }

    @Test func versionAndHelp() async throws {
        let v = try await ProcessRunner.luagate(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.hasPrefix("luagate 0."))
        let h = try await ProcessRunner.luagate(["--help"])
        #expect(h.status == 0)
        for option in ["-e <stat>", "-l <mod>", "--base-url", "--api-key-file", "AI_GATEWAY_API_KEY"] {
            #expect(h.stdout.contains(option), "help mentions \(option)")
        }
    }

    @Test func scriptArgumentsThatLookLikeOptionsBelongToTheScript() async throws {
        let r = try await ProcessRunner.luagate(["\(Self.s)/args.lua", "--base-url", "-x", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("1\t--base-url\n2\t-x\n3\t--help\n"))
    }
}

@Suite struct InteractiveTests {
    /// `-i` with piped input: lua.c's line handling, after the version (`-i` implies `-v`),
    /// each prompt followed by the line read, as Debian's lua5.4 prints them.
    @Test func interactiveModeReadsStatementsAndExpressions() async throws {
        let input = "x = 1 + 1\nx\n= x * 2\nfunction f()\n return 3, 'three'\nend\nf()\nerror('e')\nprint(x)\n"
        let r = try await ProcessRunner.luagate(["-i"], stdin: input)
        #expect(r.status == 0)
        #expect(
            r.stdout == """
                Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio
                > x = 1 + 1
                > x
                2
                > = x * 2
                4
                > function f()
                >>  return 3, 'three'
                >> end
                > f()
                3\tthree
                > error('e')
                > print(x)
                2
                > \n
                """)
        #expect(r.stderr.contains("stdin:1: e"))
    }
}

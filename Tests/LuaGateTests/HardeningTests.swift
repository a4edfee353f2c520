import Foundation
import Testing

/// Inputs that once crashed the process, driven through the real binary: each must end in a
/// clear message and an exit status below 128.
@Suite struct HardeningTests {
    /// A 100,000-character id after a request on the same connection used to make the HTTP
    /// client trap (the server answered the oversized head before it was written); ids and
    /// request URLs are now bounded before anything is sent, and messages quote long values short.
    @Test func hugeIDsAndQueriesAreRefusedBeforeSending() async throws {
        let api = try APIHarness()
        let r = try await api.luagate(["-e", """
            print(pcall(providerKeys.get, "x"))
            local ok, e = pcall(providerKeys.update, ("x"):rep(100000), {name = "a"})
            print(ok, e.code, e.field, #tostring(e) < 200, tostring(e))
            print(pcall(providerKeys.list, {provider = ("p"):rep(20000)}))
            local ok2, e2 = pcall(providerKeys.get, ("y"):rep(1000))
            print(ok2, e2.status, #tostring(e2) < 400)
            print("alive")
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("false\tvalidation\tid\ttrue\tbad argument #1 to 'update' (id: at most 1024 characters (got 100000))"), "\(r.stdout)")
        #expect(r.stdout.contains("the request URL would be 20024 bytes long (at most 8192)"))
        #expect(r.stdout.contains("false\t404\ttrue"))
        #expect(r.stdout.hasSuffix("alive\n"))
        #expect(api.requests("PATCH").isEmpty)
        #expect(api.server.requestLog.entries().count == 2, "the huge id and query were never sent")
    }
}

extension HardeningTests {
    /// Output files are checked before the script starts: nothing runs that could not be recorded.
    @Test func unwritableOutputsStopTheRunBeforeItStarts() async throws {
        let report = try await ProcessRunner.luagate(["--report", "/nonexistent/r.json", "-e", "print('ran')"])
        #expect(report.status == 2)
        #expect(report.stdout.isEmpty, "the script did not run")
        #expect(report.stderr.hasPrefix("luagate: --report /nonexistent/r.json: No such file or directory (/nonexistent)\n"))
        #expect(!report.stderr.contains("NSCocoaErrorDomain"))
        for option in ["--journal", "--sandbox-save", "--snapshot", "--lock"] {
            let r = try await ProcessRunner.luagate([option, "/nonexistent/x", "-e", "print('ran')"])
            #expect(r.status == 2 && r.stdout.isEmpty, "\(option): \(r.stderr)")
            #expect(r.stderr.contains("\(option) /nonexistent/x: No such file or directory"), "\(r.stderr)")
        }
        let folder = try await ProcessRunner.run(ProcessRunner.luagate, ["-e", "print('ran')"], environment: ["LUAGATE_REPORT": "/tmp"])
        #expect(folder.status == 2)
        #expect(folder.stderr.hasPrefix("luagate: LUAGATE_REPORT=/tmp: is a directory\n"), "\(folder.stderr)")
    }

    /// A bad value names where it came from; negative numbers reach their option's check.
    @Test func badOptionValuesNameTheirSource() async throws {
        let cases: [([String], [String: String], String)] = [
            (["-e", "print(1)"], ["LUAGATE_MAX_CHANGES": "abc"], "luagate: LUAGATE_MAX_CHANGES=abc: not a whole number\n"),
            (["-e", "print(1)"], ["LUAGATE_CONCURRENCY": "-3"], "luagate: LUAGATE_CONCURRENCY=-3: must be at least 1\n"),
            (["-e", "print(1)"], ["LUAGATE_TIMEOUT": "soon"], "luagate: LUAGATE_TIMEOUT=soon: not a duration (such as 30s, 15m, 2h)\n"),
            (["--concurrency", "-1", "-e", "print(1)"], [:], "luagate: --concurrency must be at least 1 (got -1)\n"),
            (["--retries", "-2", "-e", "print(1)"], [:], "luagate: --retries must be 0 or more (got -2)\n"),
            (["--max-changes=-5", "-e", "print(1)"], [:], "luagate: --max-changes must be 0 or more (got -5)\n"),
        ]
        for (arguments, environment, first) in cases {
            let r = try await ProcessRunner.run(ProcessRunner.luagate, arguments, environment: environment)
            #expect(r.status == 2, "\(arguments) \(environment)")
            #expect(r.stderr.hasPrefix(first), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        // After the script, everything is the script's: a negative number stays an argument.
        let script = try await ProcessRunner.luagate(["-", "--concurrency", "-1"], stdin: "print(...)")
        #expect(script.stdout == "--concurrency\t-1\n", "\(script.stderr)")
    }
}

extension HardeningTests {
    /// Deep section nesting and a partial that includes itself used to overflow the stack.
    @Test(arguments: [
        (#"require("luagate.template").render(("{{#a}}"):rep(300000), {})"#,
         "template: too many sections: 300000 section tags"),
        // Found by review: a block override that expands its own block, and a tag of transforms
        // nested 20,000 deep (6 GB for the parser's copies).
        (#"require("luagate.template").render("{{<p}}{{$b}}{{$b}}{{/b}}{{/b}}{{/p}}", {}, {partials = {p = "{{$b}}{{/b}}"}})"#,
         "template: block 'b' expands itself through its own override (b → b)"),
        (#"require("luagate.template").render("{{x" .. ("a("):rep(20000) .. "b" .. (")"):rep(20000) .. "}}", {})"#,
         "template: transforms nested more than 64 deep in one tag"),
        (#"require("luagate.template").render("{{#l}}{{>*.}}{{/l}}", {l = {string.char(0) .. "0", string.char(0) .. "luagate/0"}}, {partials = {p = "{{>*.}}"}}) error("rendered")"#,
         "rendered"),
        (#"require("luagate.template").render("{{>p}}", {}, {partials = {p = "{{>p}}"}})"#,
         "template: rendering nested too deeply: partial 'p' includes itself (p → p)"),
        // Found by the fuzzer: `{{` before a newline is no tag, so the include after it is.
        (#"require("luagate.template").render("{{>p}}", {}, {partials = {p = "1{{\n{{>p}}"}})"#,
         "template: rendering nested too deeply: partial 'p' includes itself (p → p)"),
        // Recursion that the data was to end, but the name is found again further down the
        // context stack (as Mustache looks names up), so it never ends.
        (#"require("luagate.template").render("{{>p}}", {a = true}, {partials = {p = "{{#a}}x{{>p}}{{/a}}"}})"#,
         "template: rendering nested too deeply: partial 'p' includes itself (p → p) and the data does not end it"),
        (#"require("luagate.template").render("{{>p}}", {a = {x = 1}}, {partials = {p = "{{#a}}{{>q}}{{/a}}", q = "{{>p}}"}})"#,
         "template: rendering nested too deeply: partial 'p' includes itself (p → q → p) and the data does not end it"),
        (#"require("luagate.template").render("{{>p}}", {a = {1, 2}}, {partials = {p = "{{#a}}{{.}}{{>p}}{{/a}}"}})"#,
         "template: rendering nested too deeply"),
        (#"local t = {} for _ = 1, 300 do t = {t} end require("luagate.template").render("{{.}}", t)"#,
         "tables nested more than 200 deep at 1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.… (397 characters)"),
    ])
    func runawayTemplatesAreErrors(_ code: String, _ message: String) async throws {
        let r = try await ProcessRunner.luagate(["-e", code])
        #expect(r.status == 1, "\(r.stderr.prefix(300))")
        #expect(r.stderr.contains(message), "\(r.stderr.prefix(300))")
        #expect(r.stderr.count < 1000, "the message quotes values short")
    }

    /// The usual way to render a tree, a partial that includes itself while the data nests,
    /// renders as deep as a context may nest.
    @Test func recursivePartialsRenderDeepTrees() async throws {
        let r = try await ProcessRunner.luagate(["-e", """
            local t = {name = "leaf", kids = {}}
            for i = 1, 95 do t = {name = "n" .. i, kids = {t}} end
            local out = require("luagate.template").render("{{>node}}", t,
              {partials = {node = "{{name}}({{#kids}}{{>node}}{{/kids}})"}})
            print(#out, out:sub(1, 12), out:find("n1(leaf()", 1, true) ~= nil, out:sub(-6))
            """])
        #expect(r.stdout == "472\tn95(n94(n93(\ttrue\t))))))\n", "\(r.stdout)\(r.stderr.prefix(300))")
        #expect(r.status == 0)
    }
}

extension HardeningTests {
    /// JSON logs carry numbers as JSON numbers, as log pipelines expect.
    @Test func jsonLogNumbersAreNumbers() async throws {
        let api = try BatchJobTests.seeded(2)
        let r = try await api.luagate(["--log-format", "json", "--log-level", "debug", "-e", "providerKeys.list()"])
        #expect(r.status == 0, "\(r.stderr)")
        let request = try #require(r.stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.first { $0["method"] != nil })
        #expect(request["status"] as? Int == 200, "\(request)")
        #expect(request["attempt"] as? Int == 1)
        #expect(request["duration_ms"] is Double || request["duration_ms"] is Int)
        #expect(!(request["duration_ms"] is String))
    }

    /// `--sandbox-data` takes a plain list of records too (sorted into resources by id), and
    /// says what shape it expected otherwise.
    @Test func sandboxDataShapes() async throws {
        let file = BatchJobTests.tempPath("list.json")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try #"[{"id": "aigpk_1", "providerId": "openai", "name": "k", "createdAt": "2026-01-01T00:00:00Z"}, {"id": "aigak_1", "name": "a", "keyRedacted": "x***y", "createdAt": "2026-01-01T00:00:00Z"}]"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = try await ProcessRunner.luagate(["--sandbox-data", file, "-e", "print(#providerKeys.list(), accessKeys.list()[1].name)"])
        #expect(r.stdout == "1\ta\n", "\(r.stderr)")
        try #""just text""#.write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try await ProcessRunner.luagate(["--sandbox-data", file, "-e", "print(1)"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("expected a JSON object with a member per resource"), "\(bad.stderr)")
        #expect(!bad.stderr.contains("Expected to decode"))
    }
}

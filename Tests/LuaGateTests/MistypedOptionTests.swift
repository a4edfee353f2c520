import Foundation
import Testing

/// A `--word` that is none of luagate's options is luagate's usage error (status 2, as the
/// README's exit table says), naming the option most likely meant; what lua.c itself refuses
/// (`---`, `-x`, `-iv`) keeps lua.c's message, usage and status 1 (RunnerParityTests).
@Suite struct MistypedOptionTests {
    static let typos: [(arguments: [String], message: String)] = [
        (["--dry-rn", "x.lua"], "unrecognized option '--dry-rn' (did you mean --dry-run?)"),
        (["--sandbx", "-e", "print(1)"], "unrecognized option '--sandbx' (did you mean --sandbox?)"),
        (["--max-change=3", "x.lua"], "unrecognized option '--max-change=3' (did you mean --max-changes?)"),
        (["--jornal", "j.jsonl", "x.lua"], "unrecognized option '--jornal' (did you mean --journal?)"),
        (["--reprot", "r.json"], "unrecognized option '--reprot' (did you mean --report?)"),
        (["--dry", "x.lua"], "unrecognized option '--dry' (did you mean --dry-run?)"),
        (["--no-such-option", "x.lua"], "unrecognized option '--no-such-option'"),
        (["--x"], "unrecognized option '--x'"),
        (["-e", "print(1)", "--vrebose"], "unrecognized option '--vrebose' (did you mean --verbose?)"),
    ]

    @Test(arguments: typos.indices)
    func aMistypedLongOptionIsAUsageError(_ i: Int) async throws {
        let (arguments, message) = Self.typos[i]
        let r = try await ProcessRunner.luagate(arguments)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first.map(String.init) == "luagate: \(message)", "\(r.stderr)")
        #expect(r.stderr.contains("Try 'luagate --help' for more information."), "\(r.stderr)")
        #expect(!r.stderr.contains("Available options are:"), "not lua.c's usage: \(r.stderr)")
    }

    /// Options of the script are the script's, however they are spelled.
    @Test func afterTheScriptNothingIsAnOption() async throws {
        let r = try await ProcessRunner.luagate(["-", "--dry-rn"], stdin: "print(...)")
        #expect(r.status == 0 && r.stdout == "--dry-rn\n", "\(r.stderr)")
    }

    /// lua.c's own refusals stay lua.c's.
    @Test func luaCsRefusalsKeepLuaCsWords() async throws {
        let r = try await ProcessRunner.luagate(["---"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("luagate: unrecognized option '---'\nusage: luagate [options] [script [args]]\n"), "\(r.stderr)")
    }
}

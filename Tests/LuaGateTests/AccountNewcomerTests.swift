import Foundation
import Testing

/// The README's first steps with declarative accounts, as a newcomer types them: export the
/// sandbox's account, edit the file, see the plan as text and markdown, apply it, and see the
/// empty plan after (the sandbox carried from step to step in a file).
@Suite struct AccountNewcomerTests {
    @Test func theReadmeStepsWorkInTheSandbox() async throws {
        let folder = try AccountFolder()
        let data = folder.file("acct.json"), file = folder.file("account.lua")
        let export = try await ProcessRunner.luagate(["--sandbox-save", data, "--export", file])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains("wrote"), "\(export.stderr)")
        // The edit: one provider key gets a description.
        let text = try folder.read("account.lua")
        let edited = text.replacingOccurrences(
            of: #"name = "Batch summarizer","#, with: #"name = "Batch summarizer", description = "nightly batches","#)
        #expect(edited != text, "the export names the sample's key \"Batch summarizer\"")
        _ = try folder.write("account.lua", edited)

        let plan = try await ProcessRunner.luagate(["--sandbox-data", data, "--plan", file, "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("1 to update"), "\(plan.stdout)")
        #expect(plan.stdout.contains(#"description: (none) → "nightly batches""#), "\(plan.stdout)")
        let markdown = try await ProcessRunner.luagate(["--sandbox-data", data, "--plan", file, "--plan-format", "markdown"])
        #expect(markdown.status == 0)
        #expect(markdown.stdout.hasPrefix("### luagate plan for stack `main`\n"), "\(markdown.stdout)")
        #expect(markdown.stdout.contains("| ✏️ update | Batch summarizer |"), "\(markdown.stdout)")

        let apply = try await ProcessRunner.luagate(["--sandbox-data", data, "--sandbox-save", data, "--apply", file])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("applied: 0 created, 1 updated, 0 deleted"), "\(apply.stdout)")
        let after = try await ProcessRunner.luagate(["--sandbox-data", data, "--plan", file, "--detailed-exitcode"])
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
        #expect(after.stdout.hasPrefix(#"No changes: the account matches \#(file) (stack "main")."#), "\(after.stdout)")
    }
}

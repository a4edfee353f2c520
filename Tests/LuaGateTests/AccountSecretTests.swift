import FakeNgrokAI
import Foundation
import Testing

/// Secrets: values read at apply reach the API and nothing else (no output, plan file,
/// journal or report); a literal secret is refused; `secretVersion` drives rotation.
@Suite struct AccountSecretTests {
    static func keyFile(_ folder: AccountFolder, version: String) throws -> String {
        try folder.account("""
              providerKeys = {
                { name = "openai-prod", providerId = "openai", value = account.env "OPENAI_PROD_KEY", secretVersion = "\(version)",
                  description = "production key" },
                { name = "from-file", providerId = "anthropic", value = account.file "\(folder.file("anthropic.secret"))" },
              },
              accessKeys = { { name = "ci", tokenFile = "\(folder.file("ci.token"))" } },
            """)
    }

    /// Every output of plan, saved plan, apply and rotation, scanned for the full values.
    @Test func secretValuesReachNoOutput() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let envSecret = Accounts.secret(), fileSecret = Accounts.secret(), rotated = Accounts.secret()
        try folder.write("anthropic.secret", fileSecret + "\n")
        let file = try Self.keyFile(folder, version: "1")
        var outputs: [String] = []
        func run(_ arguments: [String], secret: String = envSecret) async throws -> ProcessResult {
            let r = try await api.luagate(arguments + ["--log-level", "debug", "--verbose"],
                                          environment: ["OPENAI_PROD_KEY": secret])
            outputs += [r.stdout, r.stderr]
            return r
        }
        for format in ["text", "json", "markdown"] {
            let r = try await run(["--plan", file, "--plan-format", format])
            #expect(r.status == 0, "\(format): \(r.stderr)")
        }
        let saved = try await run(["--plan", file, "--out", folder.file("plan.json")])
        #expect(saved.status == 0, "\(saved.stderr)")
        let applied = try await run([
            "--apply", folder.file("plan.json"), "--journal", folder.file("journal.jsonl"), "--report", folder.file("report.json"),
        ])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let key = try #require(Accounts.named(api, .providerKeys, "openai-prod").first)
        let fromFile = try #require(Accounts.named(api, .providerKeys, "from-file").first)
        #expect(api.server.account.secret(.providerKeys, id: key.id, field: "value") == envSecret, "the value was not sent")
        #expect(api.server.account.secret(.providerKeys, id: fromFile.id, field: "value") == fileSecret)
        let token = try folder.read("ci.token").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count > 20)

        // A rotation, planned to a file and applied with its own journal and report.
        _ = try Self.keyFile(folder, version: "2")
        let rotation = try await run(["--plan", file, "--out", folder.file("rotate.json")], secret: rotated)
        #expect(rotation.stdout.contains("value: (secret) rotate, version \"1\" → \"2\""), "\(rotation.stdout)")
        let rotate = try await run([
            "--apply", folder.file("rotate.json"), "--journal", folder.file("journal2.jsonl"), "--report", folder.file("report2.json"),
        ], secret: rotated)
        #expect(rotate.status == 0, "\(rotate.stdout)\(rotate.stderr)")
        #expect(api.server.account.secret(.providerKeys, id: key.id, field: "value") == rotated)

        for name in ["plan.json", "journal.jsonl", "report.json", "rotate.json", "journal2.jsonl", "report2.json"] {
            outputs.append(try folder.read(name))
        }
        for (i, text) in outputs.enumerated() {
            for (what, value) in [("env secret", envSecret), ("file secret", fileSecret), ("rotated secret", rotated),
                                  ("access key token", token)] {
                #expect(!text.contains(value), "the \(what) in output #\(i): \(text.prefix(300))")
            }
        }
        #expect(outputs.contains { $0.contains("(secret)") })
    }

    /// `value = "sk-…"` in the file: refused at plan time, with file and line, before any request.
    @Test func aLiteralSecretIsRefusedWithItsLine() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let file = try folder.account("""
              providerKeys = {
                { name = "careless", providerId = "openai", value = "sk-literal-0123456789abcdef" },
              },
            """)
        let r = try await api.luagate(["--plan", file])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("""
            \(file):5: providerKeys "careless": value is a literal secret: write account.env "NAME" or account.file "/path"
            """), "\(r.stderr)")
        #expect(!r.stderr.contains("sk-literal-0123456789abcdef") && r.stdout.isEmpty)
        #expect(api.server.requestLog.entries().isEmpty, "the file was refused after reading the account")
    }

    /// Bumping `secretVersion` rotates the key: exactly one rotate, then the plan is empty.
    @Test func bumpingSecretVersionRotatesOnce() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        try folder.write("anthropic.secret", Accounts.secret())
        let first = Accounts.secret(), second = Accounts.secret()
        let file = try Self.keyFile(folder, version: "1")
        let made = try await api.luagate(["--apply", file], environment: ["OPENAI_PROD_KEY": first])
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        let key = try #require(Accounts.named(api, .providerKeys, "openai-prod").first)
        #expect(Accounts.marker(key)?["secretVersion"] as? String == "1", "\(key.metadata ?? "nil")")
        let unchanged = try await api.luagate(["--plan", file, "--detailed-exitcode"], environment: ["OPENAI_PROD_KEY": second])
        #expect(unchanged.status == 0, "a new value alone is not a rotation: \(unchanged.stdout)")
        let before = Accounts.mutations(api).count

        _ = try Self.keyFile(folder, version: "2")
        let plan = try await api.luagate(["--plan", file, "--detailed-exitcode"], environment: ["OPENAI_PROD_KEY": second])
        #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("""
              ~ openai-prod (\(key.id))  rotate
                  value: (secret) rotate, version "1" → "2"

            """), "\(plan.stdout)")
        let r = try await api.luagate(["--apply", file], environment: ["OPENAI_PROD_KEY": second])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let sent = Accounts.mutations(api).dropFirst(before)
        #expect(sent.filter { $0.method == "POST" }.map(\.path) == ["/provider-keys/\(key.id)/rotate"], "\(sent.map(\.path))")
        #expect(sent.allSatisfy { $0.path.hasPrefix("/provider-keys/\(key.id)") }, "\(sent.map(\.path))")
        #expect(api.server.account.secret(.providerKeys, id: key.id, field: "value") == second)
        #expect(Accounts.marker(api.server.account.get(.providerKeys, id: key.id))?["secretVersion"] as? String == "2")
        #expect(api.server.account.get(.providerKeys, id: key.id)?.name == "openai-prod")

        let after = try await api.luagate(["--plan", file, "--detailed-exitcode"], environment: ["OPENAI_PROD_KEY": second])
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
        #expect(after.stdout.hasPrefix("No changes"), "\(after.stdout)")
    }

    /// A create the API refuses: its error, logged in full, does not show the value sent.
    @Test func aFailedCreateDoesNotShowTheSecret() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let secret = Accounts.secret()
        let file = try folder.account("""
              providerKeys = { { name = "refused", providerId = "openai", value = account.env "REFUSED_KEY" } },
            """)
        api.server.faults.enqueue(.status(400), method: "POST", pathPrefix: "/provider-keys")
        let r = try await api.luagate(["--apply", file, "--journal", folder.file("journal.jsonl"), "--report",
                                       folder.file("report.json"), "--verbose", "--log-level", "debug"],
                                      environment: ["REFUSED_KEY": secret])
        #expect(r.status == 5, "\(r.stdout)\(r.stderr)")
        for text in [r.stdout, r.stderr, try folder.read("journal.jsonl"), try folder.read("report.json")] {
            #expect(!text.contains(secret), "\(text.prefix(500))")
        }
    }
}

import FakeNgrokAI
import Foundation
import Testing

/// An apply stopped halfway (a lost response, SIGTERM) converges when run again, with or
/// without `--resume`: a create whose answer was lost is found by name, never made twice.
@Suite struct AccountResumeTests {
    static func file(_ folder: AccountFolder) throws -> String {
        try folder.account("""
              providerKeys = {
                { name = "k1", providerId = "openai", value = account.env "K1" },
                { name = "k2", providerId = "anthropic", value = account.env "K2" },
              },
              accessKeyConfigurations = {
                { name = "cfg", router = { rules = { { provider = "openai", steps = { { type = "user", keys = { "k1" } } } } } } },
              },
              accessKeys = { { name = "ak", accessKeyConfiguration = "cfg", tokenFile = "\(folder.file("ak.token"))" } },
            """)
    }

    static let env = ["K1": Accounts.secret(), "K2": Accounts.secret()]

    /// Each record of the file exists once, made by one POST, and the plan is empty.
    static func convergedOnce(_ api: APIHarness, _ file: String) async throws {
        for (resource, name) in [(Resource.providerKeys, "k1"), (.providerKeys, "k2"), (.accessKeyConfigurations, "cfg"),
                                 (.accessKeys, "ak")] {
            #expect(Accounts.named(api, resource, name).count == 1, "\(resource.name) \(name)")
        }
        let posts = api.requests("POST").map(\.path)
        #expect(posts.filter { $0 == "/provider-keys" }.count == 2, "\(posts)")
        #expect(posts.filter { $0 == "/access-key-configurations" }.count == 1, "\(posts)")
        #expect(posts.filter { $0 == "/access-keys" }.count == 1, "\(posts)")
        let cfg = try #require(Accounts.named(api, .accessKeyConfigurations, "cfg").first)
        #expect(Accounts.named(api, .accessKeys, "ak").first?["accessKeyConfiguration"]?.objectValue?["id"]?.stringValue == cfg.id)
        let plan = try await api.luagate(["--plan", file, "--detailed-exitcode"], environment: env)
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
    }

    /// The configuration is made but its 201 is lost: the apply stops short of the access key.
    static func interrupted(_ api: APIHarness, _ file: String, _ journal: String) async throws {
        api.server.faults.enqueue(.dropResponseAfterApplying, method: "POST", pathPrefix: "/access-key-configurations")
        let first = try await api.luagate(["--apply", file, "--journal", journal], environment: env)
        #expect(first.status != 0, "\(first.stdout)\(first.stderr)")
        #expect(Accounts.named(api, .accessKeyConfigurations, "cfg").count == 1, "the server made it")
        #expect(Accounts.named(api, .accessKeys, "ak").isEmpty)
    }

    @Test func aLostCreateIsFoundByNameWhenPlanningAgain() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let file = try Self.file(folder)
        try await Self.interrupted(api, file, folder.file("journal.jsonl"))
        let again = try await api.luagate(["--apply", file], environment: Self.env)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("applied: 1 created, 0 updated, 0 deleted"), "\(again.stdout)")
        try await Self.convergedOnce(api, file)
    }

    @Test func aLostCreateIsNotRepeatedOnResume() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let file = try Self.file(folder)
        let journal = folder.file("journal.jsonl")
        try await Self.interrupted(api, file, journal)
        let resumed = try await api.luagate(["--apply", file, "--journal", journal, "--resume"], environment: Self.env)
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        try await Self.convergedOnce(api, file)
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        for secret in Self.env.values { #expect(!text.contains(secret)) }
    }

    /// SIGTERM while the configuration's create is in flight (made, unanswered): the run stops,
    /// and `--resume` finishes the rest once.
    @Test func aTerminatedApplyIsResumedWithEachChangeMadeOnce() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let file = try Self.file(folder)
        let journal = folder.file("journal.jsonl")
        api.server.faults.enqueue(.respondLate(milliseconds: 60_000), method: "POST", pathPrefix: "/access-key-configurations")
        var env = Self.env
        env["AI_GATEWAY_API_URL"] = api.server.baseURL
        env["AI_GATEWAY_API_KEY"] = api.token
        let job = try await LiveProcess(ProcessRunner.luagate, ["--apply", file, "--journal", journal], environment: env)
        let deadline = ContinuousClock.now + .seconds(60)
        while api.server.faults.injectedCount(of: .respondLate) < 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(api.server.faults.injectedCount(of: .respondLate) == 1)
        job.signal(SIGTERM)
        let stopped = try await job.finish()
        #expect(stopped.status == 143, "\(stopped.stdout)\(stopped.stderr)")
        #expect(Accounts.named(api, .accessKeyConfigurations, "cfg").count == 1)
        #expect(Accounts.named(api, .accessKeys, "ak").isEmpty)

        let resumed = try await api.luagate(["--apply", file, "--journal", journal, "--resume"], environment: Self.env)
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        try await Self.convergedOnce(api, file)
        #expect(FileManager.default.fileExists(atPath: folder.file("ak.token")))
    }
}

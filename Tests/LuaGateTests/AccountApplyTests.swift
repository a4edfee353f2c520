import FakeNgrokAI
import Foundation
import Testing

/// `--apply FILE`: creates run in reference order across collections, deletes (with
/// `--prune`) in reverse, references by name become the ids the API made, and the plan
/// after an apply is empty.
@Suite struct AccountApplyTests {
    /// A custom provider and a key for it, an OpenAI key, a firewall policy, a configuration
    /// naming both keys and the policy, an access key naming the configuration, a virtual
    /// model and a gateway configuration field.
    static func everything(_ folder: AccountFolder) -> String {
        """
          providers = {
            { name = "My vLLM", providerId = "my-vllm", baseUrl = "https://vllm.example.com/v1",
              models = { { modelId = "llama-x" } },
              supportedApiSurfaces = { { format = "openai", surface = "chat-completions" } } },
          },
          providerKeys = {
            { name = "ord-openai", providerId = "openai", value = account.env "ORD_OPENAI", description = "d1" },
            { name = "ord-vllm", providerId = "my-vllm", value = account.env "ORD_VLLM" },
          },
          firewallPolicies = {
            { name = "ord-fw", description = "fw",
              rules = { { name = "no shell", phase = "response", tier = "hardDeny", toolNames = { "shell" } } } },
          },
          accessKeyConfigurations = {
            { name = "ord-cfg", firewallPolicy = "ord-fw", access = { providers = { allow = { "openai", "my-vllm" } } },
              router = { rules = {
                { provider = "openai", steps = { { type = "user", keys = { "ord-openai" } } } },
                { provider = "my-vllm", steps = { { type = "user", keys = { "ord-vllm" } } } } } } },
          },
          accessKeys = {
            { name = "ord-ak", accessKeyConfiguration = "ord-cfg", tokenFile = "\(folder.file("ord-ak.token"))" },
          },
          virtualModels = {
            { name = "ord-vm", models = { "openai:gpt-4o", "my-vllm:llama-x" } },
          },
          gatewayConfig = { perRequestTimeout = "45s" },
        """
    }

    static let secrets = ["ORD_OPENAI": Accounts.secret(), "ORD_VLLM": Accounts.secret()]

    /// The position of the first and last request whose `METHOD collection` is `what`.
    static func span(_ sent: [String], _ what: String) throws -> (first: Int, last: Int) {
        let first = try #require(sent.firstIndex(of: what), "no \(what) in \(sent)")
        return (first, sent.lastIndex(of: what)!)
    }

    @Test func createsRunInReferenceOrderAndReferencesBecomeIds() async throws {
        let api = try Accounts.sampleAPI()
        let folder = try AccountFolder()
        let file = try folder.account(Self.everything(folder), stack: "ord")
        let r = try await api.luagate(["--apply", file], environment: Self.secrets)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("applied: 7 created, 1 updated, 0 deleted"), "\(r.stdout)")

        let sent = Accounts.sent(api)
        #expect(sent.filter { $0.hasPrefix("POST") }.count == 7, "\(sent)")
        #expect(sent.filter { $0.hasPrefix("DELETE") }.isEmpty, "\(sent)")
        let providers = try Self.span(sent, "POST providers")
        let keys = try Self.span(sent, "POST provider-keys")
        let policies = try Self.span(sent, "POST firewall-policies")
        let configurations = try Self.span(sent, "POST access-key-configurations")
        let accessKeys = try Self.span(sent, "POST access-keys")
        #expect(providers.last < keys.first, "a key for the custom provider before the provider: \(sent)")
        #expect(keys.last < configurations.first, "a configuration before the keys its router names: \(sent)")
        #expect(policies.last < configurations.first, "a configuration before its firewall policy: \(sent)")
        #expect(configurations.last < accessKeys.first, "an access key before its configuration: \(sent)")
        #expect(sent.contains("POST virtual-models"))
        #expect(sent.contains("PATCH gateway-config"))

        // References by name became the ids the API gave.
        let openai = try #require(Accounts.named(api, .providerKeys, "ord-openai").first)
        let vllm = try #require(Accounts.named(api, .providerKeys, "ord-vllm").first)
        let policy = try #require(Accounts.named(api, .firewallPolicies, "ord-fw").first)
        let cfg = try #require(Accounts.named(api, .accessKeyConfigurations, "ord-cfg").first)
        let ak = try #require(Accounts.named(api, .accessKeys, "ord-ak").first)
        #expect(ak["accessKeyConfiguration"]?.objectValue?["id"]?.stringValue == cfg.id)
        #expect(cfg.firewallPolicyId == policy.id)
        let router = String(decoding: try JSONEncoder().encode(try #require(cfg["router"])), as: UTF8.self)
        #expect(router.contains(openai.id) && router.contains(vllm.id), "\(router)")
        #expect(api.server.account.secret(.providerKeys, id: openai.id, field: "value") == Self.secrets["ORD_OPENAI"])
        #expect(api.server.account.secret(.providerKeys, id: vllm.id, field: "value") == Self.secrets["ORD_VLLM"])
        #expect(api.server.account.singletonFields(.gatewayConfig)?["perRequestTimeout"]?.stringValue == "45s")
        #expect(Accounts.marker(openai)?["stack"] as? String == "ord")
        #expect(Accounts.marker(cfg)?["stack"] as? String == "ord")

        // The access key's token, written once, mode 0600.
        let token = try folder.read("ord-ak.token")
        #expect(!token.isEmpty && !r.stdout.contains(token.trimmingCharacters(in: .newlines)))
        let mode = try FileManager.default.attributesOfItem(atPath: folder.file("ord-ak.token"))[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // Nothing left to do.
        let again = try await api.luagate(["--plan", file, "--detailed-exitcode"], environment: Self.secrets)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.hasPrefix("No changes: the account matches"), "\(again.stdout)")
    }

    @Test func prunedDeletesRunInReverseReferenceOrder() async throws {
        let api = try Accounts.sampleAPI()
        let folder = try AccountFolder()
        let file = try folder.account(Self.everything(folder), stack: "ord")
        let made = try await api.luagate(["--apply", file], environment: Self.secrets)
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        let before = Accounts.mutations(api).count
        let ids = [
            "providers": Accounts.named(api, .providers, "My vLLM").first?.id,
            "provider-keys": Accounts.named(api, .providerKeys, "ord-openai").first?.id,
            "access-key-configurations": Accounts.named(api, .accessKeyConfigurations, "ord-cfg").first?.id,
            "access-keys": Accounts.named(api, .accessKeys, "ord-ak").first?.id,
        ]

        // The collections named, empty: what the stack made in them goes, with --prune only.
        let empty = try folder.account("""
              providers = {}, providerKeys = {}, firewallPolicies = {}, accessKeyConfigurations = {},
              accessKeys = {}, virtualModels = {},
            """, name: "empty.lua", stack: "ord")
        let kept = try await api.luagate(["--plan", empty, "--detailed-exitcode"])
        #expect(kept.status == 0, "\(kept.stdout)\(kept.stderr)")
        #expect(kept.stdout.contains("5 records this stack created are no longer in the file and are kept: pruning is off"),
                "\(kept.stdout)")

        let r = try await api.luagate(["--apply", empty, "--prune"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("applied: 0 created, 0 updated, 5 deleted"), "\(r.stdout)")
        let deletes = Accounts.mutations(api).dropFirst(before)
        #expect(deletes.allSatisfy { $0.method == "DELETE" }, "\(deletes.map(\.path))")
        let order = deletes.map(Accounts.collection)
        let accessKey = try #require(order.firstIndex(of: "access-keys"))
        let cfg = try #require(order.firstIndex(of: "access-key-configurations"))
        let key = try #require(order.firstIndex(of: "provider-keys"))
        let provider = try #require(order.firstIndex(of: "providers"))
        #expect(accessKey < cfg && cfg < key && key < provider, "\(order)")
        #expect(order.lastIndex(of: "provider-keys")! < provider, "\(order)")
        for (collection, id) in ids {
            let id = try #require(id)
            #expect(deletes.contains { $0.path == "/\(collection)/\(id)" }, "\(collection) \(id) not deleted")
        }
        // Collections without metadata carry no marker: never pruned.
        #expect(Accounts.named(api, .firewallPolicies, "ord-fw").count == 1)
        #expect(Accounts.named(api, .virtualModels, "ord-vm").count == 1)
        let after = try await api.luagate(["--plan", empty, "--prune", "--detailed-exitcode"])
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
    }

    /// A field of an existing record and of the gateway configuration: one PATCH each,
    /// with only what differs.
    @Test func updatesSendOnlyTheFieldsThatDiffer() async throws {
        let api = try Accounts.sampleAPI()
        let folder = try AccountFolder()
        let file = try folder.account(Self.everything(folder), stack: "ord")
        let made = try await api.luagate(["--apply", file], environment: Self.secrets)
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        let before = Accounts.mutations(api).count
        let changed = Self.everything(folder)
            .replacingOccurrences(of: "description = \"d1\"", with: "description = \"d2\"")
            .replacingOccurrences(of: "perRequestTimeout = \"45s\"", with: "perRequestTimeout = \"50s\"")
        try folder.account(changed, stack: "ord")
        let plan = try await api.luagate(["--plan", file, "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("Plan for stack \"ord\" (\(file)): 2 to update\n"), "\(plan.stdout)")
        #expect(plan.stdout.contains("      description: \"d1\" → \"d2\"\n"), "\(plan.stdout)")
        #expect(plan.stdout.contains("      perRequestTimeout: \"45s\" → \"50s\"\n"), "\(plan.stdout)")

        let r = try await api.luagate(["--apply", file])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let sent = Accounts.mutations(api).dropFirst(before)
        #expect(sent.map { "\($0.method) \(Accounts.collection($0))" } == ["PATCH provider-keys", "PATCH gateway-config"]
                || sent.map { "\($0.method) \(Accounts.collection($0))" } == ["PATCH gateway-config", "PATCH provider-keys"],
                "\(sent.map(\.path))")
        let key = try #require(sent.first { Accounts.collection($0) == "provider-keys" })
        let body = try #require(APIHarness.json(key.body))
        #expect(Set(body.keys) == ["description"], "\(key.bodyText)")
        let gateway = try #require(sent.first { Accounts.collection($0) == "gateway-config" })
        #expect(Set(try #require(APIHarness.json(gateway.body)).keys) == ["perRequestTimeout"], "\(gateway.bodyText)")
        #expect(api.server.account.singletonFields(.gatewayConfig)?["perRequestTimeout"]?.stringValue == "50s")
    }

    /// `--dry-run` shows what an apply would do and sends nothing.
    @Test func aDryRunSendsNothing() async throws {
        let api = try Accounts.sampleAPI()
        let folder = try AccountFolder()
        let file = try folder.account(Self.everything(folder), stack: "ord")
        let r = try await api.luagate(["--apply", file, "--dry-run"], environment: Self.secrets)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("dry run, nothing sent: would create 7, update 1, delete 0"), "\(r.stdout)")
        #expect(Accounts.mutations(api).isEmpty, "\(Accounts.sent(api))")
        #expect(!FileManager.default.fileExists(atPath: folder.file("ord-ak.token")))
    }

    /// `account.null` clears a field, on records and on the gateway configuration; then the plan is empty.
    @Test func nullClearsAField() async throws {
        let api = try Accounts.sampleAPI()
        let folder = try AccountFolder()
        let key = api.seed(name: "described", description: "old", metadata: Accounts.owned(by: "ord"))
        let file = try folder.account("""
              providerKeys = { { name = "described", providerId = "openai", value = account.env "X", description = account.null } },
              gatewayConfig = { maxInputTokens = account.null },
            """, stack: "ord")
        let plan = try await api.luagate(["--plan", file])
        #expect(plan.stdout.contains("      description: \"old\" → (none)\n"), "\(plan.stdout)")
        #expect(plan.stdout.contains(try #require(api.server.account.singletonFields(.gatewayConfig)?["maxInputTokens"]?.intValue)
            .description + " → (none)\n"), "\(plan.stdout)")
        let r = try await api.luagate(["--apply", file])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let patch = try #require(api.requests("PATCH").first { $0.path == "/provider-keys/\(key.id)" })
        #expect(try #require(APIHarness.json(patch.body))["description"] is NSNull, "\(patch.bodyText)")
        #expect(api.server.account.get(.providerKeys, id: key.id)?["description"] == .null)
        #expect(api.server.account.singletonFields(.gatewayConfig)?["maxInputTokens"]?.intValue == nil)
        let again = try await api.luagate(["--plan", file, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    }

    /// Values the API stores as it returns them are no difference: a firewall policy written
    /// with its defaults (mode "enforce", onError "block") and an integral float
    /// (maxInputTokens = 2000.0) plan to nothing once applied. A member removed from an item
    /// of a list (a rule's name) is a difference.
    @Test func defaultsAndIntegralFloatsAreNoDifference() async throws {
        let api = try Accounts.sampleAPI()
        let folder = try AccountFolder()
        let rule = #"{ name = "No shell", phase = "response", tier = "hardDeny", toolNames = { "shell" } }"#
        func policy(_ rule: String) -> String {
            """
              firewallPolicies = {
                { name = "fw-defaults", mode = "enforce", onError = "block", rules = { \(rule) } },
              },
              gatewayConfig = { maxInputTokens = 2000.0 },
            """
        }
        let file = try folder.account(policy(rule), stack: "fw")
        let made = try await Accounts.run(api, ["--apply", file])
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        #expect(made.stdout.contains("applied: 1 created, 1 updated, 0 deleted"), "\(made.stdout)")
        #expect(api.server.account.singletonFields(.gatewayConfig)?["maxInputTokens"]?.intValue == 2000)
        let again = try await Accounts.run(api, ["--plan", file, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout == "No changes: the account matches \(file) (stack \"fw\").\n", "\(again.stdout)")

        let before = Accounts.mutations(api).count
        try folder.account(policy(rule.replacingOccurrences(of: #"name = "No shell", "#, with: "")), stack: "fw")
        let unnamed = try await Accounts.run(api, ["--plan", file, "--detailed-exitcode"])
        #expect(unnamed.status == 2, "\(unnamed.stdout)\(unnamed.stderr)")
        #expect(unnamed.stdout.hasPrefix("Plan for stack \"fw\" (\(file)): 1 to update\n"), "\(unnamed.stdout)")
        #expect(unnamed.stdout.contains(#"""
                  rules: [{"name":"No shell","phase":"response","tier":"hardDeny","toolNames":["shell"]}] → [{"phase":"response","tier":"hardDeny","toolNames":["shell"]}]
            """#), "\(unnamed.stdout)")
        #expect(!unnamed.stdout.contains("mode") && !unnamed.stdout.contains("maxInputTokens"), "\(unnamed.stdout)")
        #expect(Accounts.mutations(api).count == before)
    }
    /// With `--journal`, an account apply still sends one request per changed record: the
    /// record as the plan read it is the journal's `before` (no GET of the record first).
    @Test func applyWithAJournalSendsOneRequestPerChange() async throws {
        let api = try Accounts.emptyAPI()
        for i in 1...5 { api.seed(name: "k\(i)", description: "old", metadata: Accounts.owned(by: "platform")) }
        let folder = try AccountFolder()
        let records = (1...5).map { #"{ name = "k\#($0)", providerId = "openai", description = "new" },"# }
        let file = try folder.account("  providerKeys = {\n" + records.joined(separator: "\n") + "\n  },")
        let journal = folder.file("journal.jsonl")
        let r = try await Accounts.run(api, ["--apply", file, "--journal", journal])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let byID = api.requests("GET").filter { $0.path.hasPrefix("/provider-keys/") }
        #expect(byID.isEmpty, "read again before the change: \(byID.map(\.path))")
        #expect(api.requests("PATCH").count == 5)
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        let started = lines.filter { $0.contains(#""status":"started""#) }
        #expect(started.count == 5)
        #expect(started.allSatisfy { $0.contains(#""before":{"#) && $0.contains(#""description":"old""#) }, "\(started)")
    }
}

import FakeNgrokAI
import Foundation
import Testing

/// `--export` then `--plan` against the same account is an empty plan (the round trip the
/// issue promises), on the sample account and on an account of 2,000 provider keys.
@Suite struct AccountExportTests {
    /// The sandbox's sample account, as a newcomer tries it: export, then plan.
    @Test func theSandboxRoundTripsToAnEmptyPlan() async throws {
        let folder = try AccountFolder()
        let export = try await ProcessRunner.luagate(["--sandbox", "--export", folder.file("account.lua")])
        #expect(export.status == 0, "\(export.stderr)")
        let plan = try await ProcessRunner.luagate(["--sandbox", "--plan", folder.file("account.lua"), "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.hasPrefix("No changes: the account matches \(folder.file("account.lua"))"), "\(plan.stdout)")
    }

    /// Over loopback: the export names every collection, holds no id and no secret value, and
    /// planning it sends nothing and finds nothing to change.
    @Test func theSampleAccountRoundTripsToAnEmptyPlan() async throws {
        let api = try Accounts.sampleAPI()
        let folder = try AccountFolder()
        let export = try await api.luagate(["--export", folder.file("account.lua")])
        #expect(export.status == 0, "\(export.stderr)")
        let text = try folder.read("account.lua")
        for collection in ["providers", "providerKeys", "accessKeyConfigurations", "accessKeys", "apiKeys",
                           "gatewayConfig", "virtualModels", "firewallPolicies"] {
            #expect(text.contains("\n  \(collection) = {"), "\(collection) missing from the export")
        }
        #expect(!text.contains("aigpk_") && !text.contains("aigak_") && !text.contains("aigakc_"), "ids in the export")
        for key in api.server.account.all(.providerKeys) {
            let value = try #require(api.server.account.secret(.providerKeys, id: key.id, field: "value"))
            #expect(!text.contains(value), "a key's value in the export")
        }

        let plan = try await api.luagate(["--plan", folder.file("account.lua"), "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.hasPrefix("No changes: the account matches"), "\(plan.stdout)")
        let json = try await api.luagate(["--plan", folder.file("account.lua"), "--plan-format", "json"])
        let document = try #require(APIHarness.json(Array(json.stdout.utf8)), "\(json.stdout)\(json.stderr)")
        #expect((document["changes"] as? [Any])?.isEmpty == true)
        #expect(Accounts.mutations(api).isEmpty)
    }

    /// 5,000 provider keys (and the sample's other records around them): the exported file
    /// (5,000 records after a long comment naming their variables) loads and plans.
    @Test func fiveThousandProviderKeysRoundTripToAnEmptyPlan() async throws {
        let api = try APIHarness(.sandbox(keyCount: 5000, token: "tok-\(UUID().uuidString)"))
        let folder = try AccountFolder()
        let export = try await Accounts.run(api, ["--export", folder.file("big.lua")])
        #expect(export.status == 0, "\(export.stderr)")
        let text = try folder.read("big.lua")
        #expect(text.components(separatedBy: "value = account.env \"").count - 1 == 5000)
        let plan = try await Accounts.run(api, ["--plan", folder.file("big.lua"), "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout.prefix(2000))\(plan.stderr)")
        #expect(plan.stdout.hasPrefix("No changes: the account matches"))
        #expect(Accounts.mutations(api).isEmpty)
    }

    /// `--export -` writes to standard output; `--collections` keeps only those named.
    @Test func exportToStandardOutputOfChosenCollections() async throws {
        let api = try Accounts.sampleAPI()
        let r = try await api.luagate(["--export", "-", "--collections", "accessKeys,apiKeys"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\n  accessKeys = {") && r.stdout.contains("\n  apiKeys = {"), "\(r.stdout)")
        #expect(!r.stdout.contains("providerKeys =") && !r.stdout.contains("gatewayConfig ="), "\(r.stdout)")
        let folder = try AccountFolder()
        let path = try folder.write("part.lua", r.stdout)
        let plan = try await api.luagate(["--plan", path, "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
    }

    /// Records a stack applied carry their marker's extras: the export names the stack and
    /// writes `protect` and `secretVersion` back, so planning it changes nothing.
    @Test func anExportKeepsTheStackProtectAndSecretVersion() async throws {
        let api = try Accounts.emptyAPI()
        let folder = try AccountFolder()
        let file = try folder.account("""
              providerKeys = { { name = "pk", providerId = "openai", value = account.env "PK", secretVersion = "3", protect = true,
                                 metadata = { team = "z" } } },
            """, stack: "owned")
        let applied = try await api.luagate(["--apply", file], environment: ["PK": Accounts.secret()])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let r = try await api.luagate(["--export", "-", "--collections", "providerKeys"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("  stack = \"owned\",\n"), "\(r.stdout)")
        #expect(r.stdout.contains("""
                  name = "pk",
                  metadata = { team = "z" },
                  protect = true,
                  providerId = "openai",
                  secretVersion = "3",
                  value = account.env "PROVIDER_KEY_PK",
            """), "\(r.stdout)")
        let exported = try folder.write("exported.lua", r.stdout)
        let plan = try await api.luagate(["--plan", exported, "--prune", "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout == "No changes: the account matches \(exported) (stack \"owned\").\n", "\(plan.stdout)")
    }

    /// An account without a gateway configuration (the API answers 404): the export leaves
    /// it out, says so in a comment, and plans to nothing.
    @Test func anAccountWithoutAGatewayConfigurationExports() async throws {
        let api = try Accounts.emptyAPI()
        api.seed(name: "only-key", metadata: Accounts.owned(by: "bare"))
        let folder = try AccountFolder()
        let r = try await Accounts.run(api, ["--export", folder.file("bare.lua")])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(!r.stderr.contains("stack traceback"), "\(r.stderr)")
        let text = try folder.read("bare.lua")
        #expect(!text.contains("gatewayConfig ="), "\(text)")
        #expect(text.contains("--   gatewayConfig: the account has none\n"), "\(text)")
        #expect(text.contains("\n  providerKeys = {\n"), "\(text)")
        let plan = try await Accounts.run(api, ["--plan", folder.file("bare.lua"), "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.hasPrefix("No changes: the account matches"), "\(plan.stdout)")
        #expect(Accounts.mutations(api).isEmpty)
    }
}

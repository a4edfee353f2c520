import Foundation
import Testing

/// The editor definitions and the luacheck std (share/) are what `luagate --types` writes, and
/// describe exactly the functions the running binary has.
@Suite struct EditorFilesTests {
    static let share = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("share")

    /// Every global luagate adds, with its function fields, as the binary has them.
    static func runtimeFunctions() async throws -> Set<String> {
        let r = try await ProcessRunner.luagate(["-e", """
            for _, g in ipairs{"providerKeys", "accessKeys", "accessKeyConfigurations", "apiKeys", "providers",
                               "gatewayConfig", "usage", "credits", "virtualModels", "firewallPolicies", "models",
                               "api", "json", "task"} do
              for k, v in pairs(_G[g]) do if type(v) == "function" then print(g .. "." .. k) end end
            end
            """])
        #expect(r.status == 0, "\(r.stderr)")
        return Set(r.stdout.split(separator: "\n").map(String.init))
    }

    @Test func committedFilesAreWhatTheBinaryWrites() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-types-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await ProcessRunner.luagate(["--types", dir])
        #expect(r.status == 0, "\(r.stderr)")
        let written = try FileManager.default.subpathsOfDirectory(atPath: dir).filter { $0.hasSuffix(".lua") || $0 == "luacheckrc" }
        #expect(written.count >= 8)
        for path in written {
            let committed = Self.share.appendingPathComponent(path)
            let made = try String(contentsOfFile: "\(dir)/\(path)", encoding: .utf8)
            let kept = (try? String(contentsOf: committed, encoding: .utf8)) ?? ""
            #expect(made == kept, "share/ is out of date for \(path): run luagate --types, see README")
        }
    }

    @Test func definitionsDescribeExactlyTheFunctionsThatExist() async throws {
        let types = try String(contentsOf: Self.share.appendingPathComponent("luagate.lua"), encoding: .utf8)
        let defined = Set(types.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("function "), let open = line.firstIndex(of: "(") else { return nil }
            let name = String(line[line.index(line.startIndex, offsetBy: 9)..<open])
            return name.contains(":") ? nil : name
        })
        let existing = try await Self.runtimeFunctions()
        #expect(existing.subtracting(defined).isEmpty, "not defined: \(existing.subtracting(defined).sorted())")
        #expect(defined.subtracting(existing).isEmpty, "defined but absent: \(defined.subtracting(existing).sorted())")
        let std = try String(contentsOf: Self.share.appendingPathComponent("luacheckrc"), encoding: .utf8)
        for name in existing {
            let parts = name.split(separator: ".")
            #expect(std.contains("\(parts[0]) = { fields = {") && std.contains("\(parts[1]) = {}"), "\(name) missing from luacheckrc")
        }
    }

    /// `luagate.account`: the call, the secret references, and the file's shape from the catalogue
    /// (one field per collection, references by name, secrets and luagate's own extras typed).
    @Test func accountModuleDefinitionsAreWritten() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luagate-types-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await ProcessRunner.luagate(["--types", dir])
        #expect(r.status == 0, "\(r.stderr)")
        let path = "\(dir)/luagate/account.lua"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = Set(text.split(separator: "\n").map(String.init))
        for line in [
            "---@meta luagate.account",
            "---@overload fun(t: luagate.account.file): luagate.account.file",
            "function account.env(name) end", "function account.file(path) end",
            "---@return luagate.account.secret",
            "---@field stack string Names this file's records in their ownership marker (metadata member `luagate`).",
            "---@field include? string[] More files (paths relative to this one), each returning a table of collections.",
            "return account",
        ] {
            #expect(lines.contains(line), "missing: \(line)")
        }
        // One field per collection (a list) and the gateway configuration (a table); no read-only resource.
        for collection in ["providerKeys", "accessKeys", "accessKeyConfigurations", "apiKeys", "providers",
                           "virtualModels", "firewallPolicies"] {
            #expect(text.contains("---@field \(collection)? luagate.account."), "no \(collection)")
            #expect(text.contains("---A record of `\(collection)` in an account file."), "no record class for \(collection)")
        }
        #expect(text.contains("---@field gatewayConfig? luagate.account.gatewayConfig "))
        for absent in ["usage", "credits", "models"] {
            #expect(!text.contains("---@field \(absent)? luagate.account."), "\(absent) is not part of an account")
        }
        // Each class's fields, as lines between its `---@class` and the next blank line.
        func fields(_ record: String) -> [String] {
            guard let start = text.range(of: "---@class luagate.account.\(record)\n") else { return [] }
            return String(text[start.upperBound...]).components(separatedBy: "\n\n")[0].split(separator: "\n").map(String.init)
        }
        let providerKey = fields("providerKey")
        #expect(providerKey.contains { $0.hasPrefix("---@field name string ") })
        #expect(providerKey.contains { $0.hasPrefix("---@field providerId string ") })
        #expect(providerKey.contains { $0.hasPrefix("---@field value luagate.account.secret ") })
        #expect(providerKey.contains { $0.hasPrefix("---@field secretVersion? string ") })
        #expect(providerKey.contains { $0.hasPrefix("---@field metadata? table|string|lightuserdata ") })
        #expect(providerKey.contains { $0.hasPrefix("---@field description? string|lightuserdata ") })
        for extra in ["renamedFrom? string", "adopt? boolean", "protect? boolean"] {
            #expect(providerKey.contains { $0.hasPrefix("---@field \(extra) ") }, "providerKey: no \(extra)")
        }
        #expect(!providerKey.contains { $0.hasPrefix("---@field id") || $0.hasPrefix("---@field keyRedacted") })
        #expect(!providerKey.contains { $0.hasPrefix("---@field tokenFile") })
        let accessKey = fields("accessKey")
        #expect(accessKey.contains { $0.hasPrefix("---@field accessKeyConfiguration? string|lightuserdata ") })
        #expect(accessKey.contains { $0.hasPrefix("---@field tokenFile? string ") })
        #expect(!accessKey.contains { $0.hasPrefix("---@field accessKeyConfigurationId") || $0.hasPrefix("---@field token ") })
        #expect(!accessKey.contains { $0.hasPrefix("---@field secretVersion") })
        #expect(fields("apiKey").contains { $0.hasPrefix("---@field tokenFile? string ") })
        #expect(fields("accessKeyConfiguration").contains { $0.hasPrefix("---@field firewallPolicy? string|lightuserdata ") })
        let gateway = fields("gatewayConfig")
        #expect(gateway.contains { $0.hasPrefix("---@field perRequestTimeout? string ") })
        #expect(gateway.contains { $0.hasPrefix("---@field firewallPolicy? string|lightuserdata ") })
        #expect(!gateway.contains { $0.hasPrefix("---@field name ") || $0.hasPrefix("---@field renamedFrom") || $0.hasPrefix("---@field uri") })
        // A definition file is Lua that compiles.
        let compiled = try await ProcessRunner.luagate(["-e", "assert(loadfile(\"\(path)\"))"])
        #expect(compiled.status == 0, "\(compiled.stderr)")
    }
}

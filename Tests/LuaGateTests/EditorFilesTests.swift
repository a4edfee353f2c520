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
}

import Foundation
import Testing

/// Rehearsing "find unused keys" in the sandbox gives the answer its usage gives: the keys
/// `scripts/examples/unused-keys.lua 30` lists are exactly those with no usage event in the
/// last 30 days, and every key's `lastUsed` agrees with the usage the sandbox serves.
@Suite struct SandboxLastUsedTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/examples").path

    @Test func unusedKeysAgreesWithUsage() async throws {
        let script = """
            local time = require "luagate.time"
            local function used_since(cutoff)
              local ids = {}
              for e in usage.iter{startTime = cutoff, includeRetries = true} do
                if e.providerKeyId then ids[e.providerKeyId] = true end
                ids[e.accessKeyId] = true
              end
              return ids
            end
            -- Usage covers the 60 days before today's midnight (UTC): 61 days back holds it all.
            local cut30, cut61 = time.days_ago(30), time.days_ago(61)
            local recent, window = used_since(cut30), used_since(cut61)
            local unused, inconsistent = {}, {}
            for key in providerKeys.iter() do
              if not recent[key.id] then unused[#unused + 1] = key.name end
            end
            for _, lib in ipairs{providerKeys, accessKeys} do
              for key in lib.iter() do
                local last = key.lastUsed and time.parse(key.lastUsed)
                -- used in the window: lastUsed within it; not used: never, or before it
                if (window[key.id] or false) ~= (last ~= nil and last >= cut61) then inconsistent[#inconsistent + 1] = key.name end
                if (recent[key.id] or false) ~= (last ~= nil and last >= cut30) then inconsistent[#inconsistent + 1] = key.name end
              end
            end
            table.sort(unused)
            print(#unused .. " unused: " .. table.concat(unused, ", "))
            print("inconsistent: " .. table.concat(inconsistent, ", "))
            """
        let expected = try await ProcessRunner.luagate(["--sandbox", "-e", script])
        #expect(expected.status == 0, "\(expected.stderr)")
        let lines = expected.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(expected.stdout)")
        #expect(lines[1] == "inconsistent: ")
        let count = try #require(Int(lines[0].prefix { $0.isNumber }))
        #expect(count > 0 && count < 40, "some keys are in use, some are not: \(lines[0])")

        let r = try await ProcessRunner.luagate(["--sandbox", Self.examples + "/unused-keys.lua", "30"])
        #expect(r.status == 0, "\(r.stderr)")
        let listed = r.stdout.split(separator: "\n").dropFirst().map { line in
            String(line.dropFirst(2).prefix(28)).trimmingCharacters(in: .whitespaces)
        }.sorted()
        #expect(r.stdout.hasPrefix("\(count) keys unused for 30 days:\n"), "\(r.stdout)")
        #expect(lines[0] == "\(count) unused: " + listed.joined(separator: ", "))
    }
}

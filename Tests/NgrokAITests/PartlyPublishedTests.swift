import FakeNgrokAI
import Foundation
import NgrokAI
import Testing
import TestSupport

/// The catalogue's model for issue 18: partly published resources (unknown members pass, known
/// ones are checked), the `number` type, the prose rules with ngrok's codes, and queries with a
/// positional argument, through the generic client against the fake.
@Suite struct PartlyPublishedTests {
    @Test func onlyPartlyPublishedResourcesLetUnknownMembersThrough() throws {
        let body: [String: JSONValue] = ["name": "p", "phase": "request", "rules": [["tier": "allow", "regex": "x"]]]
        let checked = try Resource.firewallPolicies.checked(body, for: .create)
        #expect(checked["phase"] == "request")
        #expect(checked["rules"]?.arrayValue?.first?["regex"] == "x")
        #expect(Shape.unknownFields(in: .object(body), fields: Resource.firewallPolicies.fields) == ["phase", "rules.regex"])
        // A known field of the wrong kind, or a read-only one, is still refused.
        #expect(throws: Violation.self) { try Resource.firewallPolicies.checked(["name": "p", "mode": "loud"], for: .create) }
        #expect(throws: Violation.self) { try Resource.firewallPolicies.checked(["name": "p", "accountWide": true], for: .create) }
        #expect(throws: Violation.self) { try Resource.firewallPolicies.checked(["name": "p", "rules": [["regex": "x"]]], for: .create) }
        // Fully published resources stay strict.
        #expect(Catalogue.all.filter(\.partlyPublished).map(\.name) == ["virtualModels", "firewallPolicies"])
        #expect(throws: Violation.self) { try Resource.apiKeys.checked(["name": "k", "phase": "x"], for: .create) }
    }

    @Test func numbersTakeFractions() throws {
        let field = Field("ratio", .number, "", create: .required)
        #expect(try Shape.check(["ratio": .double(99.5)], fields: [field], mode: .create, path: "")["ratio"] == .double(99.5))
        #expect(try Shape.check(["ratio": 3], fields: [field], mode: .create, path: "")["ratio"] == 3)
        #expect(throws: Violation.self) { try Shape.check(["ratio": "3"], fields: [field], mode: .create, path: "") }
    }

    @Test func virtualModelRulesCarryNgroksCodes() {
        func code(_ body: [String: JSONValue]) -> String? {
            do {
                _ = try Resource.virtualModels.checked(body, for: .create)
                return nil
            } catch {
                return error.code
            }
        }
        let prefix = Resource.virtualModelCode
        #expect(code(["models": ["a"]]) == prefix + "NAME_REQUIRED")
        #expect(code(["name": .string(String(repeating: "n", count: 65)), "models": ["a"]]) == prefix + "NAME_TOO_LONG")
        #expect(code(["name": "a b", "models": ["a"]]) == prefix + "NAME_ILLEGAL_CHARACTER")
        #expect(code(["name": "v", "models": []]) == prefix + "TARGETS_OUT_OF_RANGE")
        #expect(code(["name": "v", "models": .array((0...10).map { .string("m\($0)") })]) == prefix + "TARGETS_OUT_OF_RANGE")
        #expect(code(["name": "v", "models": ["a", "a"]]) == prefix + "TARGET_DUPLICATED")
        #expect(code(["name": "v", "models": ["ngrok/auto", "a"]]) == prefix + "TARGET_AUTO_MIXED_NOT_ALLOWED")
        #expect(code(["name": "Model-1.2_x", "models": ["ngrok/auto"]]) == nil)
        #expect(throws: Violation.self) {
            try Resource.firewallPolicies.checked(["name": "p", "rules": .array((0...48).map { _ in ["tier": "allow"] })], for: .create)
        }
    }

    @Test func queriesWithAnArgument() async throws {
        try await FakeFixture.run(sampleAccount: true) { f in
            let model = try await f.client.query(.models, "get", argument: "gpt-4o-mini")
            #expect(model["id"] == "gpt-4o-mini")
            #expect(model["providers"]?.arrayValue?.first?["pricing"]?["currency"] == "USD")
            let missing = await captureError { try await f.client.query(.models, "get", argument: "nope") }
            #expect(missing?.status == 404)
            let events = try await f.client.list(.usage, parameters: ["startTime": "2020-01-01T00:00:00Z", "limit": 1])
            let id = try #require(events.records.first?["requestId"]?.stringValue)
            let trace = try await f.client.query(.usage, "attempts", argument: id)
            #expect(trace["requestId"]?.stringValue == id)
            #expect(trace["attempts"]?.arrayValue?.isEmpty == false)
            let path = try #require(f.server.requestLog.entries().last?.uri)
            #expect(path.hasPrefix("/usage/requests/"))
            let noArgument = await captureError { try await f.client.query(.usage, "attempts") }
            #expect(noArgument?.code == NgrokAIError.Code.validation)
        }
    }
}

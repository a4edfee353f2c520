import FakeNgrokAI
import Foundation
import NgrokAI
import Testing
import TestSupport

/// Every entry of the catalogue through the generic client, over real HTTP against the fake.
@Suite struct CatalogueTests {
    static let collections = Catalogue.all.filter { $0.kind == .collection }.map(\.name)

    /// create → get → update → list → delete, for every collection.
    @Test(arguments: collections)
    func roundTrip(_ name: String) async throws {
        let resource = try #require(Catalogue.resource(name))
        try await FakeFixture.run { f in
            let body = CatalogueSamples.createBody(resource, tag: "rt")
            let created = try await f.client.create(resource, body)
            let id = try #require(created["id"]?.stringValue)
            #expect(id.hasPrefix(resource.idPrefix))
            for (field, value) in body where resource.field(field)?.inRecord == true {
                #expect(created[field] == value, "\(name).\(field)")
            }
            let fetched = try await f.client.get(resource, id: id)
            #expect(fetched["id"] == created["id"])

            let changed = try #require(resource.fields.first { $0.update != .no && CatalogueSamples.isPlainString($0) })
            let updated = try await f.client.update(resource, id: id, [changed.name: "changed"])
            #expect(updated[changed.name] == "changed")
            #expect(try await f.client.get(resource, id: id)[changed.name] == "changed")

            let all = try await f.client.listAll(resource, parameters: ["limit": 1])
            let ids = all.compactMap { $0["id"]?.stringValue }
            #expect(ids.contains(id))

            try await f.client.delete(resource, id: id)
            let gone = await captureError { try await f.client.get(resource, id: id) }
            #expect(gone?.status == 404)
        }
    }

    /// Every string limit and type of every writable field is refused before any request.
    @Test(arguments: collections)
    func limitsAndTypesAreRefusedBeforeSending(_ name: String) async throws {
        let resource = try #require(Catalogue.resource(name))
        try await FakeFixture.run { f in
            let valid = CatalogueSamples.createBody(resource, tag: "lim")
            // A partly published resource sends unknown fields (PartlyPublishedTests).
            var cases: [[String: JSONValue]] = resource.partlyPublished ? [] : [valid.merging(["notAField": "x"]) { a, _ in a }]
            for field in resource.fields where field.create != .no {
                if let max = field.maxLength {
                    cases.append(valid.merging([field.name: .string(String(repeating: "é", count: max + 1))]) { _, b in b })
                }
                cases.append(valid.merging([field.name: .bool(true)]) { _, b in b })
                if field.create == .required { cases.append(valid.filter { $0.key != field.name }) }
            }
            for body in cases {
                let error = await captureError { try await f.client.create(resource, body) }
                #expect(error?.code == NgrokAIError.Code.validation, "\(name) \(body)")
                #expect(error?.attempts == 0)
            }
            #expect(f.server.requestLog.entries().isEmpty, "nothing was sent")
        }
    }

    /// `null` clears every clearable field.
    @Test(arguments: collections)
    func nullClears(_ name: String) async throws {
        let resource = try #require(Catalogue.resource(name))
        try await FakeFixture.run { f in
            let created = try await f.client.create(resource, CatalogueSamples.createBody(resource, tag: "null"))
            let id = try #require(created["id"]?.stringValue)
            for field in resource.fields where field.update == .setOrClear && !field.requiredInRecord && field.inRecord {
                let record = try await f.client.update(resource, id: id, [field.name: .null])
                #expect(record[field.name] == nil || record[field.name] == .null, "\(name).\(field.name)")
            }
        }
    }

    @Test func singletonAndReadOnlyResourcesRefuseWhatTheyDoNotSupport() async throws {
        try await FakeFixture.run(sampleAccount: true) { f in
            let create = await captureError { try await f.client.create(.gatewayConfig, [:]) }
            #expect(create?.message.contains("not an operation of gatewayConfig") == true, "\(String(describing: create))")
            let delete = await captureError { try await f.client.delete(.usage, id: "x") }
            #expect(delete?.code == NgrokAIError.Code.validation)
            let update = await captureError { try await f.client.update(.credits, id: nil, [:]) }
            #expect(update?.code == NgrokAIError.Code.validation)
            let missingStart = await captureError { try await f.client.list(.usage) }
            #expect(missingStart?.field == "startTime")
            #expect(f.server.requestLog.entries().isEmpty)
            let config = try await f.client.update(.gatewayConfig, id: nil, ["maxOutputTokens": 2048, "maxInputTokens": .null])
            #expect(config["maxOutputTokens"] == 2048)
            #expect(config["maxInputTokens"] == nil || config["maxInputTokens"] == .null)
            let badDuration = await captureError { try await f.client.update(.gatewayConfig, id: nil, ["totalTimeout": "later"]) }
            #expect(badDuration?.field == "totalTimeout")
        }
    }

    /// Tokens come back from create only; lists and gets never hold them.
    @Test(arguments: ["accessKeys", "apiKeys"])
    func tokensAreReturnedOnce(_ name: String) async throws {
        let resource = try #require(Catalogue.resource(name))
        try await FakeFixture.run { f in
            let created = try await f.client.create(resource, ["name": "once"])
            let token = try #require(created["token"]?.stringValue)
            let id = try #require(created["id"]?.stringValue)
            #expect(created["keyRedacted"]?.stringValue?.contains("***") == true)
            #expect(try await f.client.get(resource, id: id)["token"] == nil)
            let listed = try await f.client.listAll(resource)
            #expect(listed.allSatisfy { $0["token"] == nil })
            #expect(f.server.account.secret(resource, id: id, field: "token") == token)
        }
    }

    /// Usage is paged by an opaque cursor: small pages add up to the whole window.
    @Test func usagePaginationFollowsTheCursor() async throws {
        try await FakeFixture.run(sampleAccount: true) { f in
            let start = JSONValue.string(RFC3339.string(from: Date(timeIntervalSinceNow: -10 * 86_400)))
            let whole = try await f.client.listAll(.usage, parameters: ["startTime": start, "includeRetries": true])
            let paged = try await f.client.listAll(.usage, parameters: ["startTime": start, "includeRetries": true, "limit": 37])
            #expect(whole.count > 100)
            #expect(paged.map { $0["id"] } == whole.map { $0["id"] })
            let first = try await f.client.list(.usage, parameters: ["startTime": start, "limit": 10])
            #expect(first.records.count == 10)
            #expect(first.nextPageURI?.contains("cursor=") == true)
            let finals = try await f.client.listAll(.usage, parameters: ["startTime": start])
            #expect(finals.count < whole.count && finals.allSatisfy { $0["isFinalAttempt"] == true })
            let overview = try await f.client.query(.usage, "overview", parameters: ["startTime": start])
            #expect(overview["totals"]?["requests"]?.intValue == Int64(finals.count))
            let balance = try await f.client.query(.credits, "balance")
            #expect(balance["balanceCents"]?.intValue == 125_000)
            let items = try await f.client.query(.credits, "transactions")
            #expect(items.arrayValue?.count == 4)
        }
    }

    /// References: a configuration that must exist, deletes refused while in use, inline keys.
    @Test func referencesAreChecked() async throws {
        try await FakeFixture.run(sampleAccount: true) { f in
            let missing = await captureError { try await f.client.create(.accessKeys, ["accessKeyConfigurationId": "aigakc_nope"]) }
            #expect(missing?.status == 400)
            #expect(missing?.message.contains("aigakc_nope") == true)

            let configuration = try await f.client.create(.accessKeyConfigurations, [
                "name": "refs", "access": ["providers": ["allow": ["openai"]]],
                "router": ["rules": [["provider": "openai", "steps": [["type": "user", "keys": [["name": "inline", "value": "sk-inline-0123456789abcdef"]]]]]]],
            ])
            let configurationID = try #require(configuration["id"]?.stringValue)
            let stepKey = try #require(configuration["router"]?["rules"]?.arrayValue?.first?["steps"]?.arrayValue?.first?["keys"]?.arrayValue?.first)
            let keyID = try #require(stepKey["id"]?.stringValue)
            #expect(stepKey["name"] == "inline")
            #expect(stepKey["keyRedacted"]?.stringValue?.contains("***") == true)
            #expect(stepKey["value"] == nil)
            #expect(f.server.account.secret(.providerKeys, id: keyID, field: "value") == "sk-inline-0123456789abcdef")

            let key = try await f.client.create(.accessKeys, ["name": "uses", "accessKeyConfigurationId": .string(configurationID)])
            #expect(key["accessKeyConfiguration"]?["name"] == "refs")
            let inUse = await captureError { try await f.client.delete(.accessKeyConfigurations, id: configurationID) }
            #expect(inUse?.status == 409)
            let keyID2 = try #require(key["id"]?.stringValue)
            let allowAll = try await f.client.update(.accessKeys, id: keyID2, ["accessKeyConfigurationId": .null])
            #expect(allowAll["accessKeyConfiguration"] == nil || allowAll["accessKeyConfiguration"] == .null)
            try await f.client.delete(.accessKeyConfigurations, id: configurationID)

            let provider = try #require(try await f.client.listAll(.providers).first)
            let twice = await captureError {
                try await f.client.create(.providers, ["providerId": "internal-vllm", "name": "again", "baseUrl": "https://x.example.com"])
            }
            #expect(twice?.status == 409)
            #expect(twice?.message.contains("already has providerId \"internal-vllm\"") == true, "\(String(describing: twice))")
            let providerInUse = await captureError { try await f.client.delete(.providers, id: provider["id"]!.stringValue!) }
            #expect(providerInUse?.status == 409)
            #expect(providerInUse?.code == "ERR_NGROK_409")
        }
    }
}

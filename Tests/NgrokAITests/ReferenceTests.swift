import FakeNgrokAI
import Foundation
import NgrokAI
import Testing
import TestSupport

/// Every top-level reference the catalogue names that must exist and blocks deletion (an access
/// key's configuration, a configuration's firewall policy, the gateway configuration's
/// account-wide policy): a write naming no record is a 400, deleting the record while it is
/// named is a 409, and clearing the reference frees it. Driven by the catalogue.
@Suite struct ReferenceTests {
    static let references: [String] = Catalogue.all.flatMap { resource in
        resource.fields.compactMap { field -> String? in
            guard let reference = field.reference, reference.mustExist, reference.blocksDelete, reference.key == "id",
                  Catalogue.resource(reference.resource)?.kind == .collection, resource.kind != .readOnly
            else { return nil }
            return "\(resource.name).\(field.name)"
        }
    }

    @Test func theCatalogueHasTheReferences() {
        #expect(Set(Self.references).isSuperset(of: [
            "accessKeys.accessKeyConfigurationId", "accessKeyConfigurations.firewallPolicyId", "gatewayConfig.firewallPolicyId",
        ]))
    }

    @Test(arguments: references)
    func aReferenceMustExistAndBlocksDeletion(_ name: String) async throws {
        let parts = name.split(separator: ".").map(String.init)
        let resource = try #require(Catalogue.resource(parts[0]))
        let field = try #require(resource.field(parts[1]))
        let target = try #require(Catalogue.resource(field.reference!.resource))
        try await FakeFixture.run { f in
            let pointed = try await f.client.create(target, CatalogueSamples.createBody(target, tag: "target"))
            let targetID = try #require(pointed["id"]?.stringValue)

            func write(_ value: JSONValue) async throws -> String? {
                if resource.kind == .singleton {
                    _ = try await f.client.update(resource, id: nil, [field.name: value])
                    return nil
                }
                var body = CatalogueSamples.createBody(resource, tag: "ref")
                body[field.name] = value
                return try await f.client.create(resource, body)["id"]?.stringValue
            }

            let missing = await captureError { try await write(.string(target.idPrefix + "missing")) }
            #expect(missing?.status == 400, "\(name): \(String(describing: missing))")

            let id = try await write(.string(targetID))
            let blocked = await captureError { try await f.client.delete(target, id: targetID) }
            #expect(blocked?.status == 409, "\(name): \(String(describing: blocked))")

            _ = try await f.client.update(resource, id: id, [field.name: .null])
            try await f.client.delete(target, id: targetID)
        }
    }
}

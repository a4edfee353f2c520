import Foundation
import NgrokAI

/// `--snapshot FILE`: writes the account as the API returns it, in the file format
/// `--sandbox-data` reads: every collection under its list envelope (`aiGatewayProviderKeys`,
/// `aiGatewayAccessKeys`, …), the gateway configuration, and the credit balance and
/// transactions. Usage events are left out (there can be millions). No secret is ever part of
/// it: the API returns key values and tokens only when they are created.
enum Snapshot {
    /// Writes the file; returns what it holds, e.g. `40 keys, 6 access keys`.
    /// `note` gets what was left out (a partly published collection the account does not serve).
    static func write(to path: String, api: NgrokAIConfiguration, note: @escaping @Sendable (String) -> Void) async throws -> String {
        let client = NgrokAIClient(configuration: api)
        do {
            let count = try await write(to: path, client: client, note: note)
            try? await client.shutdown()
            return count
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private static func write(to path: String, client: NgrokAIClient, note: (String) -> Void) async throws -> String {
        var file: [String: JSONValue] = [:]
        var counts: [String] = []
        for resource in Catalogue.all {
            switch resource.kind {
            case .collection:
                let listed: Result<[[String: JSONValue]], NgrokAIError>
                do {
                    listed = .success(try await client.listAll(resource, parameters: ["limit": 100]))
                } catch {
                    listed = .failure(error)
                }
                let records: [[String: JSONValue]]
                switch listed {
                case .success(let all): records = all
                case .failure(let error) where resource.partlyPublished && skippable(error):
                    // A partly published collection (its path and list envelope are from ngrok's
                    // pages, not its OpenAPI file) is best effort, like credits and models.
                    note("snapshot: \(resource.name) left out: \(error)")
                    continue
                case .failure(let error): throw error
                }
                file[resource.envelope!] = .array(records.map { Shape.withoutSecrets(.object($0), fields: resource.fields) })
                let noun = resource.name == Resource.providerKeys.name ? "key" : resource.singular
                if !records.isEmpty || counts.isEmpty { counts.append("\(records.count) \(records.count == 1 ? noun : resource.name == Resource.providerKeys.name ? "keys" : resource.plural)") }
            case .singleton:
                if let record = try await singleton(resource, client) { file[resource.name] = .object(record) }
            case .readOnly:
                // Credits are a courtesy of the snapshot: an account whose credits cannot be
                // read (not enabled, no permission) still gets its records written.
                // So is the model catalogue (what `--sandbox-data` serves at /v1/models).
                if resource.name == Resource.models.name, let models = try? await client.query(resource, "list") {
                    file["models"] = models
                    continue
                }
                guard resource.name == Resource.credits.name,
                      let balance = try? await client.query(resource, "balance"),
                      let items = try? await client.query(resource, "transactions")
                else { continue }
                file["credits"] = .object(["balanceCents": balance["balanceCents"] ?? 0, "items": items])
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(JSONValue.object(file))
        try OutputFiles.write(data + Data("\n".utf8), to: path)
        return counts.joined(separator: ", ")
    }

    /// The account has no such endpoint (404), may not read it (403), or it answered a shape
    /// the catalogue does not know.
    private static func skippable(_ error: NgrokAIError) -> Bool {
        error.status == 404 || error.status == 403 || error.code == NgrokAIError.Code.decode
    }

    /// The singleton record, or nil when the account has none (404).
    private static func singleton(_ resource: Resource, _ client: NgrokAIClient) async throws -> [String: JSONValue]? {
        let result: Result<[String: JSONValue], NgrokAIError>
        do {
            result = .success(try await client.get(resource, id: nil))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let record): return record
        case .failure(let error) where error.status == 404: return nil
        case .failure(let error): throw error
        }
    }
}

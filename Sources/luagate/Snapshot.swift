import Foundation
import NgrokAI

/// `--snapshot FILE`: writes every key of the account, as the API returns
/// them, in the file format `--sandbox-data` reads (`{"aiGatewayProviderKeys": […]}`).
/// Key values are never part of it: the API does not return them.
enum Snapshot {
    static func write(to path: String, api: NgrokAIConfiguration) async throws -> Int {
        let client = NgrokAIClient(configuration: api)
        do {
            let count = try await write(to: path, client: client)
            try? await client.shutdown()
            return count
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private static func write(to path: String, client: NgrokAIClient) async throws -> Int {
        var keys: [JSONValue] = []
        var page = try await client.listProviderKeys(limit: 100)
        keys += page.keys.map { .object($0.fields) }
        while let next = page.nextPageURI {
            page = try await client.listProviderKeys(nextPageURI: next)
            keys += page.keys.map { .object($0.fields) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(JSONValue.object(["aiGatewayProviderKeys": .array(keys)]))
        try (data + Data("\n".utf8)).write(to: URL(fileURLWithPath: path), options: .atomic)
        return keys.count
    }
}

import FakeNgrokAI

/// Starts a fake server, runs `body` with it and a client authorized for it, and shuts the
/// server down afterwards (also when `body` throws).
public func withFakeNgrokAIServer<T>(
    _ configuration: FakeNgrokAIConfiguration = .init(),
    _ body: (FakeNgrokAIServer, TestHTTPClient) async throws -> T
) async throws -> T {
    let server = try await FakeNgrokAIServer.start(configuration: configuration)
    do {
        let result = try await body(server, TestHTTPClient(server: server))
        try await server.shutdown()
        return result
    } catch {
        try? await server.shutdown()
        throw error
    }
}

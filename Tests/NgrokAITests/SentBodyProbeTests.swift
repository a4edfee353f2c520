import AsyncHTTPClient
import NIOCore
import Testing

@testable import NgrokAI

/// The "was the POST body ever written?" signal relies on AsyncHTTPClient materialising a
/// `Collection` body lazily. These pin that behaviour of the AsyncHTTPClient version in use.
@Suite("Sent-body probe")
struct SentBodyProbeTests {
    @Test func bodyIsNotReadWhenTheRequestIsBuilt() {
        let probe = SentBodyProbe()
        var request = HTTPClientRequest(url: "http://127.0.0.1:1/provider-keys")
        request.method = .POST
        request.body = .bytes(ProbedBytes(bytes: Array("{}".utf8), probe: probe), length: .known(Int64(2)))
        #expect(!probe.wasRead)
        _ = request
    }

    @Test func bodyIsReadWhenWritten() async throws {
        let probe = SentBodyProbe()
        let bytes = Array(#"{"name":"n"}"#.utf8)
        let body = HTTPClientRequest.Body.bytes(ProbedBytes(bytes: bytes, probe: probe), length: .known(Int64(bytes.count)))
        #expect(!probe.wasRead)
        var collected = ByteBuffer()
        for try await var part in body { collected.writeBuffer(&part) }
        #expect(probe.wasRead)
        #expect(Array(collected.readableBytesView) == bytes)
    }
}

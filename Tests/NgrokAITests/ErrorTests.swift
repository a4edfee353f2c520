import Foundation
import NIOHTTP1
import Testing

@testable import NgrokAI

@Suite("Errors")
struct ErrorTests {
    @Test func descriptions() {
        let http = NgrokAIError(
            status: 404, code: "ERR_NGROK_404", message: "not found", operation: "providerKeys.update", id: "pk_123")
        #expect(http.description == "providerKeys.update pk_123: 404 ERR_NGROK_404: not found")
        #expect(http.isNgrokCode)
        let network = NgrokAIError(
            code: NgrokAIError.Code.network, message: "connection refused", operation: "providerKeys.update",
            id: "pk_123")
        #expect(network.description == "providerKeys.update pk_123: network: connection refused")
        let validation = NgrokAIError.validation(
            operation: "providerKeys.create", field: "name", rule: "at most 255 characters (got 300)")
        #expect(validation.description == "providerKeys.create: validation: name: at most 255 characters (got 300)")
        #expect(validation.field == "name" && validation.status == nil && !validation.isNgrokCode)
    }

    @Test func codeConstants() {
        #expect(NgrokAIError.Code.timeout == "timeout")
        #expect(NgrokAIError.Code.http == "http")
        #expect(NgrokAIError.Code.network == "network")
        #expect(NgrokAIError.Code.decode == "decode")
        #expect(NgrokAIError.Code.validation == "validation")
        #expect(NgrokAIError.Code.auth == "auth")
        #expect(NgrokAIError.Code.config == "config")
        #expect(NgrokAIError.Code.cancelled == "cancelled")
    }

    @Test(
        "lenient error bodies",
        arguments: [
            (#"{"error_code":"ERR_NGROK_404","status_code":404,"msg":"Not found.","details":{"x":1}}"#, "ERR_NGROK_404", "Not found."),
            (#"{"errorCode":"ERR_NGROK_1","message":"bad"}"#, "ERR_NGROK_1", "bad"),
            (#"{"code":"E1","error":"worse"}"#, "E1", "worse"),
            (#"{"details":"only details"}"#, nil, "only details"),
            (#"{"error":{"code":"E2","message":"nested"}}"#, "E2", "nested"),
            (#"{"status_code":500}"#, nil, nil),
            ("<html>oops</html>", nil, nil),
            ("", nil, nil),
            ("[1,2]", nil, nil),
        ] as [(String, String?, String?)]
    )
    func errorBodies(body: String, code: String?, message: String?) {
        let parsed = ErrorBody(parsing: Data(body.utf8))
        #expect(parsed.code == code)
        #expect(parsed.message == message)
    }

    @Test func fallbackMessage() {
        #expect(ErrorBody.fallbackMessage(status: .badGateway, body: Data()) == "HTTP 502 Bad Gateway")
        #expect(
            ErrorBody.fallbackMessage(status: .badGateway, body: Data("<html>\n  <b>upstream</b>\n</html>".utf8))
                == "HTTP 502 Bad Gateway: <html> <b>upstream</b> </html>")
        let long = String(repeating: "x", count: 1000)
        #expect(ErrorBody.fallbackMessage(status: .internalServerError, body: Data(long.utf8)).count < 260)
    }

    @Test func transportClassification() {
        #expect(TransportFailure(CancellationError()).kind == .cancelled)
        #expect(TransportFailure(IOErrorStub.refused).kind == .notConnected)
        #expect(TransportFailure(IOErrorStub.reset).kind == .connectionLost)
        #expect(TransportFailure(IOErrorStub.refused).detail.lowercased().contains("refused"))
    }
}

import NIOCore

enum IOErrorStub {
    static var refused: IOError { IOError(errnoCode: ECONNREFUSED, reason: "connect") }
    static var reset: IOError { IOError(errnoCode: ECONNRESET, reason: "read") }
}

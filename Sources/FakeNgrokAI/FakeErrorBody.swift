import Foundation

/// The ngrok-style error body:
/// `{"error_code":"ERR_NGROK_404","status_code":404,"msg":"…","details":{"operation_id":"op_…"}}`.
public struct FakeErrorBody: Codable, Sendable, Equatable {
    public var errorCode: String
    public var statusCode: Int
    public var msg: String
    public var details: [String: String]

    enum CodingKeys: String, CodingKey {
        case errorCode = "error_code"
        case statusCode = "status_code"
        case msg, details
    }

    public init(errorCode: String, statusCode: Int, msg: String, details: [String: String] = [:]) {
        self.errorCode = errorCode
        self.statusCode = statusCode
        self.msg = msg
        self.details = details
    }

    /// The stable error code the fake uses for an HTTP status: 401 → `ERR_NGROK_201`,
    /// every other status `n` → `ERR_NGROK_<n>` (400, 404, 405, 429, 503, …).
    public static func errorCode(forStatus status: Int) -> String {
        status == 401 ? "ERR_NGROK_201" : "ERR_NGROK_\(status)"
    }
}

/// An API failure raised while handling a request; rendered as an `FakeErrorBody`.
struct APIError: Error, Sendable {
    var status: Int
    var msg: String
    var headers: [(String, String)] = []
    /// Members of `details` beside `operation_id` (a purchase's `reason`, `purchase_id`).
    var details: [String: String] = [:]
    /// ngrok's own error code (`ERR_NGROK_AI_GATEWAY_…`) instead of the one the status gives.
    var code: String? = nil

    static func badRequest(_ msg: String) -> APIError { APIError(status: 400, msg: msg) }

    static func notFound(_ msg: String) -> APIError { APIError(status: 404, msg: msg) }

    static func methodNotAllowed(_ method: String, path: String, allowed: [String]) -> APIError {
        APIError(
            status: 405,
            msg: "method \(method) is not allowed on \(path); allowed: \(allowed.joined(separator: ", "))",
            headers: [("Allow", allowed.joined(separator: ", "))]
        )
    }

    func response(operationID: String) -> APIResponse {
        let body = FakeErrorBody(
            errorCode: code ?? FakeErrorBody.errorCode(forStatus: status),
            statusCode: status,
            msg: msg,
            details: details.merging(["operation_id": operationID]) { _, new in new }
        )
        let data = (try? JSONCoding.compactEncoder.encode(body)) ?? Data()
        return APIResponse(status: status, headers: headers, body: data)
    }
}

/// A complete response ready to be written.
struct APIResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: Data
    var isJSON: Bool = true

    static func json(_ status: Int, _ body: Data) -> APIResponse {
        APIResponse(status: status, body: body)
    }

    static let noContent = APIResponse(status: 204, body: Data(), isJSON: false)
}

/// A failed API call.
///
/// ``code`` is ngrok's `ERR_NGROK_…` code when the error body carries one, or one of the
/// ``Code`` constants. The secret key value and the API token never appear in an error.
public struct NgrokAIError: Error, Sendable, Hashable {
    /// The codes this library assigns itself (ngrok's own codes are passed through as received).
    public enum Code {
        /// An error status whose body has no ngrok error code.
        public static let http = "http"
        /// The connection failed or was lost.
        public static let network = "network"
        /// The TLS handshake failed (an untrusted or mismatched certificate, no common protocol):
        /// nothing was sent.
        public static let tls = "tls"
        /// No response within the per-attempt timeout, or the connection could not be made in time.
        public static let timeout = "timeout"
        /// A success response whose body is not what the API documents, or a body that is too large.
        public static let decode = "decode"
        /// An argument was refused before anything was sent.
        public static let validation = "validation"
        /// No API token is configured.
        public static let auth = "auth"
        /// The configuration is unusable (bad base URL, foreign next-page URI, client shut down).
        public static let config = "config"
        /// The calling task was cancelled.
        public static let cancelled = "cancelled"
    }

    /// The HTTP status; `nil` when no response was received (transport and validation failures).
    public var status: Int?
    /// ngrok's `ERR_NGROK_…` code, or one of ``Code``.
    public var code: String
    public var message: String
    /// The API operation, e.g. `providerKeys.update`.
    public var operation: String
    /// The record id the call was about, if any.
    public var id: String?
    /// The offending argument (validation failures only).
    public var field: String?
    /// The rule the argument broke, e.g. `at most 255 characters (got 300)` (validation failures only).
    public var rule: String?
    /// The raw response body of an error status, cut to ``maxBodyBytes`` bytes.
    public var body: String?
    /// The `Retry-After` header of the last response, as received.
    public var retryAfter: String?
    /// How many HTTP requests were attempted (0 when nothing was sent).
    public var attempts: Int

    /// How much of an error response body is kept in ``body``.
    public static let maxBodyBytes = 64 * 1024

    public init(
        status: Int? = nil,
        code: String,
        message: String,
        operation: String,
        id: String? = nil,
        field: String? = nil,
        rule: String? = nil,
        body: String? = nil,
        retryAfter: String? = nil,
        attempts: Int = 0
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.operation = operation
        self.id = id
        self.field = field
        self.rule = rule
        self.body = body
        self.retryAfter = retryAfter
        self.attempts = attempts
    }

    /// A validation failure: `field` broke `rule` (e.g. `must not be empty`); nothing was sent.
    public static func validation(operation: String, id: String? = nil, field: String, rule: String) -> NgrokAIError {
        NgrokAIError(
            code: Code.validation, message: "\(field): \(rule)", operation: operation, id: id, field: field, rule: rule
        )
    }

    /// Whether ``code`` is one of ngrok's own codes rather than one of ``Code``.
    public var isNgrokCode: Bool { code.hasPrefix("ERR_NGROK_") }
}

extension NgrokAIError: CustomStringConvertible {
    /// E.g. `providerKeys.update pk_123: 404 ERR_NGROK_404: not found` or
    /// `providerKeys.update pk_123: network: connection refused`.
    public var description: String {
        var text = operation
        if let id { text += " \(id)" }
        text += ": "
        if let status { text += "\(status) " }
        text += "\(code): \(message)"
        return text
    }
}

extension NgrokAIError: CustomDebugStringConvertible {
    public var debugDescription: String {
        var text = "NgrokAIError(\(description)"
        if attempts > 0 { text += ", attempts: \(attempts)" }
        if let retryAfter { text += ", retryAfter: \(retryAfter)" }
        return text + ")"
    }
}

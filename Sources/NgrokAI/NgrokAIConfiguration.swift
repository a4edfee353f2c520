import Logging

/// Settings of an ``NgrokAIClient``.
public struct NgrokAIConfiguration: Sendable {
    /// The API's base URL; `https`, or `http` for a loopback host only. A path prefix is allowed.
    public var baseURL: String = "https://api.ngrok.ai"
    /// The API token, sent as `Authorization: Bearer …`. When `nil`, every call fails with code
    /// ``NgrokAIError/Code/auth`` before anything is sent.
    public var token: String?
    /// Where ``token`` came from (`AI_GATEWAY_API_KEY`, `--api-key-file PATH`), named in the
    /// message of a 401 so that the operator knows which one to fix. Never the token itself.
    public var tokenSource: String?
    /// Sent as `User-Agent`.
    public var userAgent: String = "luagate/0.1.0"
    /// The time one attempt may take, from sending the request to the response head.
    /// (While a response body streams in, the same value bounds each pause between reads.)
    public var requestTimeout: Duration = .seconds(30)
    /// The time to establish a connection (TCP and TLS).
    public var connectTimeout: Duration = .seconds(10)
    /// Retry behaviour; see ``RetryPolicy``.
    public var retry: RetryPolicy = .init()
    /// Connections kept per host for HTTP/1.1.
    public var maxConnectionsPerHost: Int = 8
    /// The largest response body read.
    public var maxResponseBytes: Int = 16 * 1024 * 1024
    /// The proxy for an `https` base URL (`HTTPS_PROXY`), as `[http://][user:password@]host[:port]`
    /// (port 1080 when none is written, as curl); `nil` or empty for none. Requests go through it
    /// in a CONNECT tunnel, so TLS runs end to end and the proxy never sees the token.
    public var httpsProxy: String?
    /// The proxy for an `http` (loopback) base URL (`http_proxy`), in the same form.
    public var httpProxy: String?
    /// Hosts reached without the proxy (`NO_PROXY`), comma-separated: a name matches itself and
    /// its subdomains (a leading dot is ignored), an IP address or CIDR range matches addresses,
    /// and `*` matches every host.
    public var noProxy: String?
    /// A PEM file of CA certificates trusted in addition to the system's (`SSL_CERT_FILE`), for
    /// a private CA or a TLS-inspecting proxy.
    public var caFile: String?
    /// Where to log: requests at `debug`, retries at `info`. Nothing is logged when `nil`.
    /// Tokens and key values are never logged.
    public var logger: Logger?

    public init(
        baseURL: String = "https://api.ngrok.ai",
        token: String? = nil,
        userAgent: String = "luagate/0.1.0",
        requestTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        retry: RetryPolicy = .init(),
        logger: Logger? = nil
    ) {
        self.baseURL = baseURL
        self.token = token
        self.userAgent = userAgent
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.retry = retry
        self.logger = logger
    }

    /// The message of the ``NgrokAIError/Code/auth`` error when no token is set.
    public static let missingTokenMessage = "no API token: set AI_GATEWAY_API_KEY or pass --api-key-file PATH"
}

extension NgrokAIConfiguration: CustomStringConvertible {
    /// The settings, with the token shown only as set or not set.
    public var description: String {
        "NgrokAIConfiguration(baseURL: \(baseURL), token: \(token == nil ? "<not set>" : "<set>"), "
            + "userAgent: \(userAgent), requestTimeout: \(requestTimeout), connectTimeout: \(connectTimeout), "
            + "maxRetries: \(retry.maxRetries)"
            + (proxyDescription.map { ", proxy: \($0)" } ?? "") + (caFile.map { ", caFile: \($0)" } ?? "") + ")"
    }
}

extension NgrokAIConfiguration: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    /// A mirror without the token, so `dump` and debuggers don't show it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "baseURL": baseURL, "token": token == nil ? "<not set>" : "<set>", "userAgent": userAgent,
                "requestTimeout": requestTimeout, "connectTimeout": connectTimeout, "retry": retry,
                "proxy": proxyDescription ?? "<none>", "caFile": caFile ?? "<none>",
            ]
        )
    }
}

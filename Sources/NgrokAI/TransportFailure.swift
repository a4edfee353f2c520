import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A request that got no (complete) response, sorted by what it means for a retry.
struct TransportFailure: Sendable {
    enum Kind: Sendable, Equatable {
        /// No connection could be made (refused, unreachable, DNS): nothing was sent.
        case notConnected
        /// Connecting took too long: nothing was sent.
        case connectTimeout
        /// The connection broke (reset, closed) while the request or response was in flight.
        case connectionLost
        /// No response before the attempt's deadline.
        case timeout
        /// The response body exceeded the configured bound.
        case tooLarge
        /// The calling task was cancelled.
        case cancelled
        /// The proxy would not open a tunnel: nothing reached the API.
        case proxyRefused
        /// The TLS handshake failed: nothing was sent, and trying again would fail the same way.
        case tls
        /// Anything else (malformed HTTP, a proxy refusing the tunnel, …): not retried.
        case other
    }

    var kind: Kind
    /// A short lowercase description, e.g. `connection refused`.
    var detail: String

    /// Whether the request provably never left this process, whatever happened next.
    var neverSent: Bool { kind == .notConnected || kind == .connectTimeout || kind == .tls || kind == .proxyRefused }

    /// The error code this failure is reported with.
    var code: String {
        switch kind {
        case .notConnected, .connectionLost, .proxyRefused, .other: NgrokAIError.Code.network
        case .connectTimeout, .timeout: NgrokAIError.Code.timeout
        case .tooLarge: NgrokAIError.Code.decode
        case .cancelled: NgrokAIError.Code.cancelled
        case .tls: NgrokAIError.Code.tls
        }
    }

    /// Sorts an error thrown by AsyncHTTPClient or NIO.
    ///
    /// With `retryConnectionEstablishment` off, a failed connection attempt fails the waiting
    /// request with the connect error itself (`NIOConnectionError`, a connect `IOError`, or
    /// `HTTPClientError.connectTimeout`): those errors arise only before a request is handed to
    /// a connection, so they prove nothing was sent.
    init(_ error: any Error) {
        switch error {
        case is CancellationError:
            self.init(kind: .cancelled, detail: "cancelled")
        case let error as HTTPClientError:
            self.init(httpClientError: error)
        case let error as NIOConnectionError:
            self.init(connectionError: error)
        case let error as IOError:
            self.init(ioError: error)
        case let error as ChannelError:
            self.init(channelError: error)
        case let error as HTTPParserError:
            // The connection closing mid-message surfaces as a parser error.
            if error == .invalidEOFState {
                self.init(kind: .connectionLost, detail: "connection closed before the response was complete")
            } else {
                self.init(kind: .other, detail: "invalid HTTP response: \(error.debugDescription)")
            }
        case let error as NIOTooManyBytesError:
            self.init(kind: .tooLarge, detail: "response body larger than \(error.maxBytes.map { "\($0)" } ?? "the limit") bytes")
        case let error as NIOSSLError:
            self.init(sslError: error)
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            self.init(kind: .tls, detail: "the server's certificate is not for this host")
        case let error as NIOSSLExtraError:
            self.init(kind: .tls, detail: String(describing: error))
        default:
            self.init(kind: .other, detail: String(describing: error))
        }
    }

    init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    private init(httpClientError error: HTTPClientError) {
        switch error {
        case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout, .socksHandshakeTimeout,
            .httpProxyHandshakeTimeout:
            self.init(kind: .connectTimeout, detail: "could not connect in time")
        case .invalidProxyResponse:
            // The proxy answered CONNECT with something other than 200: nothing reached the API.
            self.init(kind: .proxyRefused, detail: "the proxy refused the tunnel")
        case .proxyAuthenticationRequired:
            self.init(kind: .proxyRefused, detail: "the proxy asks for credentials (407); give them as http://user:password@host:port")
        case .deadlineExceeded, .readTimeout, .writeTimeout:
            self.init(kind: .timeout, detail: "no response in time")
        case .remoteConnectionClosed:
            self.init(kind: .connectionLost, detail: "connection closed by the server")
        case .uncleanShutdown:
            self.init(kind: .connectionLost, detail: "connection closed uncleanly")
        case .cancelled:
            if Task.isCancelled {
                self.init(kind: .cancelled, detail: "cancelled")
            } else {
                self.init(kind: .other, detail: "request cancelled by the HTTP client")
            }
        default:
            self.init(kind: .other, detail: error.shortDescription.lowercased())
        }
    }

    /// An unclean TLS close is a lost connection; a failed handshake is a TLS failure, named
    /// by BoringSSL's reason (`CERTIFICATE_VERIFY_FAILED`, …).
    private init(sslError error: NIOSSLError) {
        switch error {
        case .uncleanShutdown:
            self.init(kind: .connectionLost, detail: "TLS connection closed uncleanly")
        case .handshakeFailed(let reason):
            let text = String(describing: reason)
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                self.init(kind: .tls, detail: "the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED); "
                    + "give its CA with SSL_CERT_FILE or --ca-file")
            } else {
                self.init(kind: .tls, detail: "TLS handshake failed: \(text)")
            }
        default:
            self.init(kind: .tls, detail: "TLS: \(error)")
        }
    }

    private init(connectionError error: NIOConnectionError) {
        if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
            self.init(kind: .notConnected, detail: "cannot resolve host \(error.host)")
            return
        }
        let reasons = error.connectionErrors.map { failure -> String in
            if let io = failure.error as? IOError { return Self.describe(errno: io.errnoCode) }
            if case ChannelError.connectTimeout = failure.error { return "connect timeout" }
            return String(describing: failure.error)
        }
        let unique = reasons.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        self.init(kind: .notConnected, detail: unique.isEmpty ? "cannot connect to \(error.host)" : unique.joined(separator: "; "))
    }

    private init(ioError error: IOError) {
        let detail = Self.describe(errno: error.errnoCode)
        switch error.errnoCode {
        case ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL:
            // These come from connect(2) only.
            self.init(kind: .notConnected, detail: detail)
        default:
            self.init(kind: .connectionLost, detail: detail)
        }
    }

    private init(channelError error: ChannelError) {
        switch error {
        case .connectTimeout:
            self.init(kind: .connectTimeout, detail: "could not connect in time")
        case .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed, .eof:
            self.init(kind: .connectionLost, detail: "connection closed")
        default:
            self.init(kind: .other, detail: String(describing: error))
        }
    }

    /// `strerror` text with a lowercase first letter, e.g. `connection refused`.
    static func describe(errno code: CInt) -> String {
        guard let text = strerror(code).map({ String(cString: $0) }), !text.isEmpty else { return "error \(code)" }
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}

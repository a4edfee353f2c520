import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension NgrokAIConfiguration {
    /// Checks the configuration and returns it unchanged.
    ///
    /// The base URL must parse and be `https`, or `http` with a loopback host (`127.0.0.0/8`,
    /// `::1`, `localhost`), and have no query, fragment or user info. Timeouts must be positive.
    /// A proxy must be an `http://` URL and a CA file must hold PEM certificates.
    /// A missing token is not an error here (calls fail with ``NgrokAIError/Code/auth``).
    /// - Throws: ``NgrokAIError`` with code ``NgrokAIError/Code/config``.
    public func validated() throws(NgrokAIError) -> Self {
        let base = try BaseURL(baseURL)
        _ = try proxy(for: base)
        try checkCAFile()
        if let token, token.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw Self.configError("the API token contains control characters")
        }
        if userAgent.isEmpty || userAgent.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw Self.configError("the user agent must be one non-empty line")
        }
        if requestTimeout <= .zero { throw Self.configError("requestTimeout must be positive") }
        if connectTimeout <= .zero { throw Self.configError("connectTimeout must be positive") }
        if retry.maxRetries < 0 { throw Self.configError("retry.maxRetries must not be negative") }
        if retry.totalDeadline <= .zero { throw Self.configError("retry.totalDeadline must be positive") }
        if maxConnectionsPerHost < 1 { throw Self.configError("maxConnectionsPerHost must be at least 1") }
        if maxResponseBytes < 1 { throw Self.configError("maxResponseBytes must be positive") }
        return self
    }
}

/// A checked base URL, split into the parts requests and origin checks need.
struct BaseURL: Sendable, Hashable {
    /// `http` or `https`.
    var scheme: String
    /// The host as written in the URL (IPv6 in brackets), lowercased.
    var host: String
    /// The effective port (the scheme's default when none is written).
    var port: Int
    /// The path prefix without a trailing slash (often empty).
    var pathPrefix: String
    /// `scheme://host[:port]` + prefix, to which request paths are appended.
    var prefix: String

    init(_ text: String) throws(NgrokAIError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw NgrokAIConfiguration.configError("base URL \"\(text)\" is not a valid URL")
        }
        guard scheme == "https" || scheme == "http" else {
            throw NgrokAIConfiguration.configError("base URL \"\(text)\" must use https")
        }
        guard let rawHost = components.percentEncodedHost, !rawHost.isEmpty else {
            throw NgrokAIConfiguration.configError("base URL \"\(text)\" has no host")
        }
        if components.percentEncodedQuery != nil || components.percentEncodedFragment != nil {
            throw NgrokAIConfiguration.configError("base URL \"\(text)\" must not have a query or fragment")
        }
        if components.percentEncodedUser != nil || components.percentEncodedPassword != nil {
            throw NgrokAIConfiguration.configError("base URL \"\(text)\" must not contain user info")
        }
        let host = rawHost.lowercased()
        if scheme == "http" && !Self.isLoopback(host: host) {
            throw NgrokAIConfiguration.configError(
                "base URL \"\(text)\" uses plain http to a non-loopback host; use https (http is allowed only for 127.0.0.0/8, ::1 and localhost)"
            )
        }
        let defaultPort = scheme == "https" ? 443 : 80
        if let port = components.port, !(1...65535).contains(port) {
            throw NgrokAIConfiguration.configError("base URL \"\(text)\" has an invalid port")
        }
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? defaultPort
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.pathPrefix = path
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let portPart = self.port == defaultPort ? "" : ":\(self.port)"
        self.prefix = "\(scheme)://\(hostPart)\(portPart)\(path)"
    }

    /// Whether `host` is `localhost`, in `127.0.0.0/8`, or `::1`.
    static func isLoopback(host: String) -> Bool {
        var bare = host
        if bare.hasPrefix("[") && bare.hasSuffix("]") {
            bare = String(bare.dropFirst().dropLast())
        }
        if bare == "localhost" || bare == "localhost." { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in
                bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1
            }
        }
        return false
    }

    /// Whether `other` names the same scheme, host and port.
    func isSameOrigin(scheme: String?, host: String?, port: Int?) -> Bool {
        guard let scheme = scheme?.lowercased(), let host = host?.lowercased() else { return false }
        let effectivePort = port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
        return scheme == self.scheme && Self.normalized(host) == Self.normalized(self.host) && effectivePort == self.port
    }

    private static func normalized(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}

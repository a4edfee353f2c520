import Foundation
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP proxy, parsed from `[http://][user:password@]host[:port]`.
struct ProxySetting: Sendable, Hashable {
    var host: String
    var port: Int
    var username: String?
    var password: String?

    /// `http://host:port`, never with the credentials.
    var shown: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// curl's default proxy port.
    static let defaultPort = 1080

    /// - Throws: a ``NgrokAIError/Code/config`` error whose message says what is wrong,
    ///   without quoting the text (callers name where it came from).
    init(_ text: String) throws(NgrokAIError) {
        let full = text.contains("://") ? text : "http://" + text
        guard let components = URLComponents(string: full), let scheme = components.scheme?.lowercased() else {
            throw NgrokAIConfiguration.configError("not a valid URL")
        }
        guard scheme == "http" else {
            throw NgrokAIConfiguration.configError(
                "only http:// proxies are supported (requests to them are tunnelled with CONNECT)")
        }
        guard var host = components.host, !host.isEmpty else {
            throw NgrokAIConfiguration.configError("no host")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let port = components.port, !(1...65535).contains(port) {
            throw NgrokAIConfiguration.configError("invalid port")
        }
        if !["", "/"].contains(components.percentEncodedPath) || components.percentEncodedQuery != nil
            || components.percentEncodedFragment != nil {
            throw NgrokAIConfiguration.configError("a proxy is just [http://][user:password@]host[:port]")
        }
        self.host = host
        self.port = components.port ?? Self.defaultPort
        self.username = components.user
        self.password = components.password
    }

    /// The text with anything before an `@` (the credentials) replaced.
    static func masked(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        let start = text.range(of: "://").map { $0.upperBound } ?? text.startIndex
        return String(text[..<start]) + "***" + String(text[at...])
    }
}

extension NgrokAIConfiguration {
    /// The proxy requests to `base` go through, or `nil` to connect directly.
    func proxy(for base: BaseURL) throws(NgrokAIError) -> ProxySetting? {
        let text = base.scheme == "https" ? httpsProxy : httpProxy
        guard let text, !text.isEmpty else { return nil }
        let proxy: ProxySetting
        do {
            proxy = try ProxySetting(text)
        } catch {
            throw Self.configError("proxy \"\(ProxySetting.masked(text))\": \(error.message)")
        }
        if let noProxy, NoProxyList(noProxy).matches(host: base.host) { return nil }
        return proxy
    }

    /// The configured proxies for ``description``, without credentials.
    var proxyDescription: String? {
        let shown = [httpsProxy, httpProxy].compactMap { $0 }.filter { !$0.isEmpty }.map(ProxySetting.masked)
        return shown.isEmpty ? nil : shown.joined(separator: ", ")
    }

    /// Checks, cheaply, that ``caFile`` (when set) is a readable file with a PEM certificate in
    /// it; the certificates themselves are parsed by ``extraTrustRoots()`` when the first request
    /// is made, so a script that never calls the API never pays for a 200-certificate bundle.
    func checkCAFile() throws(NgrokAIError) {
        guard let caFile, !caFile.isEmpty else { return }
        guard access(caFile, R_OK) == 0 else {
            throw Self.configError("CA file \(caFile): \(TransportFailure.describe(errno: errno))")
        }
        guard Self.holdsPEMHeader(caFile) else {
            throw Self.configError("CA file \(caFile) is not a PEM file of certificates")
        }
    }

    /// Whether the file at `path` holds a PEM certificate header, read in 4 KiB pieces up to
    /// the first one (a system bundle has it in its first line; reading the whole ~200 KB
    /// bundle in every start-up is measurable).
    private static func holdsPEMHeader(_ path: String) -> Bool {
        let header = Array("-----BEGIN CERTIFICATE-----".utf8)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var window: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = piece.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            window += piece[0..<count]
            if window.firstRange(of: header) != nil { return true }
            // Keep the tail that could begin a header split across two pieces.
            window = Array(window.suffix(header.count - 1))
        }
    }

    /// The certificates of ``caFile``, or `nil` when none is set; for a configuration that has
    /// passed ``validated()`` (which ran ``checkCAFile()``).
    func extraTrustRoots() throws(NgrokAIError) -> [NIOSSLCertificate]? {
        guard let caFile, !caFile.isEmpty else { return nil }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(caFile)
        } catch {
            throw Self.configError("CA file \(caFile) is not a PEM file of certificates")
        }
        if certificates.isEmpty { throw Self.configError("CA file \(caFile) holds no PEM certificate") }
        return certificates
    }
}

/// A `NO_PROXY` list, matched as curl does: names by suffix on a dot boundary, addresses
/// exactly or by CIDR range, `*` for all.
struct NoProxyList: Sendable {
    private var entries: [String]

    init(_ text: String) {
        entries = text.split(whereSeparator: { $0 == "," || $0 == " " }).map { entry in
            var name = entry.lowercased()
            if name.hasPrefix("[") , let close = name.firstIndex(of: "]") {
                name = String(name[name.index(after: name.startIndex)..<close])
            }
            while name.hasPrefix(".") { name.removeFirst() }
            while name.hasSuffix(".") { name.removeLast() }
            return name
        }.filter { !$0.isEmpty }
    }

    func matches(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        while host.hasSuffix(".") { host.removeLast() }
        let address = Self.addressBytes(host)
        return entries.contains { entry in
            if entry == "*" { return true }
            if let address {
                if let slash = entry.firstIndex(of: "/") {
                    guard let network = Self.addressBytes(String(entry[..<slash])),
                          let bits = Int(entry[entry.index(after: slash)...]) else { return false }
                    return Self.sharePrefix(address, network, bits: bits)
                }
                return Self.addressBytes(entry) == address
            }
            return host == entry || host.hasSuffix("." + entry)
        }
    }

    /// The bytes of an IPv4 or IPv6 address, or `nil` for a name.
    static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func sharePrefix(_ a: [UInt8], _ b: [UInt8], bits: Int) -> Bool {
        guard a.count == b.count, (0...a.count * 8).contains(bits) else { return false }
        for bit in 0..<bits {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            if a[bit / 8] & mask != b[bit / 8] & mask { return false }
        }
        return true
    }
}

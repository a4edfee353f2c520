/// A parsed HTTP request target (`/provider-keys/a%2Fb?limit=5`).
struct RequestTarget: Sendable {
    /// The raw target as received.
    let raw: String
    /// The raw path (before `?`), still percent-encoded.
    let rawPath: Substring
    /// The raw query (after `?`), or nil.
    let rawQuery: Substring?
    /// Path segments, each percent-decoded; nil when an escape is malformed.
    let segments: [String]?

    init(_ raw: String) {
        self.raw = raw
        var target = Substring(raw)
        // Absolute-form targets (`http://host:port/path`) are reduced to their path.
        if let schemeEnd = target.range(of: "://") {
            let afterAuthority = target[schemeEnd.upperBound...]
            target = afterAuthority.firstIndex(of: "/").map { afterAuthority[$0...] } ?? "/"
        }
        if let hash = target.firstIndex(of: "#") {
            target = target[..<hash]
        }
        if let question = target.firstIndex(of: "?") {
            rawPath = target[..<question]
            rawQuery = target[target.index(after: question)...]
        } else {
            rawPath = target
            rawQuery = nil
        }
        var pieces = rawPath.split(separator: "/", omittingEmptySubsequences: false)
        if pieces.first == "" {
            pieces.removeFirst()
        }
        var decoded: [String] = []
        decoded.reserveCapacity(pieces.count)
        var valid = true
        for piece in pieces {
            guard let segment = PercentEncoding.decode(piece) else {
                valid = false
                break
            }
            decoded.append(segment)
        }
        segments = valid ? decoded : nil
    }

    /// The decoded path (`/provider-keys/a/b`), or the raw path when it cannot be decoded.
    var decodedPath: String {
        guard let segments else { return String(rawPath) }
        return "/" + segments.joined(separator: "/")
    }

    /// Query parameters in order, values decoded (`+` as space). Malformed pairs are kept raw.
    var queryItems: [(name: String, value: String, raw: Substring)] {
        guard let rawQuery, !rawQuery.isEmpty else { return [] }
        return rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let name: Substring
            let value: Substring
            if let equals = pair.firstIndex(of: "=") {
                name = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                name = pair
                value = ""
            }
            return (
                PercentEncoding.decode(name, plusAsSpace: true) ?? String(name),
                PercentEncoding.decode(value, plusAsSpace: true) ?? String(value),
                pair
            )
        }
    }

    /// The first value of the query parameter `name`.
    func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// This target's path and query with `name` set to `value` (replacing the first occurrence
    /// and dropping later ones, or appended), other parameters kept verbatim.
    func settingQuery(_ name: String, to value: String) -> String {
        var parts: [String] = []
        var replaced = false
        for item in queryItems {
            if item.name == name {
                if !replaced {
                    parts.append(name + "=" + PercentEncoding.encodePathSegment(value))
                    replaced = true
                }
            } else {
                parts.append(String(item.raw))
            }
        }
        if !replaced {
            parts.append(name + "=" + PercentEncoding.encodePathSegment(value))
        }
        return String(rawPath) + "?" + parts.joined(separator: "&")
    }

    /// The path and query as received (without an absolute-form prefix or fragment).
    var pathAndQuery: String {
        guard let rawQuery else { return String(rawPath) }
        return String(rawPath) + "?" + rawQuery
    }
}

extension String {
    /// The string as messages quote a user's value: whole up to `limit` characters; longer,
    /// its first `limit` characters, `…`, and its length, so that a 100 KB id does not make a
    /// 100 KB error line.
    public func abbreviated(_ limit: Int = 80) -> String {
        guard utf8.count > limit, count > limit else { return self }
        return String(prefix(limit)) + "… (\(count) characters)"
    }
}

extension Catalogue {
    /// The longest record id a call accepts (the API's are about 30 characters).
    public static let maxIDLength = 1024
    /// The longest request target (path and query) the client sends.
    public static let maxRequestTargetBytes = 8192
}

import NIOHTTP1

/// One API operation: method, path (already percent-encoded, query included) and the names
/// used in errors and logs.
struct Endpoint: Sendable {
    var method: HTTPMethod
    /// Relative to the base URL, starting with `/`.
    var path: String
    /// E.g. `providerKeys.get`.
    var operation: String
    /// The record id, for errors.
    var id: String?
    /// A full URL that replaces base URL + ``path`` (a next-page URI already checked to be
    /// on the base URL's origin).
    var absoluteURL: String? = nil
    /// Headers beside the client's own (a purchase's `Idempotency-Key`).
    var extraHeaders: [(String, String)] = []
    /// Whether the request may be repeated, when the method alone does not say (a POST that
    /// carries an idempotency key may; a raw PATCH of `api.request` may not).
    var repeatable: Bool? = nil

    /// The URL to request.
    func url(base: BaseURL) -> String {
        absoluteURL ?? base.prefix + path
    }

    /// GET, PATCH and DELETE may be repeated safely; POST may not.
    var isIdempotent: Bool {
        if let repeatable { return repeatable }
        return switch method {
        case .GET, .HEAD, .PUT, .DELETE, .PATCH, .OPTIONS: true
        default: false
        }
    }

    /// An operation of `resource`: on the collection (`id` nil), on one record, or on a
    /// record's action (`action`), with `query` items (not yet encoded) appended.
    init(
        _ resource: Resource, _ name: String, _ method: HTTPMethod, id: String? = nil, action: String? = nil,
        path: String? = nil, query: [(String, String)] = []
    ) {
        var path = path ?? resource.path
        if let id { path += "/" + Self.segment(id) }
        if let action { path += "/" + action }
        if !query.isEmpty {
            path += "?" + query.map { "\($0.0)=\($0.1.percentEncodedComponent)" }.joined(separator: "&")
        }
        self.init(method: method, path: path, operation: "\(resource.name).\(name)", id: id)
    }

    init(method: HTTPMethod, path: String, operation: String, id: String? = nil) {
        self.method = method
        self.path = path
        self.operation = operation
        self.id = id
    }

    /// One path segment: "." and ".." are unreserved but are dot-segments that servers and
    /// proxies collapse, so they are escaped too.
    static func segment(_ id: String) -> String {
        id == "." || id == ".." ? String(repeating: "%2E", count: id.count) : id.percentEncodedComponent
    }
}

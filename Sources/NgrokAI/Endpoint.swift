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

    /// The URL to request.
    func url(base: BaseURL) -> String {
        absoluteURL ?? base.prefix + path
    }

    /// GET, PATCH and DELETE may be repeated safely; POST may not.
    var isIdempotent: Bool {
        switch method {
        case .GET, .HEAD, .PUT, .DELETE, .PATCH, .OPTIONS: true
        default: false
        }
    }

    static let collection = "/provider-keys"

    static func list(provider: String?, limit: Int?, beforeId: String?) -> Endpoint {
        var query: [String] = []
        if let beforeId { query.append("beforeId=\(beforeId.percentEncodedComponent)") }
        if let limit { query.append("limit=\(limit)") }
        if let provider { query.append("provider=\(provider.percentEncodedComponent)") }
        let path = query.isEmpty ? collection : collection + "?" + query.joined(separator: "&")
        return Endpoint(method: .GET, path: path, operation: Operation.list)
    }

    static func get(id: String) -> Endpoint {
        Endpoint(method: .GET, path: record(id), operation: Operation.get, id: id)
    }

    static func create() -> Endpoint {
        Endpoint(method: .POST, path: collection, operation: Operation.create)
    }

    static func update(id: String) -> Endpoint {
        Endpoint(method: .PATCH, path: record(id), operation: Operation.update, id: id)
    }

    static func delete(id: String) -> Endpoint {
        Endpoint(method: .DELETE, path: record(id), operation: Operation.delete, id: id)
    }

    static func rotate(id: String) -> Endpoint {
        Endpoint(method: .POST, path: record(id) + "/rotate", operation: Operation.rotate, id: id)
    }

    private static func record(_ id: String) -> String {
        // "." and ".." are unreserved but are dot-segments that servers and proxies collapse.
        let segment = id == "." || id == ".." ? String(repeating: "%2E", count: id.count) : id.percentEncodedComponent
        return collection + "/" + segment
    }

    /// Operation names, as they appear in ``NgrokAIError/operation`` and logs.
    enum Operation {
        static let list = "providerKeys.list"
        static let get = "providerKeys.get"
        static let create = "providerKeys.create"
        static let update = "providerKeys.update"
        static let delete = "providerKeys.delete"
        static let rotate = "providerKeys.rotate"
    }
}

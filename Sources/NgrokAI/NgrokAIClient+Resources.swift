import Foundation
import NIOCore
import NIOFoundationCompat

/// One page of records of any resource.
public struct RecordPage: Sendable, Hashable {
    /// The records, each exactly as received (unknown fields kept).
    public var records: [[String: JSONValue]]
    /// The absolute URI of the next page, or `nil` on the last page.
    public var nextPageURI: String?
    /// Every top-level member of the response as received.
    public var fields: [String: JSONValue]
}

/// The generic operations: every resource of the ``Catalogue`` through the same code.
/// Arguments are checked against the catalogue before anything is sent; failures are
/// ``NgrokAIError``s with code `validation` naming the field.
extension NgrokAIClient {
    /// The first page of a collection (`parameters`: `limit`, `beforeId`, the resource's
    /// filters) or of a read-only resource's paged query (e.g. `usage`: `startTime`, …).
    public func list(_ resource: Resource, parameters: [String: JSONValue] = [:]) async throws(NgrokAIError) -> RecordPage {
        let (endpoint, envelope) = try firstPage(resource, parameters)
        return try await page(endpoint, envelope: envelope)
    }

    /// The request for the first page of `resource` with `parameters` (checked), and the
    /// member its records come in.
    private func firstPage(_ resource: Resource, _ parameters: [String: JSONValue]) throws(NgrokAIError) -> (Endpoint, String) {
        let (query, fields, envelope) = try Self.pagedQuery(resource)
        let items = try checkedQuery(parameters, fields, operation: "\(resource.name).list")
        return (Endpoint(resource, "list", .GET, path: query?.path, query: items), envelope)
    }

    /// The page at a ``RecordPage/nextPageURI`` of `resource`. The URI must be on the base URL's
    /// origin (or be a path), so the token is never sent anywhere else.
    public func list(_ resource: Resource, nextPageURI: String) async throws(NgrokAIError) -> RecordPage {
        let (_, _, envelope) = try Self.pagedQuery(resource)
        return try await page(try nextPage(nextPageURI, operation: "\(resource.name).list"), envelope: envelope)
    }

    /// Every record, following `nextPageUri` to the last page. Each next page is asked for as
    /// soon as its URI shows in the response's text, while that response is decoded (a URI the
    /// decoded page does not confirm is dropped and the right one asked for). `willSend` is
    /// called before each request.
    public func listAll(
        _ resource: Resource, parameters: [String: JSONValue] = [:], willSend: @Sendable () -> Void = {}
    ) async throws(NgrokAIError) -> [[String: JSONValue]] {
        var (endpoint, envelope) = try firstPage(resource, parameters)
        let operation = endpoint.operation
        willSend()
        var response = try await perform(endpoint)
        var records: [[String: JSONValue]] = []
        while true {
            let guessed = NextPageURI.peek(response.body)
            let guess = guessed.flatMap { try? nextPage($0, operation: operation) }
            if guess != nil { willSend() }
            let confirmed: SuccessResponse?
            do {
                // Leaving this scope cancels `ahead` and waits for it: a guess the page does not
                // confirm is stopped before the right page is asked for.
                async let ahead = prefetch(guess)
                let page = try decode(endpoint, response) { json in try Self.page(json, envelope: envelope) }
                records += page.records
                guard let next = page.nextPageURI else { return records }
                endpoint = try nextPage(next, operation: operation)
                confirmed = guess != nil && guessed == next ? try await ahead?.get() : nil
            }
            if let confirmed {
                response = confirmed
            } else {
                willSend()
                response = try await perform(endpoint)
            }
        }
    }

    private func prefetch(_ endpoint: Endpoint?) async -> Result<SuccessResponse, NgrokAIError>? {
        guard let endpoint else { return nil }
        do {
            return .success(try await perform(endpoint))
        } catch {
            return .failure(error)
        }
    }

    /// One record (`id` nil for a singleton such as `gatewayConfig`).
    public func get(_ resource: Resource, id: String?) async throws(NgrokAIError) -> [String: JSONValue] {
        let endpoint = Endpoint(resource, "get", .GET, id: id)
        try checkID(resource, id, endpoint)
        return try await record(endpoint, resource)
    }

    /// Creates a record from `fields` (checked against the resource's create fields).
    public func create(_ resource: Resource, _ fields: [String: JSONValue]) async throws(NgrokAIError) -> [String: JSONValue] {
        let endpoint = Endpoint(resource, "create", .POST)
        try requireKind(resource, .collection, endpoint)
        let body = try checked(endpoint) { () throws(Violation) in try resource.checked(fields, for: .create) }
        return try await record(endpoint, resource, body: try encode(body, endpoint))
    }

    /// Changes the given fields (`JSONValue.null` clears); absent fields stay as they are.
    public func update(_ resource: Resource, id: String?, _ fields: [String: JSONValue]) async throws(NgrokAIError) -> [String: JSONValue] {
        let endpoint = Endpoint(resource, "update", .PATCH, id: id)
        try checkID(resource, id, endpoint)
        guard resource.kind != .readOnly else { throw unsupported(resource, endpoint) }
        let body = try checked(endpoint) { () throws(Violation) in try resource.checked(fields, for: .update) }
        return try await record(endpoint, resource, body: try encode(body, endpoint))
    }

    /// Deletes a record.
    public func delete(_ resource: Resource, id: String) async throws(NgrokAIError) {
        let endpoint = Endpoint(resource, "delete", .DELETE, id: id)
        try requireKind(resource, .collection, endpoint)
        try checkID(resource, id, endpoint)
        _ = try await perform(endpoint)
    }

    /// Runs an action such as a provider key's `rotate` and returns the record.
    public func perform(_ resource: Resource, action name: String, id: String, _ fields: [String: JSONValue])
        async throws(NgrokAIError) -> [String: JSONValue]
    {
        let endpoint = Endpoint(resource, name, .POST, id: id, action: name)
        guard let action = resource.action(name) else { throw unsupported(resource, endpoint) }
        try checkID(resource, id, endpoint)
        let body = try checked(endpoint) { () throws(Violation) in try resource.checked(fields, action: action) }
        return try await record(endpoint, resource, body: try encode(body, endpoint))
    }

    /// A read-only query that answers one object (`usage.overview`, `credits.balance`) or a
    /// list of items (`credits.transactions`, as an array).
    /// A query with an ``Query/argument`` takes it as `argument` (`usage.attempts`'s request
    /// id, put in the path; `models.get`'s id, matched in the list it reads).
    public func query(_ resource: Resource, _ name: String, argument: String? = nil, parameters: [String: JSONValue] = [:])
        async throws(NgrokAIError) -> JSONValue
    {
        let operation = "\(resource.name).\(name)"
        guard let query = resource.query(name), !query.result.isPaged else {
            throw NgrokAIError(code: NgrokAIError.Code.validation, message: "\(resource.name) has no query \(name)", operation: operation)
        }
        var path = query.path
        if let field = query.argument {
            guard let argument, !argument.isEmpty else {
                throw NgrokAIError.validation(operation: operation, id: nil, field: field.name, rule: "is required")
            }
            path = path.replacingOccurrences(of: "{\(field.name)}", with: Endpoint.segment(argument))
        }
        let items = try checkedQuery(parameters, query.parameters, operation: operation)
        let endpoint = Endpoint(resource, name, .GET, path: path, query: items)
        let response = try await perform(endpoint)
        let value: JSONValue = try decode(endpoint, response) { json throws -> JSONValue in
            guard case .object(let members) = json else { throw Malformed("the response is not a JSON object") }
            switch query.result {
            case .items(let key), .item(let key, _):
                guard case .array(let list)? = members[key] else { throw Malformed("the response has no \"\(key)\" array") }
                return JSONValue.array(list)
            default: return json
            }
        }
        guard case .item(_, let key) = query.result else { return value }
        guard let found = value.arrayValue?.first(where: { $0[key]?.stringValue == argument }) else {
            // The status and code a get of a missing record answers, though no request had one.
            throw NgrokAIError(
                status: 404, code: "ERR_NGROK_404", message: "no \(resource.singular) with this id in the list",
                operation: operation, id: argument)
        }
        return found
    }

    // MARK: - Pieces

    private static func pagedQuery(_ resource: Resource) throws(NgrokAIError) -> (Query?, [Field], String) {
        if resource.kind == .collection, let envelope = resource.envelope { return (nil, resource.listParameters, envelope) }
        for query in resource.queries {
            if case .pages(let envelope) = query.result { return (query, query.parameters, envelope) }
        }
        throw NgrokAIError(
            code: NgrokAIError.Code.validation, message: "\(resource.name) cannot be listed", operation: "\(resource.name).list")
    }

    private func checkedQuery(_ parameters: [String: JSONValue], _ fields: [Field], operation: String) throws(NgrokAIError)
        -> [(String, String)]
    {
        do {
            return try Shape.queryItems(parameters, fields: fields)
        } catch {
            throw Self.validationError(error, operation: operation, id: nil)
        }
    }

    private func checked<T>(_ endpoint: Endpoint, _ body: () throws(Violation) -> T) throws(NgrokAIError) -> T {
        do {
            return try body()
        } catch {
            throw Self.validationError(error, operation: endpoint.operation, id: endpoint.id)
        }
    }

    /// The `validation` error of a catalogue violation.
    public static func validationError(_ violation: Violation, operation: String, id: String?) -> NgrokAIError {
        var error = NgrokAIError.validation(operation: operation, id: id, field: violation.field, rule: violation.rule)
        if violation.isUnknownField { error.message = violation.rule }
        return error
    }

    private func checkID(_ resource: Resource, _ id: String?, _ endpoint: Endpoint) throws(NgrokAIError) {
        switch resource.kind {
        case .collection:
            guard let id else { throw unsupported(resource, endpoint) }
            let check = Validator(operation: endpoint.operation, id: id.abbreviated())
            try check.nonEmpty(id, field: "id")
            try check.atMost(id, Catalogue.maxIDLength, field: "id")
        case .singleton:
            if id != nil { throw unsupported(resource, endpoint) }
        case .readOnly:
            throw unsupported(resource, endpoint)
        }
    }

    private func requireKind(_ resource: Resource, _ kind: Resource.Kind, _ endpoint: Endpoint) throws(NgrokAIError) {
        if resource.kind != kind { throw unsupported(resource, endpoint) }
    }

    private func unsupported(_ resource: Resource, _ endpoint: Endpoint) -> NgrokAIError {
        NgrokAIError(
            code: NgrokAIError.Code.validation,
            message: "\(endpoint.operation) is not an operation of \(resource.name) (it has: \(resource.operations.joined(separator: ", ")))",
            operation: endpoint.operation, id: endpoint.id)
    }

    private func page(_ endpoint: Endpoint, envelope: String) async throws(NgrokAIError) -> RecordPage {
        let response = try await perform(endpoint)
        return try decode(endpoint, response) { json in try Self.page(json, envelope: envelope) }
    }

    /// A list response: the records of `envelope` and the next page's URI.
    package static func page(_ json: JSONValue, envelope: String) throws -> RecordPage {
        guard case .object(let members) = json else { throw Malformed("list response is not a JSON object") }
        guard case .array(let list)? = members[envelope] else {
            throw Malformed("list response has no \"\(envelope)\" array")
        }
        var records: [[String: JSONValue]] = []
        records.reserveCapacity(list.count)
        for item in list {
            guard case .object(let record) = item else { throw Malformed("a record of the list is not a JSON object") }
            records.append(record)
        }
        let next: String?
        switch members["nextPageUri"] {
        case nil, .null?: next = nil
        case .string(let uri)?: next = uri
        default: throw Malformed("\"nextPageUri\" should be a string")
        }
        return RecordPage(records: records, nextPageURI: next, fields: members)
    }

    private func record(_ endpoint: Endpoint, _ resource: Resource, body: [UInt8]? = nil) async throws(NgrokAIError)
        -> [String: JSONValue]
    {
        let response = try await perform(endpoint, body: body)
        return try decode(endpoint, response) { json in try Self.record(json, resource) }
    }

    /// One record of `resource`: a JSON object, with a string `id` for a collection's.
    package static func record(_ json: JSONValue, _ resource: Resource) throws -> [String: JSONValue] {
        guard case .object(let members) = json else { throw Malformed("\(resource.singular) is not a JSON object") }
        if resource.kind == .collection {
            guard case .string? = members["id"] else { throw Malformed("\(resource.singular) has no string \"id\"") }
        }
        return members
    }

    /// The endpoint of a next-page URI, which must be on the base URL's origin (or be a path).
    func nextPage(_ nextPageURI: String, operation: String) throws(NgrokAIError) -> Endpoint {
        try Validator(operation: operation, id: nil).nonEmpty(nextPageURI, field: "nextPageURI")
        let base: BaseURL
        switch prepared {
        case .success(let value): base = value.base
        case .failure(var error):
            error.operation = operation
            throw error
        }
        let refuse = { (why: String) in
            NgrokAIError(
                code: NgrokAIError.Code.config, message: "refusing next page URI \"\(nextPageURI)\": \(why)",
                operation: operation
            )
        }
        guard let components = URLComponents(string: nextPageURI) else { throw refuse("not a valid URL") }
        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        guard path.hasPrefix("/") else { throw refuse("not an absolute path") }
        if let query = components.percentEncodedQuery { path += "?" + query }
        if components.scheme != nil || components.host != nil {
            guard base.isSameOrigin(scheme: components.scheme, host: components.percentEncodedHost, port: components.port)
            else {
                throw refuse("it is not on the API's origin \(base.scheme)://\(base.host):\(base.port)")
            }
            if components.percentEncodedUser != nil || components.percentEncodedPassword != nil {
                throw refuse("it contains user info")
            }
        }
        let origin = base.prefix.dropLast(base.pathPrefix.count)
        var endpoint = Endpoint(method: .GET, path: path, operation: operation)
        endpoint.absoluteURL = origin + path
        return endpoint
    }

    /// Encodes a request body. (Encoding JSON values can't fail; the error path is for form.)
    func encode(_ value: some Encodable, _ endpoint: Endpoint) throws(NgrokAIError) -> [UInt8] {
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw NgrokAIError(
                code: NgrokAIError.Code.validation, message: "cannot encode the request body",
                operation: endpoint.operation, id: endpoint.id
            )
        }
    }

    /// Parses a 2xx body and builds the result; failures are code ``NgrokAIError/Code/decode``.
    /// The body itself is never put in the error (it could echo something secret).
    func decode<T>(_ endpoint: Endpoint, _ response: SuccessResponse, _ build: (JSONValue) throws -> T)
        throws(NgrokAIError) -> T
    {
        let data = Data(buffer: response.body, byteTransferStrategy: .noCopy)
        let json: JSONValue
        do {
            json = try JSONValue(parsing: data)
        } catch {
            throw decodeError(endpoint, response, "the \(response.status.code) response is not valid JSON (\(data.count) bytes)")
        }
        do {
            return try build(json)
        } catch let error as DecodingError {
            throw decodeError(endpoint, response, "unexpected \(response.status.code) response: \(error.summary)")
        } catch let error as Malformed {
            throw decodeError(endpoint, response, "unexpected \(response.status.code) response: \(error.why)")
        } catch {
            throw decodeError(endpoint, response, "unexpected \(response.status.code) response: \(error)")
        }
    }

    private func decodeError(_ endpoint: Endpoint, _ response: SuccessResponse, _ message: String) -> NgrokAIError {
        statsBox.withLockedValue { $0.failedCalls += 1 }
        return NgrokAIError(
            status: Int(response.status.code), code: NgrokAIError.Code.decode, message: message,
            operation: endpoint.operation, id: endpoint.id, attempts: response.attempts
        )
    }
}

/// A response that parsed as JSON but is not the documented shape.
struct Malformed: Error {
    var why: String
    init(_ why: String) { self.why = why }
}

import Foundation

/// A fully received request, as the router sees it.
struct IncomingRequest: Sendable {
    var method: String
    var target: RequestTarget
    var body: [UInt8]
    /// The `Idempotency-Key` header, if sent.
    var idempotencyKey: String? = nil
}

/// Maps requests to the operations of the ``Catalogue``'s resources and renders their
/// responses: one generic route table, bodies checked against the same catalogue the client uses.
struct APIRouter: Sendable {
    let account: AccountStore
    /// `http://127.0.0.1:PORT`, used in every URI the API returns.
    let baseURL: String
    /// The user the fake acts as.
    var userID = AccountStore.defaultUserID

    /// Answers one authenticated request (never a fault).
    func respond(to request: IncomingRequest) throws(APIError) -> APIResponse {
        guard let segments = request.target.segments else {
            throw .badRequest("request path contains an invalid percent-encoding")
        }
        let path = String(request.target.rawPath)
        if segments.starts(with: ["credits", "purchases"]) { return try purchases(request, segments: segments) }
        for resource in Catalogue.all where resource.kind == .readOnly {
            if let (query, argument) = Self.match(resource, segments) {
                guard request.method == "GET" else { throw .methodNotAllowed(request.method, path: path, allowed: ["GET"]) }
                return try answer(resource, query, request.target, argument: argument)
            }
        }
        guard let first = segments.first, let resource = Catalogue.all.first(where: { $0.kind != .readOnly && $0.path == "/" + first })
        else {
            throw .notFound("no such resource: \(path)")
        }
        if resource.kind == .singleton {
            guard segments.count == 1 else { throw .notFound("no such resource: \(path)") }
            switch request.method {
            case "GET":
                guard let record = account.singleton(resource, baseURL: baseURL) else {
                    throw .notFound("this account has no \(resource.singular)")
                }
                return .json(200, AccountStore.encode(.object(record)))
            case "PATCH":
                let body = try checked(resource, request.body, mode: .update)
                return .json(200, AccountStore.encode(.object(try account.update(resource, id: nil, body, by: userID, baseURL: baseURL))))
            default: throw .methodNotAllowed(request.method, path: path, allowed: ["GET", "PATCH"])
            }
        }
        switch segments.count {
        case 1:
            switch request.method {
            case "GET": return try list(resource, request.target)
            case "POST":
                let body = try checked(resource, request.body, mode: .create)
                return .json(201, AccountStore.encode(.object(try account.create(resource, body, by: userID, baseURL: baseURL))))
            default: throw .methodNotAllowed(request.method, path: path, allowed: ["GET", "POST"])
            }
        case 2 where !segments[1].isEmpty:
            let id = segments[1]
            switch request.method {
            case "GET":
                guard let json = account.renderedRecord(resource, id: id, baseURL: baseURL) else {
                    throw AccountStore.notFound(resource, id)
                }
                return .json(200, json)
            case "PATCH":
                // An unknown id is reported before body problems, as REST APIs usually do.
                guard account.renderedRecord(resource, id: id, baseURL: baseURL) != nil else { throw AccountStore.notFound(resource, id) }
                let body = try checked(resource, request.body, mode: .update)
                return .json(200, AccountStore.encode(.object(try account.update(resource, id: id, body, by: userID, baseURL: baseURL))))
            case "DELETE":
                try account.delete(resource, id: id)
                return .noContent
            default: throw .methodNotAllowed(request.method, path: path, allowed: ["GET", "PATCH", "DELETE"])
            }
        case 3 where !segments[1].isEmpty:
            guard let action = resource.action(segments[2]) else { throw .notFound("no such resource: \(path)") }
            guard request.method == "POST" else { throw .methodNotAllowed(request.method, path: path, allowed: ["POST"]) }
            let id = segments[1]
            guard account.renderedRecord(resource, id: id, baseURL: baseURL) != nil else { throw AccountStore.notFound(resource, id) }
            let object = try Self.object(request.body)
            let body: [String: JSONValue]
            do {
                body = try resource.checked(object, action: action)
            } catch {
                throw .badRequest(error.wireMessage)
            }
            return .json(200, AccountStore.encode(.object(try account.perform(resource, action, id: id, body, by: userID, baseURL: baseURL))))
        default:
            throw .notFound("no such resource: \(path)")
        }
    }

    // MARK: - Routes

    private func list(_ resource: Resource, _ target: RequestTarget) throws(APIError) -> APIResponse {
        let parameters = try Self.parameters(target, resource.listParameters)
        let limit = Int(parameters["limit"]?.intValue ?? 100)
        let filters = resource.listFilters.compactMap { field in parameters[field.name]?.stringValue.map { (field.name, $0) } }
        let page = account.page(
            resource, beforeID: parameters["beforeId"]?.stringValue, limit: limit, filters: filters, baseURL: baseURL)
        var nextPageURI: String?
        if page.hasMore, let last = page.lastID {
            nextPageURI = baseURL + target.settingQuery("beforeId", to: last)
        }
        // The records are pre-rendered JSON objects: join them into the list object
        // `{"<envelope>":[…],"nextPageUri":…,"uri":…}` (keys in sorted order).
        var body = Data()
        body.reserveCapacity(page.records.reduce(128) { $0 + $1.count + 1 })
        body.append(contentsOf: "{\"\(resource.envelope!)\":[".utf8)
        for (index, record) in page.records.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(record)
        }
        body.append(contentsOf: #"],"nextPageUri":"#.utf8)
        body.append(AccountStore.encode(nextPageURI.map { .string($0) } ?? .null))
        body.append(contentsOf: #","uri":"#.utf8)
        body.append(AccountStore.encode(.string(baseURL + target.pathAndQuery)))
        body.append(UInt8(ascii: "}"))
        return .json(200, body)
    }

    /// The query of `resource` whose path `segments` match, with the value of its `{argument}` segment.
    static func match(_ resource: Resource, _ segments: [String]) -> (Query, String?)? {
        for query in resource.queries {
            let pattern = query.path.split(separator: "/", omittingEmptySubsequences: true)
            guard pattern.count == segments.count else { continue }
            var argument: String?
            var matched = true
            for (part, segment) in zip(pattern, segments) {
                if part.hasPrefix("{") {
                    guard !segment.isEmpty else { matched = false; break }
                    argument = segment
                } else if part != segment {
                    matched = false
                    break
                }
            }
            if matched { return (query, argument) }
        }
        return nil
    }

    private func answer(_ resource: Resource, _ query: Query, _ target: RequestTarget, argument: String?) throws(APIError) -> APIResponse {
        let fields = query.result.isPaged ? query.parameters + [Field("cursor", .string, "", create: .optional)] : query.parameters
        let parameters = try Self.parameters(target, fields)
        let uri = JSONValue.string(baseURL + target.pathAndQuery)
        let start = parameters["startTime"]?.stringValue.flatMap(RFC3339.date(from:)).map(RFC3339.string(from:)) ?? ""
        let end = parameters["endTime"]?.stringValue.flatMap(RFC3339.date(from:)).map(RFC3339.string(from:))
        switch (resource.name, query.name) {
        case ("usage", "list"):
            let page = account.usagePage(
                start: start, end: end, accessKeyID: parameters["accessKeyId"]?.stringValue,
                includeRetries: parameters["includeRetries"]?.boolValue ?? false, cursor: parameters["cursor"]?.stringValue,
                limit: Int(parameters["limit"]?.intValue ?? 100))
            let next = page.next.map { JSONValue.string(baseURL + target.settingQuery("cursor", to: $0)) } ?? .null
            return .json(200, AccountStore.encode(["aiGatewayUsage": .array(page.events.map { .object($0) }), "nextPageUri": next, "uri": uri]))
        case ("usage", "overview"):
            let overview = account.usageOverview(start: start, end: end, groupBy: parameters["groupBy"]?.stringValue ?? "provider")
            return .json(200, AccountStore.encode(["buckets": .array(overview.buckets), "totals": overview.totals, "uri": uri]))
        case ("models", _):
            return .json(200, AccountStore.encode(["object": "list", "data": .array(account.models)]))
        case ("usage", "attempts"):
            let id = argument ?? ""
            guard let attempts = account.attempts(requestID: id) else {
                throw .notFound("no usage event has request id \"\(id.abbreviated())\"")
            }
            return .json(200, AccountStore.encode(["uri": uri, "requestId": .string(id), "attempts": .array(attempts)]))
        case ("credits", "balance"):
            account.settlePurchases()
            return .json(200, AccountStore.encode(["balanceCents": .int(account.credits.balanceCents)]))
        case ("credits", "transactions"):
            account.settlePurchases()
            return .json(200, AccountStore.encode(["items": .array(account.credits.transactions)]))
        default:
            throw .notFound("no such resource: \(target.rawPath)")
        }
    }

    // MARK: - Helpers

    /// The request body as a JSON object checked against the resource's create or update fields.
    private func checked(_ resource: Resource, _ bytes: [UInt8], mode: WriteMode) throws(APIError) -> [String: JSONValue] {
        let object = try Self.object(bytes)
        do {
            return try resource.checked(object, for: mode)
        } catch {
            throw APIError(status: 400, msg: error.wireMessage, code: error.code)
        }
    }

    static func object(_ bytes: [UInt8]) throws(APIError) -> [String: JSONValue] {
        guard !bytes.isEmpty else { throw .badRequest("request body is empty; expected a JSON object") }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: Data(bytes))
        } catch {
            throw .badRequest("request body is not valid JSON")
        }
        guard case .object(let object) = value else { throw .badRequest("request body must be a JSON object") }
        return object
    }

    /// Query parameters read as the types `fields` give them and checked like a body.
    static func parameters(_ target: RequestTarget, _ fields: [Field]) throws(APIError) -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for field in fields {
            guard let text = target.queryValue(field.name) else { continue }
            switch field.type {
            case .integer:
                guard let number = Int64(text) else { throw .badRequest("\(field.name) must be an integer, got \"\(text)\"") }
                values[field.name] = .int(number)
            case .boolean:
                guard text == "true" || text == "false" else { throw .badRequest("\(field.name) must be true or false, got \"\(text)\"") }
                values[field.name] = .bool(text == "true")
            default:
                if text.isEmpty, field.name == "beforeId" || field.name == "provider" { continue }
                values[field.name] = .string(text)
            }
        }
        do {
            return try Shape.check(values, fields: fields, mode: .create, path: "")
        } catch {
            throw .badRequest(error.wireMessage)
        }
    }
}

extension Violation {
    /// The message as the API says it: JSON's `null`, not the Lua spelling `json.null`.
    var wireMessage: String { message.replacingOccurrences(of: "json.null", with: "null") }
}

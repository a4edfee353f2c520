import Foundation

/// Credit purchase attempts, as the API documents them: a repeated `Idempotency-Key` returns
/// the attempt it first started (never a second charge), the same key with another amount is
/// a 409 `idempotency_key_reuse`, and a purchase started while another is unresolved is a 409
/// `purchase_in_progress`. The fake's payment gate resolves a pending attempt (succeeded: the
/// credits are added to the balance and the transactions) the next time the account's credits
/// or the attempt are read.
struct PurchaseBook: Sendable {
    /// Attempts by id, as rendered.
    var attempts: [String: [String: JSONValue]] = [:]
    /// Attempt ids, oldest first.
    var order: [String] = []
    /// Idempotency key (trimmed) → attempt id; kept forever, as the API keeps them.
    var keys: [String: String] = [:]
    /// Every key a purchase request carried, in order (for tests).
    var keysSeen: [String] = []
    /// How many charges were started.
    var charges = 0

    init() {}

    /// The purchases of a saved sandbox's `credits` member (`purchases`, `purchaseKeys`);
    /// files without them have none.
    init(snapshot credits: [String: JSONValue]) {
        for case .object(let attempt) in credits["purchases"]?.arrayValue ?? [] {
            guard let id = attempt["id"]?.stringValue else { continue }
            attempts[id] = attempt
            order.append(id)
        }
        for (key, id) in credits["purchaseKeys"]?.objectValue ?? [:] {
            if let id = id.stringValue, attempts[id] != nil { keys[key] = id }
        }
    }
}

/// Why a purchase was refused.
struct PurchaseRefusal: Error {
    var status: Int
    var message: String
    var reason: String?
    var purchaseID: String?

    var apiError: APIError {
        var error = APIError(status: status, msg: message)
        if let reason { error.details["reason"] = reason }
        if let purchaseID { error.details["purchase_id"] = purchaseID }
        return error
    }
}

extension AccountStore {
    /// Starts a purchase of `amount` cents (already checked) under `key`, or returns the
    /// attempt the key already started.
    func purchase(amount: Int64, key rawKey: String?) throws(PurchaseRefusal) -> [String: JSONValue] {
        let key = rawKey?.trimmingCharacters(in: .whitespaces) ?? ""
        guard key.count <= CreditPurchases.maxKeyLength else {
            throw PurchaseRefusal(
                status: 400, message: "the Idempotency-Key is longer than \(CreditPurchases.maxKeyLength) characters",
                reason: "invalid_idempotency_key")
        }
        let result: Result<[String: JSONValue], PurchaseRefusal> = state.withLockedValue { state in
            if !key.isEmpty { state.purchases.keysSeen.append(key) }
            if !key.isEmpty, let id = state.purchases.keys[key], let attempt = state.purchases.attempts[id] {
                guard attempt["amountCents"]?.intValue == amount else {
                    return .failure(PurchaseRefusal(
                        status: 409, message: "the Idempotency-Key was already used with a different amount",
                        reason: "idempotency_key_reuse", purchaseID: id))
                }
                return .success(attempt)
            }
            if let open = state.purchases.order.first(where: { Self.unresolved(state.purchases.attempts[$0]) }) {
                return .failure(PurchaseRefusal(
                    status: 409, message: "another purchase is not resolved yet; poll it instead of starting one",
                    reason: "purchase_in_progress", purchaseID: open))
            }
            let now = state.now()
            let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            var id = ""
            repeat {  // a loaded sandbox holds ids the same seed made before
                id = "aigcp_" + String((0..<26).map { _ in alphabet[state.random.below(alphabet.count)] })
            } while state.purchases.attempts[id] != nil
            let attempt: [String: JSONValue] = [
                "id": .string(id), "status": "pending", "amountCents": .int(amount), "currency": "usd",
                "createdAt": .string(RFC3339.string(from: now)),
                "expiresAt": .string(RFC3339.string(from: now.addingTimeInterval(365 * 86_400))),
                "failureCode": .null, "failureMessage": .null,
            ]
            state.purchases.attempts[id] = attempt
            state.purchases.order.append(id)
            state.purchases.charges += 1
            if !key.isEmpty { state.purchases.keys[key] = id }
            return .success(attempt)
        }
        return try result.get()
    }

    /// One purchase attempt (resolving it first if it was pending), or nil.
    func purchase(id: String) -> [String: JSONValue]? {
        settlePurchases()
        return state.withLockedValue { $0.purchases.attempts[id] }
    }

    /// The payment gate: every pending attempt succeeds, adding its credits.
    func settlePurchases() {
        state.withLockedValue { state in
            for id in state.purchases.order where state.purchases.attempts[id]?["status"]?.stringValue == "pending" {
                guard var attempt = state.purchases.attempts[id] else { continue }
                attempt["status"] = "succeeded"
                state.purchases.attempts[id] = attempt
                let amount = attempt["amountCents"]?.intValue ?? 0
                state.creditBalance += amount
                state.creditTransactions.insert(.object([
                    "type": "credits", "category": "purchase", "amountCents": .int(amount),
                    "createdAt": attempt["createdAt"] ?? .null, "expiresAt": attempt["expiresAt"] ?? .null,
                ]), at: 0)
            }
        }
    }

    /// Adds finished attempts (the sample's purchase history), oldest first, under their keys.
    public func seedPurchases(_ attempts: [(attempt: [String: JSONValue], key: String?)]) {
        state.withLockedValue { state in
            for (attempt, key) in attempts {
                guard let id = attempt["id"]?.stringValue else { continue }
                state.purchases.attempts[id] = attempt
                state.purchases.order.append(id)
                if let key { state.purchases.keys[key] = id }
            }
        }
    }

    /// Every purchase attempt, oldest first.
    public var purchases: [[String: JSONValue]] {
        state.withLockedValue { state in state.purchases.order.compactMap { state.purchases.attempts[$0] } }
    }

    /// The purchases as a saved sandbox keeps them, beside the balance.
    var purchaseSnapshot: [String: JSONValue] {
        state.withLockedValue { state in
            let book = state.purchases
            return [
                "purchases": .array(book.order.compactMap { book.attempts[$0].map(JSONValue.object) }),
                "purchaseKeys": .object(book.keys.mapValues { .string($0) }),
            ]
        }
    }

    /// How many charges purchase requests started (a replayed key starts none).
    public var purchaseCharges: Int { state.withLockedValue { $0.purchases.charges } }

    /// The idempotency keys purchase requests carried, in order (trimmed; empty ones left out).
    public var purchaseKeysSeen: [String] { state.withLockedValue { $0.purchases.keysSeen } }

    private static func unresolved(_ attempt: [String: JSONValue]?) -> Bool {
        let status = attempt?["status"]?.stringValue
        return status == "pending" || status == "actionRequired"
    }
}

extension APIRouter {
    /// `POST /credits/purchases` and `GET /credits/purchases/{id}`.
    func purchases(_ request: IncomingRequest, segments: [String]) throws(APIError) -> APIResponse {
        let path = String(request.target.rawPath)
        switch segments.count {
        case 2:
            guard request.method == "POST" else { throw .methodNotAllowed(request.method, path: path, allowed: ["POST"]) }
            let object = try Self.object(request.body)
            let body: [String: JSONValue]
            do {
                body = try Shape.check(object, fields: [CreditPurchases.amount], mode: .create, path: "")
            } catch {
                throw .badRequest(error.wireMessage)
            }
            do {
                let attempt = try account.purchase(amount: body["amount"]?.intValue ?? 0, key: request.idempotencyKey)
                return .json(200, AccountStore.encode(.object(attempt)))
            } catch {
                throw error.apiError
            }
        case 3 where !segments[2].isEmpty:
            guard request.method == "GET" else { throw .methodNotAllowed(request.method, path: path, allowed: ["GET"]) }
            guard let attempt = account.purchase(id: segments[2]) else {
                throw .notFound("credit purchase \(segments[2]) not found")
            }
            return .json(200, AccountStore.encode(.object(attempt)))
        default:
            throw .notFound("no such resource: \(path)")
        }
    }
}

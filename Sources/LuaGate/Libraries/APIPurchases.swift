import CLua
import CLuaShim
import Foundation
import LuaKit
import NgrokAI
import NIOConcurrencyHelpers

/// `credits.purchase{amount =, idempotencyKey = ?}` and `credits.purchaseStatus(id)`.
///
/// A purchase spends money, so it always carries an `Idempotency-Key` (a random one when the
/// script gives none), which the journal's `started` line records before the request goes
/// out; the client retries it only with that key; `--resume` repeats an interrupted run's
/// purchase with the journaled key, so the API answers with the same attempt instead of
/// charging again; a purchase whose answer was lost is repeated, in the same run, only with
/// its key. `--dry-run` never sends one, and each counts against `--max-changes`. Amounts are
/// whole US cents within the documented range, checked before anything is sent.
extension Runtime {
    func installPurchases() {
        let L = lua.L
        guard lua_getglobal(L, Resource.credits.name) == LUA_TTABLE else {
            lua.stack.pop()
            return
        }
        lua.pushFunction("purchase") { [unowned self] in try purchase($0) }
        lua.stack.rawSet(table: -2, key: "purchase")
        lua.pushFunction("purchaseStatus") { [unowned self] in try purchaseStatus($0) }
        lua.stack.rawSet(table: -2, key: "purchaseStatus")
        lua.stack.pop()
    }

    /// The functions a resource library has beyond its catalogue operations (`credits`' purchases).
    static func extraFunctions(_ resource: Resource) -> [String] {
        resource.name == Resource.credits.name ? CreditPurchases.functions.map(\.name) : []
    }

    /// `attempt = credits.purchase{amount = cents, idempotencyKey = ?}`
    private func purchase(_ call: LuaCall) throws -> LuaReturn {
        let operation = "credits.purchase"
        let args = Arguments(call: call, operation: operation)
        let fields = CreditPurchases.parameters
        let given = try args.fields(1, allowed: fields.map(\.name))
        let checked = try args.checked(1, id: nil) { () throws(Violation) in
            try Shape.check(given, fields: fields, mode: .create, path: "")
        }
        guard let amount = checked["amount"]?.intValue else {
            throw args.error("field 'amount': must be a whole number of cents", argument: 1, id: nil, field: "amount")
        }
        var target: [String: JSONValue] = ["amount": .int(amount)]
        let key: String
        if let chosen = checked["idempotencyKey"]?.stringValue {
            guard !chosen.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw args.error("field 'idempotencyKey': must not be blank", argument: 1, id: nil, field: "idempotencyKey")
            }
            key = chosen
            target["idempotencyKey"] = .string(chosen)
        } else {
            // A purchase of this amount whose answer was lost earlier in this run keeps its key.
            key = PurchaseKeys.inDoubt(job, amount: amount) ?? "luagate-" + UUID().uuidString.lowercased()
        }
        let job = self.job
        let ownKey = target["idempotencyKey"] != nil
        let raw = RawChange(
            kind: .purchase, resource: Resource.credits.name, id: nil, target: target, idempotencyKey: key,
            repeatableInDoubt: true,
            dryRunLine: "would purchase \(amount) cents of credits" + (target["idempotencyKey"] == nil ? "" : " (Idempotency-Key \(key))"),
            // The record's whole required shape (the expiry a year on, as the fake gives it).
            dryRunResult: .object([
                "id": .string("dry-run-\(job.nextDryRunID())"), "status": "pending", "amountCents": .int(amount), "currency": "usd",
                "createdAt": .string(RFC3339.string(from: Date.now)),
                "expiresAt": .string(RFC3339.string(from: Date.now.addingTimeInterval(365 * 86_400))),
            ]),
            redact: { $0 })
        let body = Array(try Self.encoder.encode(JSONValue.object(["amount": .int(amount)])))
        let push: (LuaStack, JSONValue?) -> Int32 = { stack, value in
            if let value { stack.push(apiValue: value) } else { stack.pushNil() }
            return 1
        }
        return try sendChange(
            call, raw, operation: operation, argument: { _ in 1 }, push: push,
            onUnknown: { sent in if !ownKey, let sent { PurchaseKeys.remember(job, amount: amount, key: sent) } }
        ) { client, sent in
            do {
                let attempt = try await client.request(
                    "POST", path: CreditPurchases.path, body: body, operation: operation, idempotencyKey: sent)
                if !ownKey, let sent { PurchaseKeys.forget(job, amount: amount, key: sent) }
                guard case .object? = attempt else {
                    throw NgrokAIError(code: NgrokAIError.Code.decode, message: "the purchase response is not a JSON object", operation: operation)
                }
                return attempt
            } catch let failure as NgrokAIError where Self.outcomeUnknown(failure, idempotent: false) {
                var error = failure
                error.message += "; the purchase may have been made: credits.purchase with this amount repeats it with the same "
                    + "Idempotency-Key (\(sent ?? "")) in this run, and --resume does in a later one"
                throw error
            }
        }
    }

    /// `attempt = credits.purchaseStatus(id)`
    private func purchaseStatus(_ call: LuaCall) throws -> LuaReturn {
        let operation = "credits.purchaseStatus"
        let id = try Arguments(call: call, operation: operation).id()
        let job = self.job
        return try request(call, argument: { _ in 1 }, { client in
            job.countRead()
            return try await client.request(
                "GET", path: CreditPurchases.path + "/" + id.percentEncodedComponent, operation: operation, id: id)
        }, push: { stack, value in
            if let value { stack.push(apiValue: value) } else { stack.pushNil() }
            return 1
        })
    }
}

/// The keys of purchases whose answer was lost, by run and amount: a later purchase of the
/// same amount in the same run sends the same key (the API answers with that attempt).
/// Purchases with a key of the script's own never enter it; a key is forgotten only when the
/// purchase that carried it succeeds (not when another of the same amount does).
enum PurchaseKeys {
    private static let box = NIOLockedValueBox<[ObjectIdentifier: [Int64: String]]>([:])

    static func inDoubt(_ job: JobControl, amount: Int64) -> String? {
        box.withLockedValue { $0[ObjectIdentifier(job)]?[amount] }
    }

    static func remember(_ job: JobControl, amount: Int64, key: String) {
        box.withLockedValue { $0[ObjectIdentifier(job), default: [:]][amount] = key }
    }

    static func forget(_ job: JobControl, amount: Int64, key: String) {
        box.withLockedValue { keys in
            if keys[ObjectIdentifier(job)]?[amount] == key { keys[ObjectIdentifier(job)]?[amount] = nil }
        }
    }
}

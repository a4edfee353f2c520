import NgrokAI

/// LuaLS definitions of what is not a record operation of the catalogue: credit purchases
/// (their shapes from ``CreditPurchases``) and `api.request`.
extension LuaLSTypes {
    static var purchasesAndAPI: String {
        var out = "---A credit purchase attempt.\n---@class luagate.creditPurchase\n"
        for field in CreditPurchases.record {
            let type: String
            switch field.type {
            case .integer: type = "integer"
            default: type = "string"
            }
            out += "---@field \(field.name) \(type)\(field.requiredInRecord ? "" : "?") \(field.summary)\n"
        }
        let summaries = Dictionary(uniqueKeysWithValues: CreditPurchases.functions.map { ($0.name, ($0.syntax, $0.summary)) })
        let (purchase, purchaseSummary) = summaries["purchase"]!
        let (status, statusSummary) = summaries["purchaseStatus"]!
        out += """

            ---\(purchaseSummary)
            ---`\(purchase)`
            ---@param fields {amount: integer, idempotencyKey?: string}
            ---@return luagate.creditPurchase
            function credits.purchase(fields) end

            ---\(statusSummary)
            ---`\(status)`
            ---@param id string
            ---@return luagate.creditPurchase
            function credits.purchaseStatus(id) end

            ---Requests the catalogue does not describe yet, to the configured API.
            ---@class luagate.api
            api = {}

            ---Sends `method path` with the run's token, retries, timeouts and error objects, and returns the
            ---decoded body (nil when empty). POST, PUT, PATCH and DELETE obey --dry-run, --max-changes and the journal.
            ---`\(APIDocs.syntax)`
            ---@param method "GET"|"HEAD"|"POST"|"PUT"|"PATCH"|"DELETE"
            ---@param path string A path of the API, e.g. `/credits/balance` (never a URL).
            ---@param options? {query?: table<string, string|number|boolean>, body?: table|string}
            ---@return any
            function api.request(method, path, options) end


            """
        return out
    }
}

/// The call shapes of `api`, for docs and `.help`.
public enum APIDocs {
    public static let syntax = "api.request(method, path [, {query = ?, body = ?}])"
}

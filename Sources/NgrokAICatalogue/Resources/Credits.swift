extension Resource {
    /// The account's prepaid credit. Buying credits (``CreditPurchases``) is not a query: see there.
    public static let credits = Resource(
        name: "credits", recordName: "credits", singular: "credits", path: "/credits", kind: .readOnly,
        summary: "The prepaid credit balance, its transactions, and credit purchases (which spend money: see `credits.purchase`).",
        fields: [],
        queries: [
            Query(
                name: "balance", path: "/credits/balance", summary: "The balance, in cents.", result: .object,
                fields: [Field("balanceCents", .integer, "The balance in US cents.", requiredInRecord: true)]),
            Query(
                name: "transactions", path: "/credits/transactions",
                summary: "Credit purchases, grants and usage invoices (each with a `type`).", result: .items("items"),
                fields: [
                    Field("type", .oneOf(["credits", "usageInvoice", "usageInvoicePreview"]), "The kind of item.", requiredInRecord: true),
                    Field("createdAt", .timestamp, "When it was made.", requiredInRecord: true),
                    Field("amountCents", .integer, "Credits: the amount, in cents."),
                    Field("category", .oneOf(["purchase", "promotional"]), "Credits: bought or granted."),
                    Field("expiresAt", .timestamp, "Credits: when they expire."),
                    Field("periodStart", .timestamp, "Invoices: the period's start."),
                    Field("periodEnd", .timestamp, "Invoices: the period's end."),
                    Field("invoiceUrl", .string, "Invoices: where to read it."),
                    Field("totalCents", .integer, "Invoices: the total, in cents."),
                    Field("appliedCreditsCents", .integer, "Invoices: credits applied."),
                    Field("amountDueCents", .integer, "Invoices: amount due."),
                    Field("amountPaidCents", .integer, "Invoices: amount paid."),
                    Field("amountRemainingCents", .integer, "Invoices: amount remaining."),
                ]),
        ])
}

/// Buying credits: `POST /credits/purchases` with an `Idempotency-Key` header charges the
/// account's saved card and answers 200 with the attempt; `GET /credits/purchases/{id}` reads
/// it back. Neither is a record operation of the catalogue's model (a POST without a record
/// id, answered 200, carrying a header), so `credits.purchase`, `credits.purchaseStatus` and
/// the fake's routes read their shapes from here.
public enum CreditPurchases {
    /// The collection path (`/{id}` reads one attempt back).
    public static let path = "/credits/purchases"
    /// The Lua functions on `credits`, with their call shapes.
    public static let functions: [(name: String, syntax: String, summary: String)] = [
        ("purchase", "credits.purchase{amount =, idempotencyKey = ?}",
         "Starts a purchase of `amount` cents of credits (charges the saved card; always sends an Idempotency-Key)."),
        ("purchaseStatus", "credits.purchaseStatus(id)", "A purchase attempt, to poll until it succeeded or failed."),
    ]
    /// The longest `Idempotency-Key`, in characters (the API trims surrounding whitespace).
    public static let maxKeyLength = 255
    /// What a purchase's body holds.
    public static let amount = Field(
        "amount", .integer, "Whole US cents to buy (1 to 50000, and no more than the balance cap).",
        create: .required, range: 1...50_000)
    /// What a script passes to `credits.purchase`: the body, and the key.
    public static let parameters: [Field] = [
        amount,
        Field(
            "idempotencyKey", .string, "The Idempotency-Key (a random one when not given); a repeated key returns the same attempt.",
            create: .optional, minLength: 1, maxLength: maxKeyLength),
    ]
    /// The states of an attempt; `succeeded` and `failed` are final.
    public static let statuses = ["pending", "actionRequired", "succeeded", "failed"]
    /// A purchase attempt as the API returns it.
    public static let record: [Field] = [
        Field("id", .string, "The purchase attempt's id.", requiredInRecord: true),
        Field("status", .oneOf(statuses), "pending, actionRequired, succeeded or failed (the last two are final).", requiredInRecord: true),
        Field("amountCents", .integer, "The amount bought, in US cents.", requiredInRecord: true),
        Field("currency", .string, "ISO 4217 code, lowercase (`usd`).", requiredInRecord: true),
        Field("createdAt", .timestamp, "When the attempt started.", requiredInRecord: true),
        Field("expiresAt", .timestamp, "When the credits bought stop being usable.", requiredInRecord: true),
        Field("failureCode", .string, "Why it failed (or `ambiguous_upstream` while pending after an unknown outcome); may be null."),
        Field("failureMessage", .string, "The decline's detail, when it failed; may be null."),
    ]
}

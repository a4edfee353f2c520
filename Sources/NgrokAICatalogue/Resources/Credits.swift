extension Resource {
    /// The account's prepaid credit (read-only here: buying credits spends money and is not offered).
    public static let credits = Resource(
        name: "credits", recordName: "credits", singular: "credits", path: "/credits", kind: .readOnly,
        summary: "The prepaid credit balance and its transactions (buying credits is not offered).",
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

import NgrokAI

/// A mutating API call, as named in journals, logs and reports: `create`, `update`, `delete`,
/// or an action of the catalogue such as `rotate`.
public struct MutationKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let create = MutationKind(rawValue: "create")
    public static let update = MutationKind(rawValue: "update")
    public static let delete = MutationKind(rawValue: "delete")
    public static let rotate = MutationKind(rawValue: "rotate")

    /// Every kind some resource of the catalogue has, sorted.
    public static let allCases: [MutationKind] = Set(Catalogue.all.flatMap(\.mutations) + extraKinds).sorted()
        .map(MutationKind.init(rawValue:))

    /// Kinds outside the catalogue's record operations: a credit purchase, and the mutating
    /// methods of `api.request` (its DELETE counts as `delete`).
    static let extraKinds = ["purchase", "post", "put", "patch"]
    public static let purchase = MutationKind(rawValue: "purchase")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

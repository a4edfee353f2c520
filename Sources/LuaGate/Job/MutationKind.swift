/// The mutating API calls, as named in journals, logs and reports.
public enum MutationKind: String, Sendable, CaseIterable, Codable {
    case update, create, delete, rotate
}

/// Collects the first rule broken by a call's arguments that the catalogue's shapes do not
/// cover (ids and next-page URIs).
///
/// Lengths are counted in Unicode code points (`unicodeScalars.count`), as the API counts them.
struct Validator {
    let operation: String
    let id: String?

    /// Fails unless `value` is non-empty.
    func nonEmpty(_ value: String, field: String) throws(NgrokAIError) {
        if value.isEmpty { throw failure(field, "must not be empty") }
    }

    /// Fails if `value` has more than `limit` code points.
    func atMost(_ value: String?, _ limit: Int, field: String) throws(NgrokAIError) {
        guard let value else { return }
        // Cheap exit: a string can't have more scalars than UTF-8 bytes.
        if value.utf8.count <= limit { return }
        let count = value.unicodeScalars.count
        if count > limit { throw failure(field, "at most \(limit) characters (got \(count))") }
    }

    func failure(_ field: String, _ rule: String) -> NgrokAIError {
        NgrokAIError.validation(operation: operation, id: id, field: field, rule: rule)
    }
}

extension DecodingError {
    /// What went wrong, without the coding path's type names.
    var summary: String {
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            return context.debugDescription
        @unknown default:
            return "\(self)"
        }
    }
}

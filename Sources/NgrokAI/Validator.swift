/// The API's limits on request fields, checked before anything is sent.
///
/// Lengths are counted in Unicode code points (`unicodeScalars.count`), as the API counts them.
public enum FieldLimits {
    /// Maximum code points of `name`.
    public static let name = 255
    /// Maximum code points of `description`.
    public static let description = 255
    /// Maximum code points of `metadata`.
    public static let metadata = 4096
    /// Allowed page sizes of a list call.
    public static let listLimit = 1...100
}

/// Collects the first rule broken by a call's arguments.
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

    /// Fails unless `value` lies in `range`.
    func within(_ value: Int?, _ range: ClosedRange<Int>, field: String) throws(NgrokAIError) {
        guard let value else { return }
        if !range.contains(value) {
            throw failure(field, "must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
        }
    }

    func failure(_ field: String, _ rule: String) -> NgrokAIError {
        NgrokAIError.validation(operation: operation, id: id, field: field, rule: rule)
    }
}

// Public checks, for callers that must refuse a call before starting it
// (the client runs the same checks again before sending).
extension ProviderKeyCreate {
    /// Throws the `validation` error the client would raise, without sending anything.
    public func validate(operation: String = "providerKeys.create") throws(NgrokAIError) {
        try Self.check(Resource.providerKeys.checked(fields, for: .create), operation: operation, id: nil)
    }
}

extension ProviderKeyUpdate {
    /// Throws the `validation` error the client would raise, without sending anything.
    public func validate(operation: String = "providerKeys.update", id: String? = nil) throws(NgrokAIError) {
        try ProviderKeyCreate.check(Resource.providerKeys.checked(fields, for: .update), operation: operation, id: id)
    }
}

extension ProviderKeyRotate {
    /// Throws the `validation` error the client would raise, without sending anything.
    public func validate(operation: String = "providerKeys.rotate", id: String? = nil) throws(NgrokAIError) {
        try ProviderKeyCreate.check(Resource.providerKeys.checked(fields, action: Resource.providerKeys.action("rotate")!), operation: operation, id: id)
    }
}

extension ProviderKeyCreate {
    /// Runs a catalogue check, turning a violation into the client's `validation` error.
    static func check(_ body: @autoclosure () throws(Violation) -> [String: JSONValue], operation: String, id: String?) throws(NgrokAIError) {
        do {
            _ = try body()
        } catch {
            throw NgrokAIClient.validationError(error, operation: operation, id: id)
        }
    }
}

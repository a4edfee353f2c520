import Foundation

/// A JSON request body checked field by field, with 400 messages that name the field and rule.
struct RequestBody {
    private let object: [String: Any]

    /// Parses `bytes` as a JSON object whose fields are all in `allowed`.
    init(_ bytes: [UInt8], allowed: [String]) throws(APIError) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw .badRequest(
                bytes.isEmpty ? "request body is empty; expected a JSON object" : "request body is not valid JSON"
            )
        }
        guard let object = parsed as? [String: Any] else {
            throw .badRequest("request body must be a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .badRequest(
                "unknown field \"\(unknown)\" in request body; allowed fields: \(allowed.joined(separator: ", "))"
            )
        }
        self.object = object
    }

    /// A required, non-null string of at most `maxLength` code points (non-empty unless allowed).
    func requiredString(_ field: String, maxLength: Int, allowEmpty: Bool = false) throws(APIError) -> String {
        guard let raw = object[field] else {
            throw .badRequest("\(field) is required")
        }
        guard let text = Self.string(raw) else {
            throw .badRequest("\(field) must be a string, not \(Self.typeName(raw))")
        }
        try Self.check(field, text, maxLength: maxLength, allowEmpty: allowEmpty)
        return text
    }

    /// An optional field that may be a string, JSON null (clear), or absent (unchanged).
    func nullableString(_ field: String, maxLength: Int) throws(APIError) -> FieldUpdate {
        guard let raw = object[field] else { return .unchanged }
        if raw is NSNull {
            return .clear
        }
        guard let text = Self.string(raw) else {
            throw .badRequest("\(field) must be a string or null, not \(Self.typeName(raw))")
        }
        try Self.check(field, text, maxLength: maxLength, allowEmpty: true)
        return .set(text)
    }

    /// An optional field that may be a string (absent → nil); null is refused.
    func optionalString(_ field: String, maxLength: Int) throws(APIError) -> String? {
        guard let raw = object[field] else { return nil }
        if raw is NSNull {
            throw .badRequest("\(field) must not be null")
        }
        return try requiredString(field, maxLength: maxLength)
    }

    private static func check(_ field: String, _ text: String, maxLength: Int, allowEmpty: Bool) throws(APIError) {
        if !allowEmpty && text.isEmpty {
            throw .badRequest("\(field) must not be empty")
        }
        let length = text.unicodeScalars.count
        if length > maxLength {
            throw .badRequest("\(field) must be at most \(maxLength) characters long (got \(length))")
        }
    }

    /// The value as a Swift string, only if it is a JSON string (not a number or boolean).
    private static func string(_ raw: Any) -> String? {
        if raw is NSNumber { return nil }
        return raw as? String
    }

    private static func typeName(_ raw: Any) -> String {
        switch raw {
        case is NSNull: "null"
        case is String: "a string"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        default: "a number or boolean"
        }
    }
}

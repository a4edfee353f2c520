/// One field of a record, a request body, a nested shape or a query.
///
/// A field says where it appears (in records read back, in create and update bodies), what it
/// holds, its limits, and whether it is secret. Nested shapes (`.object`) are lists of fields
/// too; inside them ``create`` says whether the member is required when the enclosing value is
/// written (nested values are always written whole).
public struct Field: Sendable {
    /// Whether a field may or must be given when a record is created (or a nested value written).
    public enum Write: Sendable, Equatable {
        case no, optional, required
    }

    /// Whether a field may be given in an update (PATCH).
    public enum Change: Sendable, Equatable {
        /// Not updatable (absent from the PATCH body).
        case no
        /// May be set, not cleared.
        case set
        /// May be set, or cleared with JSON `null`.
        case setOrClear
    }

    /// Who may see a field's value.
    public enum Secrecy: Sendable, Equatable {
        case none
        /// Sent by the client, never returned (a provider key's `value`).
        case writeOnly
        /// Returned only in the response that creates the record (an access key's `token`).
        case returnedOnce
    }

    public var name: String
    public var type: FieldType
    /// One line, in our own words, for docs and editor types.
    public var summary: String
    /// Appears in records read from the API.
    public var inRecord: Bool
    /// Always present in records (and never `null`).
    public var requiredInRecord: Bool
    public var create: Write
    public var update: Change
    /// In code points, as the API counts them.
    public var minLength: Int?
    /// In code points, as the API counts them.
    public var maxLength: Int?
    /// For integers.
    public var range: ClosedRange<Int64>?
    public var secrecy: Secrecy
    /// The record this value points at, if any.
    public var reference: Reference?
    /// No two records of the resource may hold the same value (the fake answers 409).
    public var unique: Bool
    /// The value the API stores when a write leaves the field out (e.g. a policy's `mode`).
    public var defaultValue: JSONValue?

    public init(
        _ name: String, _ type: FieldType, _ summary: String,
        inRecord: Bool = true, requiredInRecord: Bool = false,
        create: Write = .no, update: Change = .no,
        minLength: Int? = nil, maxLength: Int? = nil, range: ClosedRange<Int64>? = nil,
        secrecy: Secrecy = .none, reference: Reference? = nil, unique: Bool = false,
        default defaultValue: JSONValue? = nil
    ) {
        self.name = name
        self.type = type
        self.summary = summary
        self.inRecord = inRecord
        self.requiredInRecord = requiredInRecord
        self.create = create
        self.update = update
        self.minLength = minLength
        self.maxLength = maxLength
        self.range = range
        self.secrecy = secrecy
        self.reference = reference
        self.unique = unique
        self.defaultValue = defaultValue
    }

    /// Whether the field is secret in any way (kept out of every output but the create result).
    public var isSecret: Bool { secrecy != .none }

    /// Whether a script can write this field at all.
    public var isWritable: Bool { create != .no || update != .no }
}

/// A value that points at another resource's record.
public struct Reference: Sendable {
    /// The Lua name of the resource pointed at, e.g. `accessKeyConfigurations`.
    public var resource: String
    /// The field of that resource's records this value equals (`id`, or `providerId` for providers).
    public var key: String
    /// A write naming a record that does not exist is refused (400).
    public var mustExist: Bool
    /// Records show the reference as `{id, uri, name}` under this name instead of the raw value.
    public var shownAs: String?
    /// Deleting the record pointed at fails (409) while this reference holds.
    public var blocksDelete: Bool

    public init(_ resource: String, key: String = "id", mustExist: Bool, shownAs: String? = nil, blocksDelete: Bool) {
        self.resource = resource
        self.key = key
        self.mustExist = mustExist
        self.shownAs = shownAs
        self.blocksDelete = blocksDelete
    }
}

/// What a field holds.
public indirect enum FieldType: Sendable {
    case string
    case integer
    /// A JSON number that may have a fraction (a double).
    case number
    case boolean
    /// An RFC 3339 date-time string (scripts may also give a Unix time number).
    case timestamp
    /// A Go duration string such as `30s` or `1m30s`.
    case duration
    /// A decimal number written as a string (`"0.01234"`), e.g. a cost in US dollars.
    case decimal
    /// One of these strings.
    case oneOf([String])
    /// `{id, uri}` of a user or record.
    case ref
    /// A nested object with exactly these members. `exclusive`: alternative sets of members,
    /// exactly one of which must be given on write (e.g. `{id}` or `{name, value}`).
    case object([Field], exclusive: [[String]])
    case array(FieldType, minItems: Int)
    /// Any JSON value, not checked (e.g. the items of a list whose shapes vary by `type`).
    case any

    /// A nested object whose members are all independent.
    public static func shape(_ fields: [Field]) -> FieldType { .object(fields, exclusive: []) }

    /// An array with no minimum length.
    public static func list(_ item: FieldType) -> FieldType { .array(item, minItems: 0) }

    /// The type's name in docs and messages.
    public var name: String {
        switch self {
        case .string, .duration, .decimal: "string"
        case .integer: "integer"
        case .number: "number"
        case .boolean: "boolean"
        case .timestamp: "timestamp"
        case .oneOf: "string"
        case .ref, .object: "table"
        case .array: "array"
        case .any: "any"
        }
    }
}

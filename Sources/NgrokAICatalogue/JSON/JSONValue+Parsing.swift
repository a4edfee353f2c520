import Foundation

extension JSONValue {
    /// Parses JSON text exactly: integer literals become ``int(_:)`` and literals with a fraction
    /// or exponent become ``double(_:)``.
    ///
    /// Parsing is Foundation's `JSONSerialization`, whose numbers remember how they were spelled.
    /// Its doubles are not always the nearest to the literal (`1.2345678901212346e+26` reads as
    /// `…347e+26`), so when the text holds any, `JSONDecoder`, which rounds correctly, reads it
    /// again for their values. Top-level scalars are allowed.
    public init(parsing data: Data) throws {
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        var value = try JSONValue(foundationObject: object)
        if value.holdsDouble, let exact = try? JSONDecoder().decode(ExactNumbers.self, from: data) {
            value.takeDoubles(from: exact)
        }
        self = value
    }

    /// Whether any number in the tree is a double.
    private var holdsDouble: Bool {
        switch self {
        case .double: true
        case .array(let elements): elements.contains { $0.holdsDouble }
        case .object(let members): members.values.contains { $0.holdsDouble }
        default: false
        }
    }

    /// Replaces each double with the value `exact` holds at the same place.
    private mutating func takeDoubles(from exact: ExactNumbers) {
        switch (self, exact) {
        case (.double, .number(let number)):
            self = .double(number)
        case (.array(var elements), .array(let others)) where elements.count == others.count:
            for index in elements.indices {
                elements[index].takeDoubles(from: others[index])
            }
            self = .array(elements)
        case (.object(var members), .object(let others)):
            for (key, other) in others {
                members[key]?.takeDoubles(from: other)
            }
            self = .object(members)
        default:
            break
        }
    }

    /// Parses JSON text exactly; see ``init(parsing:)-(Data)``.
    public init(parsing text: String) throws {
        try self.init(parsing: Data(text.utf8))
    }

    init(foundationObject object: Any) throws {
        // Most common first; dynamic casts that can't match are the expensive part.
        if let string = object as? String {
            self = .string(string)
        } else if let dictionary = object as? [String: Any] {
            var members = [String: JSONValue](minimumCapacity: dictionary.count)
            for (key, value) in dictionary {
                members[key] = try JSONValue(foundationObject: value)
            }
            self = .object(members)
        } else if object is NSNull {
            self = .null
        } else if let number = object as? NSNumber {
            self = JSONValue(number: number)
        } else if let array = object as? [Any] {
            var elements: [JSONValue] = []
            elements.reserveCapacity(array.count)
            for element in array {
                elements.append(try JSONValue(foundationObject: element))
            }
            self = .array(elements)
        } else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "unexpected JSON node \(type(of: object))")
            )
        }
    }

    /// Classifies a number by the type `JSONSerialization` gave it: booleans are `c`/`B`,
    /// fraction/exponent literals `d`/`f`, integer literals an integer type; integers outside the
    /// 64-bit range arrive as `NSDecimalNumber` (or `UInt64`).
    private init(number: NSNumber) {
        if let decimal = number as? NSDecimalNumber {
            self = JSONValue(decimal: decimal)
            return
        }
        switch UInt8(truncatingIfNeeded: number.objCType.pointee) {
        case UInt8(ascii: "c"), UInt8(ascii: "B"):
            self = .bool(number.boolValue)
        case UInt8(ascii: "d"), UInt8(ascii: "f"):
            self = .double(number.doubleValue)
        case UInt8(ascii: "Q"), UInt8(ascii: "L"), UInt8(ascii: "I"), UInt8(ascii: "S"), UInt8(ascii: "C"):
            let value = number.uint64Value
            if value <= UInt64(Int64.max) {
                self = .int(Int64(value))
            } else {
                self = .double(number.doubleValue)
            }
        default:
            self = .int(number.int64Value)
        }
    }

    /// `JSONSerialization` gives an `NSDecimalNumber` for integer literals beyond `UInt64`, for
    /// `Int64.min`, and for fraction literals of 17 or more digits (`4567890121256901.0`, which
    /// must stay a double). So the one integer is `Int64.min`; anything else is a double (its
    /// exact value comes from the second reading, see ``init(parsing:)-(Data)``).
    private init(decimal: NSDecimalNumber) {
        if NSDecimalNumber(value: Int64.min).compare(decimal) == .orderedSame {
            self = .int(Int64.min)
        } else {
            self = .double(decimal.doubleValue)
        }
    }
}

/// The same JSON read by `JSONDecoder`, for the values of its numbers only.
private indirect enum ExactNumbers: Decodable {
    case number(Double)
    case array([ExactNumbers])
    case object([String: ExactNumbers])
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .other
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let array = try? container.decode([ExactNumbers].self) {
            self = .array(array)
        } else if let object = try? container.decode([String: ExactNumbers].self) {
            self = .object(object)
        } else {
            self = .other
        }
    }
}

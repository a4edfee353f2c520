import Foundation

extension JSONValue {
    /// Parses JSON text exactly: integer literals become ``int(_:)`` and literals with a fraction
    /// or exponent become ``double(_:)``.
    ///
    /// Parsing is Foundation's `JSONSerialization`, whose numbers remember how they were spelled;
    /// the tree is then converted without re-reading any text. Top-level scalars are allowed.
    public init(parsing data: Data) throws {
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        self = try JSONValue(foundationObject: object)
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

    /// `JSONSerialization` uses `NSDecimalNumber` for integer literals that overflow its native
    /// integer types (including `Int64.min` on some platforms). An integral decimal that fits
    /// `Int64` is an integer; anything else is a double.
    private init(decimal: NSDecimalNumber) {
        let integer = decimal.int64Value
        if decimal.decimalValue.exponent >= 0,
            NSDecimalNumber(value: integer).compare(decimal) == .orderedSame
        {
            self = .int(integer)
        } else {
            self = .double(decimal.doubleValue)
        }
    }
}

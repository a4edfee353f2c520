import Foundation
import Testing

@testable import NgrokAI

@Suite("JSONValue")
struct JSONValueTests {
    @Test(
        "numbers keep their lexical kind",
        arguments: [
            ("1", JSONValue.int(1)),
            ("-1", .int(-1)),
            ("0", .int(0)),
            ("-0", .int(0)),
            ("1.0", .double(1.0)),
            ("1e3", .double(1000)),
            ("1E3", .double(1000)),
            ("1e-2", .double(0.01)),
            ("2.5", .double(2.5)),
            ("9223372036854775807", .int(.max)),
            ("-9223372036854775808", .int(.min)),
            ("9007199254740993", .int(9_007_199_254_740_993)),
            ("9223372036854775808", .double(9_223_372_036_854_775_808.0)),
            ("18446744073709551616", .double(18_446_744_073_709_551_616.0)),
        ]
    )
    func numbers(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == expected)
        // Also nested, where JSONSerialization builds the numbers differently.
        #expect(try JSONValue(parsing: "[\(text)]") == .array([expected]))
        #expect(try JSONValue(parsing: "{\"n\":\(text)}") == .object(["n": expected]))
    }

    @Test func negativeZeroStaysNegative() throws {
        let value = try JSONValue(parsing: "-0.0")
        guard case .double(let double) = value else {
            Issue.record("expected a double, got \(value)")
            return
        }
        #expect(double == 0 && double.sign == .minus)
    }

    @Test func largeIntegerIsExact() throws {
        // 2^53 + 1 is not representable as a Double; it must survive as an Int64.
        #expect(try JSONValue(parsing: "9007199254740993").intValue == 9_007_199_254_740_993)
    }

    @Test func booleansAreNotNumbers() throws {
        #expect(try JSONValue(parsing: "[true, false, 1, 0]") == [true, false, 1, 0])
        #expect(try JSONValue(parsing: "true").boolValue == true)
        #expect(try JSONValue(parsing: "1").boolValue == nil)
    }

    @Test func structures() throws {
        let value = try JSONValue(parsing: #"{"a":[1,"x",null,{"b":false}],"c":{},"d":"é/\u00e9"}"#)
        #expect(
            value == .object([
                "a": .array([.int(1), .string("x"), .null, .object(["b": .bool(false)])]),
                "c": .object([:]),
                "d": .string("é/é"),
            ])
        )
        #expect(value["a"]?.arrayValue?.count == 4)
        #expect(value["missing"] == nil)
        #expect(value["c"]?.objectValue == [:])
    }

    @Test func invalidJSONThrows() {
        #expect(throws: (any Error).self) { try JSONValue(parsing: "{") }
        #expect(throws: (any Error).self) { try JSONValue(parsing: "") }
        #expect(throws: (any Error).self) { try JSONValue(parsing: "nope") }
    }

    @Test func codableRoundTrip() throws {
        let value: JSONValue = ["s": "x", "i": 42, "d": 2.5, "b": true, "n": nil, "a": [1, "two"]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
        #expect(try JSONValue(parsing: data) == value)
    }

    @Test func codableDecodingBestEffort() throws {
        // Through Codable the spelling is invisible; integral numbers come out as ints,
        // except -0.0, and non-integral ones as doubles.
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data("[1, 2.5, -0.0, true, null]".utf8))
        guard case .array(let items) = decoded, items.count == 5 else {
            Issue.record("unexpected \(decoded)")
            return
        }
        #expect(items[0] == .int(1))
        #expect(items[1] == .double(2.5))
        #expect(items[2].doubleValue?.sign == .minus)
        #expect(items[3] == .bool(true))
        #expect(items[4] == .null)
    }
}

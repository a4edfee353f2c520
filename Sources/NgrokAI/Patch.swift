/// A change to one optional field of a PATCH body.
///
/// ``unchanged`` leaves the field out of the body, ``clear`` sends JSON `null`, and
/// ``set(_:)`` sends the value.
public enum Patch<Value: Sendable & Hashable>: Sendable, Hashable {
    /// Leave the field as it is (the field is not sent).
    case unchanged
    /// Clear the field (sent as JSON `null`).
    case clear
    /// Replace the field's value.
    case set(Value)
}

extension Patch {
    /// The new value, if this is ``set(_:)``.
    public var value: Value? {
        if case .set(let value) = self { return value }
        return nil
    }

    /// Whether this patch leaves the field out of the request.
    public var isUnchanged: Bool {
        if case .unchanged = self { return true }
        return false
    }
}

extension KeyedEncodingContainer {
    /// Encodes a patch: nothing for `.unchanged`, `null` for `.clear`, the value for `.set`.
    mutating func encode<Value: Encodable>(_ patch: Patch<Value>, forKey key: Key) throws {
        switch patch {
        case .unchanged: break
        case .clear: try self.encodeNil(forKey: key)
        case .set(let value): try self.encode(value, forKey: key)
        }
    }
}

extension String {
    /// The string's UTF-8 bytes with everything outside RFC 3986 "unreserved"
    /// (`A-Z a-z 0-9 - . _ ~`) percent-encoded, so it is safe as one path segment or one query
    /// value: `/`, `?`, `#`, `%`, spaces and non-ASCII can't change the URL's structure.
    var percentEncodedComponent: String {
        let utf8 = self.utf8
        if utf8.allSatisfy(Self.isUnreserved) { return self }
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count * 3)
        for byte in utf8 {
            if Self.isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}

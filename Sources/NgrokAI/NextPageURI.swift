import NIOCore

/// A list response's next-page URI read straight from its bytes, before the JSON is parsed, so
/// that page can be asked for while this one is decoded. Only a guess: the decoded page
/// confirms it or the request is dropped.
enum NextPageURI {
    private static let key = Array(#""nextPageUri""#.utf8)

    /// The value of the last `"nextPageUri"` member in `body` when it is a string without
    /// escapes; nil otherwise (null, absent, escaped, cut off).
    static func peek(_ body: ByteBuffer) -> String? {
        body.withUnsafeReadableBytes { bytes -> String? in
            // From the end: the member follows the records.
            var start = bytes.count - key.count
            while start >= 0, !key.indices.allSatisfy({ bytes[start + $0] == key[$0] }) { start -= 1 }
            guard start >= 0 else { return nil }
            var index = start + key.count
            func skipSpace() {
                while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
            }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let valueStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") { return nil }
                index += 1
            }
            guard index < bytes.count, index > valueStart else { return nil }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<index]), as: UTF8.self)
        }
    }
}

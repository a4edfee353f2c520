/// Generates sortable ids: a resource's prefix (`aigpk_`) + 8 base62 counter characters + 19 random base62 characters
/// (27 like a KSUID). The base62 alphabet is in ASCII order, so lexicographic order equals
/// creation order. A new id always sorts after the largest existing id, even a foreign one.
struct RecordIDGenerator: Sendable {
    let prefix: String
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    private static let counterWidth = 8
    private static let tailWidth = 19
    /// First counter value: ids start with `2`, like real ngrok ids of this era.
    static let origin: UInt64 = 2 * 3_521_614_606_208 + 1_234_567_890  // 2 * 62^7 + offset

    private var counter: UInt64
    private var random: SeededRandom
    /// Prefix used once foreign ids sort after our own scheme.
    private var fallbackBase: String?

    init(prefix: String = "aigpk_", seed: UInt64, startingAt counter: UInt64 = RecordIDGenerator.origin) {
        self.prefix = prefix
        self.counter = counter
        self.random = SeededRandom(seed: seed ^ 0x6169_6770_6B5F_6964)
    }

    /// The next id, guaranteed to sort after `largestExisting`.
    mutating func next(after largestExisting: String?) -> String {
        if let largest = largestExisting, let existing = counter(of: largest), existing >= counter {
            counter = existing + 1
        }
        let suffix = encodedCounter() + randomTail()
        counter += 1
        let candidate = prefix + suffix
        guard let largest = largestExisting, candidate <= largest else { return candidate }
        if fallbackBase == nil || !largest.hasPrefix(fallbackBase!) {
            fallbackBase = largest + "~"
        }
        return fallbackBase! + suffix
    }

    /// The counter encoded in an id of our own scheme (with or without a fallback base).
    func counter(of id: String) -> UInt64? {
        let bytes = Array(id.utf8)
        let suffixLength = Self.counterWidth + Self.tailWidth
        guard id.hasPrefix(prefix), bytes.count == prefix.utf8.count + suffixLength else { return nil }
        var value: UInt64 = 0
        for byte in bytes[prefix.utf8.count..<(prefix.utf8.count + Self.counterWidth)] {
            guard let digit = Self.alphabet.firstIndex(of: byte) else { return nil }
            value = value * 62 + UInt64(digit)
        }
        return value
    }

    private func encodedCounter() -> String {
        var digits = [UInt8](repeating: Self.alphabet[0], count: Self.counterWidth)
        var rest = counter
        for index in stride(from: Self.counterWidth - 1, through: 0, by: -1) {
            digits[index] = Self.alphabet[Int(rest % 62)]
            rest /= 62
        }
        return String(decoding: digits, as: UTF8.self)
    }

    private mutating func randomTail() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.tailWidth)
        for _ in 0..<Self.tailWidth {
            bytes.append(Self.alphabet[random.below(62)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

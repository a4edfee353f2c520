import Foundation

/// A `Retry-After` header value: delta-seconds (`120`) or an HTTP-date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, plus the obsolete RFC 850 and asctime forms).
package enum RetryAfter {
    /// The wait the header asks for, measured from `now`; `nil` if the value can't be read.
    /// Dates in the past mean "retry now".
    package static func delay(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        if trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Huge values saturate; the caller caps them at its deadline anyway.
            guard let seconds = Int64(trimmed), seconds < Int64(Int32.max) else { return .seconds(Int64(Int32.max)) }
            return .seconds(seconds)
        }
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0, trimmed.first != "." {
            // Not standard, but seen in the wild: fractional seconds.
            return .milliseconds(Int64(min(seconds, 1e12) * 1000))
        }
        guard let date = httpDate(trimmed) else { return nil }
        let interval = date.timeIntervalSince(now)
        return interval <= 0 ? .zero : .milliseconds(Int64(min(interval, 1e12) * 1000))
    }

    private static let formats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",  // IMF-fixdate
        "EEEE, dd-MMM-yy HH:mm:ss zzz",  // RFC 850
        "EEE MMM d HH:mm:ss yyyy",  // asctime
    ]

    /// Parses an HTTP-date. Rare (only on 429/503), so formatters are made per call.
    static func httpDate(_ text: String) -> Date? {
        // asctime pads single-digit days with a second space.
        let text = text.split(separator: " ").joined(separator: " ")
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

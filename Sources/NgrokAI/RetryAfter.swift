import FoundationEssentials

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
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        let interval = date.timeIntervalSince(now)
        guard interval.isFinite else { return nil }
        return interval <= 0 ? .zero : .milliseconds(Int64(min(interval, 1e12) * 1000))
    }
}

/// The three HTTP-date forms of RFC 9110 §5.6.7, read strictly (ASCII, GMT only):
/// `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`.
/// Any other text, including every non-ASCII byte, is `nil`: this reads server headers, so it
/// must never trap (Foundation's DateFormatter did, on fuzzed bytes).
enum HTTPDate {
    static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 64, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F || $0 == 0x20 }) else { return nil }
        let words = text.split(separator: " ")
        let name = words.first ?? ""
        let named = name.hasSuffix(",") ? name.dropLast() : ""  // "Sun," → "Sun"
        var fields: (day: Substring, month: Substring, year: Substring, time: Substring)
        switch words.count {
        case 6 where shortDays.contains(named) && words[5] == "GMT":  // IMF-fixdate
            fields = (words[1], words[2], words[3], words[4])
        case 4 where longDays.contains(named) && words[3] == "GMT":  // RFC 850
            let parts = words[1].split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[2].count == 2 else { return nil }
            fields = (parts[0], parts[1], parts[2], words[2])
        case 5 where shortDays.contains(name) && words[4].count == 4:  // asctime
            fields = (words[2], words[1], words[4], words[3])
        default:
            return nil
        }
        guard fields.day.count <= 2, let day = digits(fields.day), (1...31).contains(day),
            let month = months.firstIndex(of: fields.month),
            fields.year.count == 4 || fields.year.count == 2, var year = digits(fields.year)
        else { return nil }
        if fields.year.count == 2 { year += year < 70 ? 2000 : 1900 }  // RFC 850's two-digit years
        let clock = fields.time.split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
            let hour = digits(clock[0]), let minute = digits(clock[1]), let second = digits(clock[2]),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        let components = DateComponents(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
        guard let date = gmt.date(from: components), gmt.component(.day, from: date) == day else { return nil }  // no 31 Feb
        return date
    }

    private static func digits(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text)
    }

    private static let shortDays: Set<Substring> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let longDays: Set<Substring> = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    private static let months: [Substring] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let gmt: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()
}

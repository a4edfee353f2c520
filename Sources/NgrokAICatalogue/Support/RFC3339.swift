import Foundation

/// RFC 3339 timestamps as the ngrok API writes them: UTC, `Z` suffix, and fractional seconds
/// (milliseconds) only when they are non-zero, e.g. `2026-11-27T10:00:00Z` or
/// `2026-11-27T10:00:00.123Z`.
public enum RFC3339 {
    /// Formats `date` (rounded to the millisecond) in UTC.
    public static func string(from date: Date) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, milliseconds) = floorDivMod(totalMilliseconds, 1000)
        let (days, secondOfDay) = floorDivMod(seconds, 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var out = ""
        out.reserveCapacity(24)
        out += pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        out += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":"
        out += pad(secondOfDay % 60, 2)
        if milliseconds != 0 {
            out += "." + pad(milliseconds, 3)
        }
        return out + "Z"
    }

    /// Parses an RFC 3339 timestamp (with or without fractional seconds, `Z` or an offset).
    /// The result is rounded to the millisecond, so parse and format round-trip exactly.
    public static func date(from string: String) -> Date? {
        let parsed =
            (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(string))
            ?? (try? Date.ISO8601FormatStyle().parse(string))
        return parsed.map(millisecondPrecision)
    }

    /// The date rounded to whole milliseconds, so that it survives a format/parse round trip.
    static func millisecondPrecision(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    private static func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var q = a / b
        var r = a % b
        if r < 0 {
            q -= 1
            r += b
        }
        return (q, r)
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

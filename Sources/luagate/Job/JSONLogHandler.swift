import CLuaShim
import Foundation
import Logging

/// `--log-format json`: one JSON object per line on stderr, with `timestamp`,
/// `level`, `message`, `label` and the metadata as further fields.
struct JSONLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .notice
    let label: String

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: Any] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            object[key] = Self.plain(value)
        }
        object["timestamp"] = Date.now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        object["level"] = event.level.rawValue
        object["message"] = event.message.description
        object["label"] = label
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBytes { lg_write(1, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
    }

    private static func plain(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c):
            // Numbers and booleans stay JSON numbers and booleans (`"status":200`).
            switch c {
            case let b as Bool: return b
            case let i as any BinaryInteger: return NSNumber(value: Int64(i))
            case let d as Double where d.isFinite: return d
            default: return "\(c)"
            }
        case .array(let items): return items.map(plain)
        case .dictionary(let d): return d.mapValues(plain)
        }
    }
}

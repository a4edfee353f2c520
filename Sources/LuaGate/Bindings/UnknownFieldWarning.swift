import Foundation
import NIOConcurrencyHelpers
import NgrokAI

/// Writes to a ``Resource/partlyPublished`` resource may carry fields the catalogue does not
/// know (ngrok documented only part of the schema): they are sent as given, and luagate says so
/// on stderr once per resource and field in a run.
enum UnknownFieldWarning {
    private static let warned = NIOLockedValueBox(Set<String>())

    /// Warns about each member of `body` the catalogue does not know, unless already warned.
    /// Under `--dry-run` the warning says the field would be sent.
    static func note(_ resource: Resource, _ body: [String: JSONValue], operation: String, dryRun: Bool = false) {
        guard resource.partlyPublished else { return }
        for path in Shape.unknownFields(in: .object(body), fields: resource.fields) {
            let first = warned.withLockedValue { $0.insert("\(resource.name).\(path)").inserted }
            guard first else { continue }
            let line = "luagate: warning: \(operation): field '\(path)' is not in luagate's catalogue (ngrok has published "
                + "only part of the \(resource.singular) schema); \(dryRun ? "it would be sent as given" : "sending it as given")\n"
            StatusLine.above { FileHandle.standardError.write(Data(line.utf8)) }
        }
    }
}

import Foundation
import NIOHTTP1

/// The useful parts of an error response body, read leniently.
///
/// ngrok errors look like `{"error_code": "ERR_NGROK_…", "status_code": 404, "msg": "…",
/// "details": {…}}`; other spellings (`errorCode`, `code`, `message`, `error`, a string
/// `details`) are accepted too. `status_code` is ignored in favour of the real status.
package struct ErrorBody: Sendable, Hashable {
    var code: String?
    var message: String?

    init(code: String?, message: String?) {
        self.code = code
        self.message = message
    }

    /// Reads `data`; a body that is not a JSON object gives an empty `ErrorBody`.
    package init(parsing data: Data) {
        guard !data.isEmpty, let json = try? JSONValue(parsing: data), case .object(let members) = json else {
            self.init(code: nil, message: nil)
            return
        }
        func firstString(_ keys: [String]) -> String? {
            for key in keys {
                if let value = members[key]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines),
                    !value.isEmpty
                {
                    return value
                }
            }
            return nil
        }
        // `error` is sometimes an object: {"error": {"code": …, "message": …}}.
        if case .object(let nested)? = members["error"], members["error_code"] == nil, members["errorCode"] == nil {
            let inner = ErrorBody(code: nested["code"]?.stringValue, message: nested["message"]?.stringValue)
            self.init(code: inner.code ?? firstString(["error_code", "errorCode", "code"]), message: inner.message)
            return
        }
        self.init(
            code: firstString(["error_code", "errorCode", "code"]),
            message: firstString(["msg", "message", "error", "details"])
        )
    }

    /// The message for an error status: the body's own message, or `HTTP 502 Bad Gateway`
    /// followed by a short one-line snippet of a body that had no message.
    package static func fallbackMessage(status: HTTPResponseStatus, body: Data) -> String {
        var text = "HTTP \(status.code) \(status.reasonPhrase)"
        let snippet = Self.snippet(of: body)
        if !snippet.isEmpty { text += ": \(snippet)" }
        return text
    }

    /// The first `limit` characters of a body on one line, control characters replaced.
    static func snippet(of body: Data, limit: Int = 200) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
        var result = ""
        var count = 0
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            if count >= limit {
                result += "…"
                break
            }
            let isSpace = scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
            if isSpace {
                if !lastWasSpace && !result.isEmpty { result.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
            count += 1
        }
        return result.trimmingCharacters(in: .whitespaces)
    }
}

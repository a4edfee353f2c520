import CLuaShim
import Foundation

/// Runs a template's parse and render where its nesting cannot exhaust the stack, after
/// checking that their cost stays bounded.
///
/// swift-mustache's parser recurses once per nested section, and a parsed template is torn
/// down the same way: a few KB a level in release builds, tens of KB in debug and sanitizer
/// builds. Rendering checks the stack at each lookup (``TemplateRender/tooDeep``), but `{{#.}}`
/// sections and block expansions nest with no lookup: the stack kept in reserve covers every
/// section tag of the template and its partials nested at once (without a cycle, which
/// ``TemplateBlocks`` refuses, no tag repeats between two lookups). A template whose needs
/// exceed the calling thread's stack is parsed, rendered and released on a thread with a
/// stack made for it.
enum TemplateStack {
    #if DEBUG
    static let bytesPerLevel = 64 << 10
    #else
    static let bytesPerLevel = 16 << 10
    #endif
    /// The most section tags (`{{#`, `{{^`, `{{$`, `{{<`) a template and its partials may have:
    /// nested that deep, parsing keeps each level's text and rendering copies the context
    /// stack at each level, both growing with the square of the depth.
    static let maxLevels = 2000
    /// The most transforms one tag may nest (`{{a(b(c(x)))}}`): the parser recurses into each
    /// and copies the list of those it read so far.
    static let maxTransforms = 64
    /// The most text the parser may keep for nested sections: each section keeps its own copy
    /// of the text it spans (the sum, over opening tags, of the bytes after each).
    static let maxKeptBytes = 256 << 20
    /// A bound on the parser's work: it measures the rest of the text at each `{` (at each
    /// character once `{{=` may change the delimiters), so braces × length is kept under this.
    static let maxScanSteps = 2_000_000_000

    /// What one pass over a template's texts found: the section tags of all of them (the
    /// nesting with no lookup the render must keep stack for) and the longest run of spaces or
    /// tabs (a partial's indentation adds up level by level).
    struct Measure {
        var levels = 0
        var indentation = 0
    }

    /// Measures `texts` (a template and its partials), checking each limit above.
    static func measure(_ texts: [String]) throws(TemplateError) -> Measure {
        var measure = Measure()
        for text in texts {
            let bytes = Array(text.utf8)
            let found = scan(bytes)
            measure.levels += found.levels
            measure.indentation = max(measure.indentation, found.indentation)
            if measure.levels > maxLevels {
                throw TemplateError(
                    message: "too many sections: \(measure.levels) section tags ({{#, {{^, {{$, {{<), at most \(maxLevels)"
                        + " in a template and its partials", position: nil)
            }
            if found.delimitersMayChange && mayHoldEmptySectionWithShortDelimiter(text) {
                throw TemplateError(message: "an empty section under a 1-character opening delimiter cannot be parsed "
                                        + "(swift-mustache traps on it): put something inside it or use 2 characters", position: nil)
            }
            if found.transforms > maxTransforms {
                throw TemplateError(message: "transforms nested more than \(maxTransforms) deep in one tag", position: nil)
            }
            if found.kept > maxKeptBytes || found.starts > maxScanSteps / max(1, bytes.count) {
                throw TemplateError(message: "template too large to parse: \(bytes.count) bytes with \(found.starts) places a tag may start"
                                        + (found.kept > maxKeptBytes ? " and sections spanning \(found.kept >> 20) MB" : ""), position: nil)
            }
        }
        return measure
    }

    /// `body`'s result, given the stack the render must keep in reserve for `levels` of nesting
    /// with no lookup; run on this thread when that and room to work fit in the stack left, on
    /// a thread with a stack for them otherwise.
    static func run<T>(levels: Int, _ body: @escaping (_ reserve: Int) -> T) throws(TemplateError) -> T {
        let reserve = (1 << 20) + levels * bytesPerLevel
        let size = 2 * reserve + (1 << 20)
        if size <= lg_stack_remaining() { return body(reserve) }
        let result = StackResult<T>()
        guard onThread(stackSize: size, { result.value = body(reserve) }), let value = result.value else {
            throw TemplateError(message: "no thread with a \(size >> 20) MB stack to parse the template on", position: nil)
        }
        return value
    }

    /// For `bytes`, in one pass: at least as many levels as swift-mustache's parser can nest,
    /// the bytes it may keep for them, the places a tag may start, at least as many transforms
    /// as one tag can nest, and the longest run of spaces or tabs. Each level opens with a tag
    /// whose first character is `#`, `^`, `$` or `<`: with the default delimiters that is `{{`
    /// and one of them; once a set-delimiter tag (`{{=`) may change the delimiters, each of
    /// those characters counts, and any character may start a tag. A tag's name is a run of
    /// letters, digits and `.-_?()*`, and each `(` in it may open a transform.
    static func scan(_ bytes: [UInt8])
        -> (levels: Int, kept: Int, starts: Int, transforms: Int, indentation: Int, delimitersMayChange: Bool)
    {
        let brace = UInt8(ascii: "{")
        let delimitersMayChange = contains(bytes, [brace, brace, UInt8(ascii: "=")])
        var (levels, kept, braces, transforms, indentation) = (0, 0, 0, 0, 0)
        var (parentheses, spaces) = (0, 0)
        for (index, byte) in bytes.enumerated() {
            if byte == brace { braces += 1 }
            if opens(byte) && (delimitersMayChange || (index >= 2 && bytes[index - 2] == brace && bytes[index - 1] == brace)) {
                levels += 1
                kept += bytes.count - index
            }
            switch byte {
            case UInt8(ascii: "("): parentheses += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "?"), UInt8(ascii: ")"), UInt8(ascii: "*"):
                break
            default: parentheses = 0
            }
            transforms = max(transforms, parentheses)
            spaces = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") ? spaces + 1 : 0
            indentation = max(indentation, spaces)
        }
        return (levels, kept, delimitersMayChange ? bytes.count : braces, transforms, indentation, delimitersMayChange)
    }

    /// Whether the text may hold an empty section under a 1-character opening delimiter:
    /// swift-mustache's parser steps back 2 characters from a closing tag to end the section's
    /// text, and traps when the section is empty (`{{=| |=}}|#a||/a|`). Sound: every
    /// set-delimiter tag holds `=`, maybe spaces, the opening delimiter, spaces and the closing
    /// one; for each such pair with a 1-character opening (as Swift counts characters), an
    /// opening tag followed, maybe after its line's end, right by a closing tag is looked for.
    /// Called only when a set-delimiter tag may be in the text.
    static func mayHoldEmptySectionWithShortDelimiter(_ text: String) -> Bool {
        let characters = Array(text)
        var pairs = Set<[String]>()
        var index = 0
        while index < characters.count, pairs.count < 64 {
            defer { index += 1 }
            guard characters[index] == "=" else { continue }
            var next = index + 1
            while next < characters.count, characters[next].isWhitespace { next += 1 }
            guard next + 1 < characters.count, !characters[next].isWhitespace, characters[next + 1].isWhitespace else { continue }
            var close = next + 1
            while close < characters.count, characters[close].isWhitespace { close += 1 }
            var end = close
            while end < characters.count, characters[end] != "=", !characters[end].isWhitespace { end += 1 }
            if end > close { pairs.insert([String(characters[next]), String(characters[close..<end])]) }
        }
        if pairs.count >= 64 { return true }
        let e = NSRegularExpression.escapedPattern(for:)
        for pair in pairs {
            let (open, close) = (e(pair[0]), e(pair[1]))
            let pattern = open + #"[#^$<][^\n]*?"# + close + #"(?:[ \t]*\r?\n)?"# + open + "/"
            if let regex = try? NSRegularExpression(pattern: pattern),
               regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
                return true
            }
        }
        return false
    }

    private static func opens(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "#") || byte == UInt8(ascii: "^") || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "<")
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { start in needle.indices.allSatisfy { bytes[start + $0] == needle[$0] } }
    }

    /// Runs `body` on a new thread with `stackSize` bytes of stack; false when there is none.
    private static func onThread(stackSize: Int, _ body: @escaping () -> Void) -> Bool {
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return false }
        defer { pthread_attr_destroy(&attributes) }
        guard pthread_attr_setstacksize(&attributes, stackSize) == 0 else { return false }
        let context = Unmanaged.passRetained(StackJob(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { context in
            Unmanaged<StackJob>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<StackJob>.fromOpaque(context).release()
            return false
        }
        pthread_join(thread, nil)
        return true
    }
}

/// The work handed to a thread of ``TemplateStack``; the caller waits for it.
private final class StackJob: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// What the work of a ``TemplateStack`` thread gave back.
private final class StackResult<T>: @unchecked Sendable {
    var value: T?
}

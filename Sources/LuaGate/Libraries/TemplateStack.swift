import CLuaShim
import Foundation

/// Runs a template's parse and render where its nesting cannot exhaust the stack.
///
/// swift-mustache's parser recurses once per nested section, and a parsed template is torn
/// down the same way: a few KB a level in release builds, tens of KB in debug and sanitizer
/// builds. Rendering checks the stack itself (``TemplateRender/tooDeep``); parsing cannot, so
/// the work is sized before it starts. A template that could nest deeper than the calling
/// thread's stack allows is parsed, rendered and released on a thread with a stack made for it.
enum TemplateStack {
    #if DEBUG
    static let bytesPerLevel = 64 << 10
    #else
    static let bytesPerLevel = 16 << 10
    #endif
    /// Stack kept beyond the nesting: the render's own reserve and the frames around it.
    static let reserve = TemplateRender.stackReserve + (1 << 20)
    /// The most section tags (`{{#`, `{{^`, `{{$`, `{{<`) a template may have: nested that deep,
    /// parsing keeps each level's text and rendering copies the context stack at each level,
    /// both growing with the square of the depth (2,000: tens of MB, under a second).
    static let maxLevels = 2000
    /// The most transforms one tag may nest (`{{a(b(c(x)))}}`): the parser recurses into each
    /// and copies the list of those it read so far.
    static let maxTransforms = 64

    /// How deep the parser may nest for `texts` (a template and its partials), checked against
    /// ``maxLevels`` and ``maxTransforms``.
    static func levels(_ texts: [String]) throws(TemplateError) -> Int {
        var levels = 0
        for text in texts {
            let bytes = Array(text.utf8)
            let bound = nestingBound(bytes)
            if bound > maxLevels {
                throw TemplateError(
                    message: "too many sections: \(bound) section tags ({{#, {{^, {{$, {{<), at most \(maxLevels)", position: nil)
            }
            if transformBound(bytes) > maxTransforms {
                throw TemplateError(message: "transforms nested more than \(maxTransforms) deep in one tag", position: nil)
            }
            levels = max(levels, bound)
        }
        return levels
    }

    /// `body`'s result, run on this thread when `levels` of nesting fit in the stack left,
    /// on a thread with a stack for them otherwise.
    static func run<T>(levels: Int, _ body: @escaping () -> T) throws(TemplateError) -> T {
        let (bytes, overflow) = levels.multipliedReportingOverflow(by: bytesPerLevel)
        let size = overflow ? Int.max : bytes.addingReportingOverflow(reserve).partialValue
        if size <= lg_stack_remaining() { return body() }
        let result = StackResult<T>()
        guard onThread(stackSize: size, { result.value = body() }), let value = result.value else {
            throw TemplateError(message: "no thread with a \(size >> 20) MB stack to parse the template on", position: nil)
        }
        return value
    }

    /// At least as many levels as swift-mustache's parser can nest in `text`. Each level opens
    /// with a tag whose first character is `#`, `^`, `$` or `<`: with the default delimiters
    /// that is `{{` and one of them; once a set-delimiter tag (`{{=`) may change the
    /// delimiters, each of those characters counts.
    static func nestingBound(_ bytes: [UInt8]) -> Int {
        func opens(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "#") || byte == UInt8(ascii: "^") || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "<")
        }
        let brace = UInt8(ascii: "{")
        var count = 0
        var delimitersMayChange = false
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == brace, bytes[index + 1] == brace {
                if bytes[index + 2] == UInt8(ascii: "=") { delimitersMayChange = true }
                if opens(bytes[index + 2]) { count += 1 }
            }
            index += 1
        }
        return delimitersMayChange ? bytes.reduce(0) { opens($1) ? $0 + 1 : $0 } : count
    }

    /// At least as many transforms as the parser can nest in one tag: a tag's name is a run of
    /// letters, digits and `.-_?()*`, and each `(` in it may open one.
    static func transformBound(_ bytes: [UInt8]) -> Int {
        var most = 0
        var run = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "("): run += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "?"), UInt8(ascii: ")"), UInt8(ascii: "*"):
                break
            default: run = 0
            }
            most = max(most, run)
        }
        return most
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

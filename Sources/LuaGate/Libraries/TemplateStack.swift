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
    /// The largest stack a template may ask for.
    static let largest = 1 << 30

    /// `body`'s result, run on this thread when `levels` of nesting fit in the stack left,
    /// on a thread with a stack for them otherwise.
    static func run<T>(levels: Int, _ body: @escaping () -> T) throws(TemplateError) -> T {
        let (bytes, overflow) = levels.multipliedReportingOverflow(by: bytesPerLevel)
        let size = overflow ? Int.max : bytes.addingReportingOverflow(reserve).partialValue
        if size <= lg_stack_remaining() { return body() }
        guard size <= largest else {
            throw TemplateError(message: "a template this size may nest sections \(levels) deep, more than can be parsed; "
                                    + "at most \((largest - reserve) / bytesPerLevel)", position: nil)
        }
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
    static func nestingBound(_ text: String) -> Int {
        let bytes = Array(text.utf8)
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

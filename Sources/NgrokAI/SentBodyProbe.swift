import NIOConcurrencyHelpers

/// Tells whether AsyncHTTPClient ever read a request body.
///
/// AsyncHTTPClient materialises a lazy body only once a connection is ready and the request
/// head is going out. If the bytes were never read, the body was never written, so the server
/// cannot have acted on the request: a POST that failed in that state is safe to repeat.
final class SentBodyProbe: Sendable {
    private let touched = NIOLockedValueBox(false)

    /// Whether the body was read.
    var wasRead: Bool { touched.withLockedValue { $0 } }

    fileprivate func markRead() { touched.withLockedValue { $0 = true } }
}

/// The body bytes, reporting to a ``SentBodyProbe`` when read.
///
/// Passed to `HTTPClientRequest.Body.bytes(_:length:)`, whose `Collection` overload keeps the
/// bytes lazily and copies them into a buffer (through `withContiguousStorageIfAvailable`)
/// only when the body is written.
struct ProbedBytes: RandomAccessCollection, Sendable {
    let bytes: [UInt8]
    let probe: SentBodyProbe

    var startIndex: Int { bytes.startIndex }
    var endIndex: Int { bytes.endIndex }
    subscript(position: Int) -> UInt8 { bytes[position] }

    func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        probe.markRead()
        return try bytes.withContiguousStorageIfAvailable(body)
    }

    struct Iterator: IteratorProtocol {
        var base: IndexingIterator<[UInt8]>
        mutating func next() -> UInt8? { base.next() }
    }

    func makeIterator() -> Iterator {
        probe.markRead()
        return Iterator(base: bytes.makeIterator())
    }
}

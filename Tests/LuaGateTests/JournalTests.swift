import Foundation
@testable import LuaGate
import NgrokAI
import NIOConcurrencyHelpers
import Testing

/// The journal's writer and its secret digests, in process.
@Suite struct JournalTests {
    static func entry(_ name: String, status: JournalEntry.Status = .started) -> JournalEntry {
        JournalEntry(time: Journal.now(), resource: "providerKeys", op: .update, id: "aigpk_1",
                     target: ["name": .string(name)], status: status)
    }

    @Test func sha256AndHMACMatchTheirStandardVectors() {
        #expect(SHA256.hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // RFC 4231, test cases 2 and 6 (a key longer than the block).
        #expect(SHA256.hex(SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(SHA256.hex(SHA256.hmac(key: [UInt8](repeating: 0xaa, count: 131),
                                       message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func digestsTellValuesApartAndHoldNoValue() throws {
        let salt = SecretDigest.newSalt()
        let digest = try #require(SecretDigest.of(["value": "sk-one-0123456789"], salt: salt))
        #expect(digest.matches(["value": "sk-one-0123456789"]))
        #expect(!digest.matches(["value": "sk-two-0123456789"]))
        #expect(SecretDigest.of([:], salt: salt) == nil)
        #expect(SecretDigest.of(["value": "sk-one-0123456789"], salt: SecretDigest.newSalt()) != digest, "salted")
        #expect(!digest.hmac.contains("sk-one") && salt.count == 32)
    }

    /// A line waits on a pipe nobody reads; the event loop that asked for it stays free.
    @Test func writesDoNotHoldTheEventLoop() async throws {
        let path = BatchJobTests.tempPath("journal.fifo")
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let journal = try Journal(path: path)
        let big = Self.entry(String(repeating: "x", count: 256 * 1024))  // more than a pipe holds
        let writing = Task(executorPreference: EventLoopTaskExecutor.shared) { try await journal.write(big) }
        // The loop runs other work while the line waits (it would not if the write held it).
        let answered = NIOLockedValueBox(false)
        EventLoopTaskExecutor.eventLoops.any().execute { answered.withLockedValue { $0 = true } }
        let wait = ContinuousClock.now + .seconds(5)
        while !answered.withLockedValue({ $0 }), ContinuousClock.now < wait { try await Task.sleep(for: .milliseconds(5)) }
        #expect(answered.withLockedValue { $0 })
        var read = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(reader, $0.baseAddress!, $0.count) }
            if n > 0 {
                read += n
                if read > 256 * 1024, buffer[n - 1] == UInt8(ascii: "\n") { break }
            } else {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        try await writing.value  // a pipe cannot be synced; the line is written
        #expect(read > 256 * 1024)
    }

    /// The last line of a killed run: cut off (dropped) or complete without its newline (kept).
    @Test(arguments: [(#"{"id":"aigpk_1","op":"upd"#, false), (#"{"id":"aigpk_1","op":"update","status":"ok","target":{"name":"kept"},"time":"2026-12-01T00:00:00Z"}"#, true)])
    func aTornTailIsRepairedAtTheFirstWrite(_ tail: String, kept: Bool) throws {
        let path = BatchJobTests.tempPath("journal.jsonl")
        defer { unlink(path) }
        let first = try JSONEncoder().encode(Self.entry("first", status: .ok))
        try (String(decoding: first, as: UTF8.self) + "\n" + tail).write(toFile: path, atomically: true, encoding: .utf8)
        let journal = try Journal(path: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix(tail), "nothing changes before a line is written")
        try journal.writeNow(Self.entry("second"))
        journal.close()
        let names = try Journal.read(path: path).map { $0.target["name"]?.stringValue ?? "" }
        #expect(names == (kept ? ["first", "kept", "second"] : ["first", "second"]))
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("\n"))
    }

    /// A line that cannot be written breaks the journal for the rest of the run.
    @Test func aFailedWriteBreaksTheJournal() async throws {
        let journal = try Journal(path: "/dev/full")
        #expect(throws: JournalError.self) { try journal.writeNow(Self.entry("a")) }
        #expect(journal.broken == "No space left on device")
        await #expect(throws: JournalError.self) { try await journal.write(Self.entry("b")) }
        journal.close()
    }

    /// Pairing and order: a resumed run's own `started` line is closed by its own outcome;
    /// a doubtful operation that a later run sent again is replaced by that one.
    @Test func theIndexPairsOutcomesWithTheirStart() {
        let a = Self.entry("a"), b = Self.entry("b")
        var aOK = a, bUnknown = b, bOK = b
        aOK.status = .ok
        bUnknown.status = .unknown
        bOK.status = .ok
        let index = ResumeIndex([a, aOK, b, bUnknown, b, bOK])
        let sequence = index.records["providerKeys aigpk_1"] ?? []
        #expect(sequence.map { "\($0.started.target["name"]!.stringValue!) \($0.status)" } == ["a ok", "b ok"])
    }
}

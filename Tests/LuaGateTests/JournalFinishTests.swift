import Foundation
@testable import LuaGate
import Testing

/// The end of a run and a change starting at the same time: the change is open from the
/// moment its `started` line is queued, so `finish` journals it `unknown` and the change is
/// not sent after the journal closed.
@Suite struct JournalFinishTests {
    @Test func finishSeesAChangeWhoseStartedLineIsNotDurableYet() async throws {
        let path = BatchJobTests.tempPath("finish.fifo")
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        var options = JobOptions()
        options.journalPath = path
        let job = try JobControl(options: options)
        let journal = try #require(job.journal)
        // A line bigger than the pipe holds the writer until the reader drains it.
        journal.enqueue(JournalTests.entry(String(repeating: "x", count: 256 * 1024))) { _ in }
        let begun = Task { try await job.begin(JournalTests.entry("change")) }
        let wait = ContinuousClock.now + .seconds(10)
        while job.openChanges == 0, ContinuousClock.now < wait { try await Task.sleep(for: .milliseconds(5)) }
        #expect(job.openChanges == 1, "the change is open before its line is durable")
        let finished = Task.detached { job.finish() }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(reader, $0.baseAddress!, $0.count) }
            if n > 0 {
                bytes += buffer[0..<n]
            } else if n == 0 {
                break  // the journal closed its end
            } else {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        await finished.value
        let result = await begun.result
        #expect(throws: JournalError.self, "sent after the journal closed") { try result.get() }
        #expect(job.failures.count == 1, "counted once, by the end of the run")
        let entries = try Journal.entries(in: Data(bytes), path: path)
        #expect(entries.map { "\($0.target["name"]?.stringValue?.prefix(6) ?? "") \($0.status)" }
                == ["xxxxxx started", "change started", "change unknown"])
        #expect(entries.last?.seq == entries.dropLast().last?.seq && entries.last?.run == job.run)
    }
}

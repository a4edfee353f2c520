import Logging

/// How a run treats mutating calls (`update`, `create`, `delete`, `rotate`).
public struct JobOptions: Sendable {
    /// Send no mutation: log what would be done and return what the record would look like.
    public var dryRun = false
    /// Refuse the mutation that would exceed this many in the run (and what a plan reserves).
    public var maxChanges: Int?
    /// Append-only JSON-lines record of every mutation, fsynced per line; a mutation that
    /// cannot be journaled is not sent.
    public var journalPath: String?
    /// Skip mutations the journal shows done (each journaled one matches one call, in the
    /// journal's order per record), and settle those it shows in doubt (`started` with no
    /// outcome, or `unknown`) before sending them again.
    public var resume = false
    /// Where "would …" lines and per-mutation outcomes are logged.
    public var logger: Logger?

    public init() {}
}

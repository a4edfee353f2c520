import LuaGate
import Testing

/// The ledger of secrets the REPL keeps out of its history.
@Suite struct SecretLedgerTests {
    @Test func notesSecretsAndFindsThemInText() {
        let ledger = SecretLedger()
        ledger.note(["sk-proj-abcdef", "xy"])
        #expect(ledger.all == ["sk-proj-abcdef"], "too short to note: xy")
        #expect(ledger.appears(in: "providerKeys.create{value = 'sk-proj-abcdef'}"))
        #expect(!ledger.appears(in: "print('xy')"))
    }

    /// A run that never reaches the REPL's history stops recording: a batch job that creates
    /// keys for hours holds none of their values.
    @Test func stoppedLedgerForgetsAndNotesNothing() {
        let ledger = SecretLedger()
        ledger.note(["sk-proj-before"])
        ledger.stopRecording()
        ledger.note(["sk-proj-after"])
        #expect(ledger.all.isEmpty)
        #expect(!ledger.appears(in: "sk-proj-before sk-proj-after"))
    }
}

import Foundation
import FuzzHarnesses
import Testing

/// Every committed fuzz input (seeds and the regressions the fuzzers found) through its
/// target, so CI checks them even without a fuzzing budget.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus")

    static func inputs(_ target: String) -> [URL] {
        let folder = corpus.appendingPathComponent(target)
        return ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test(arguments: FuzzHarness.targets)
    func corpusReplays(_ target: String) throws {
        let inputs = Self.inputs(target)
        #expect(inputs.count >= 3, "Tests/Fuzz/Corpus/\(target) holds the target's seeds")
        let harness = FuzzHarness()
        for input in inputs {
            harness.run(target, Array(try Data(contentsOf: input)))
        }
    }
}

import Foundation
import LuaGate
import NgrokAICatalogue
import Testing

/// The README documents every resource of the catalogue, with one syntax line per function
/// exactly as the bindings take it, so the docs cannot drift from the code.
@Suite struct ReadmeTests {
    static let readme: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    @Test(arguments: Catalogue.all.map(\.name))
    func everyResourceHasASection(_ name: String) throws {
        let resource = try #require(Catalogue.resource(name))
        #expect(Self.readme.contains("\n### \(name)\n"), "README.md has no section ### \(name)")
        for operation in resource.operations {
            let line = Signatures.signature(resource, operation)
            #expect(Self.readme.contains(line), "README.md does not show `\(line)`")
        }
    }
}

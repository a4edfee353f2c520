import Foundation
import Testing

/// scripts/catalogue/compare.py, the heart of scripts/check-catalogue.sh (CI), against ngrok's
/// published OpenAPI file beside the clone: it passes as the catalogue stands, and fails, naming
/// the field, when the file differs in one limit, a query parameter's type, enum or length, a
/// oneOf branch's field or a required record field's nullability; an accepted line needs a
/// reason and must still occur.
@Suite struct CatalogueCheckTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let published = root.deletingLastPathComponent().appendingPathComponent("shared/openapi/ai-gateway.yaml").path
    static let compare = root.appendingPathComponent("scripts/catalogue/compare.py").path
    static let accepted = root.appendingPathComponent("scripts/catalogue/accepted.txt").path

    /// The catalogue as JSON, written by the built fake.
    private static func catalogue(in dir: URL) async throws -> String {
        let r = try await ProcessRunner.run(ProcessRunner.buildDirectory + "/fake-ngrok-ai", ["--print-catalogue"])
        #expect(r.status == 0, "\(r.stderr)")
        let path = dir.appendingPathComponent("catalogue.json").path
        try Data(r.stdout.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A copy of the published file with one change made by `python` (on `doc`, the parsed YAML).
    private static func changedCopy(in dir: URL, _ python: String) async throws -> String {
        let path = dir.appendingPathComponent("changed.yaml").path
        let script = "import sys, yaml\ndoc = yaml.safe_load(open(sys.argv[1]))\n\(python)\nyaml.safe_dump(doc, open(sys.argv[2], 'w'))\n"
        let r = try await ProcessRunner.run("/usr/bin/python3", ["-c", script, published, path])
        #expect(r.status == 0, "\(r.stderr)")
        return path
    }

    @Test func thePublishedFileHasNoUnacceptedDifference() async throws {
        #expect(FileManager.default.fileExists(atPath: Self.published), "CI lays shared/ beside the clone")
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await ProcessRunner.run(
            "/usr/bin/python3", [Self.compare, try await Self.catalogue(in: dir), Self.published, "--accepted", Self.accepted])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("0 unaccepted differences"), "\(r.stdout)")
    }

    @Test func aChangedLimitFailsTheCheckNamingTheField() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let changed = try await Self.changedCopy(
            in: dir, "doc['components']['schemas']['AIGatewayProviderModelCreate']['properties']['modelId']['maxLength'] = 200")
        let r = try await ProcessRunner.run(
            "/usr/bin/python3", [Self.compare, try await Self.catalogue(in: dir), changed, "--accepted", Self.accepted])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("providers.create.models.modelId: maxLength: catalogue 255, OpenAPI 200"), "\(r.stdout)")
        #expect(r.stdout.contains("2 unaccepted differences"), "\(r.stdout)")  // create and update
    }

    @Test func aNewHeaderAndARangeAreSeen() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let changed = try await Self.changedCopy(
            in: dir,
            """
            doc['components']['schemas']['CreditPurchaseCreate']['properties']['amount']['maximum'] = 100000
            doc['paths']['/access-keys']['get'].setdefault('parameters', []).append({'name': 'X-Trace', 'in': 'header', 'schema': {'type': 'string'}})
            """)
        let r = try await ProcessRunner.run(
            "/usr/bin/python3", [Self.compare, try await Self.catalogue(in: dir), changed, "--accepted", Self.accepted])
        #expect(r.status == 1)
        #expect(r.stdout.contains("credits.purchase.amount: maximum: catalogue 50000, OpenAPI 100000"), "\(r.stdout)")
        #expect(r.stdout.contains("accessKeys.list: header parameter 'X-Trace' is in OpenAPI, not in the catalogue"), "\(r.stdout)")
    }

    @Test func queryParameterTypesEnumsAndLengthsAreCompared() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let changed = try await Self.changedCopy(
            in: dir,
            """
            params = list(doc.get('components', {}).get('parameters', {}).values())
            params += [p for item in doc['paths'].values() for op in item.values() if isinstance(op, dict) for p in op.get('parameters', [])]
            for p in params:
                if p.get('in') != 'query':
                    continue
                if 'enum' in p['schema']:
                    p['schema']['enum'].append('zzz')
                p['schema']['maxLength'] = 7
                if p['name'] == 'accessKeyConfigurationId':
                    p['schema']['type'] = 'integer'
            """)
        let r = try await ProcessRunner.run(
            "/usr/bin/python3", [Self.compare, try await Self.catalogue(in: dir), changed, "--accepted", Self.accepted])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("accessKeys.list.accessKeyConfigurationId: type: catalogue string, OpenAPI integer"), "\(r.stdout)")
        #expect(r.stdout.contains(
            "usage.overview.groupBy: enum: catalogue ['provider', 'accessKey'], OpenAPI ['provider', 'accessKey', 'zzz']"), "\(r.stdout)")
        #expect(r.stdout.contains("providerKeys.list.provider: maxLength: catalogue None, OpenAPI 7"), "\(r.stdout)")
        #expect(r.stdout.contains("usage.list.limit: maxLength: catalogue None, OpenAPI 7"), "\(r.stdout)")
    }

    @Test func oneOfBranchesAndNullableRecordFieldsAreCompared() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let catalogue = try await Self.catalogue(in: dir)
        let branch = try await Self.changedCopy(
            in: dir, "doc['components']['schemas']['CreditTransactionCredits']['properties']['refundedCents'] = {'type': 'integer'}")
        let b = try await ProcessRunner.run("/usr/bin/python3", [Self.compare, catalogue, branch, "--accepted", Self.accepted])
        #expect(b.status == 1, "\(b.stdout)\(b.stderr)")
        #expect(b.stdout.contains("credits.transactions record: field 'refundedCents' is in OpenAPI, not in the catalogue"), "\(b.stdout)")
        #expect(b.stdout.contains("1 unaccepted difference,"), "\(b.stdout)")

        let nullable = try await Self.changedCopy(
            in: dir, "doc['components']['schemas']['CreditPurchase']['properties']['expiresAt']['nullable'] = True")
        let n = try await ProcessRunner.run("/usr/bin/python3", [Self.compare, catalogue, nullable, "--accepted", Self.accepted])
        #expect(n.status == 1, "\(n.stdout)\(n.stderr)")
        #expect(n.stdout.contains(
            "credits.purchase result.expiresAt: nullable in records: catalogue never null (required), OpenAPI nullable"), "\(n.stdout)")
    }

    @Test func acceptedLinesNeedAReasonAndMustStillOccur() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let catalogue = try await Self.catalogue(in: dir)
        let noReason = dir.appendingPathComponent("no-reason.txt")
        try Data("providerKeys.create.name: minLength: catalogue 1, OpenAPI None\n".utf8).write(to: noReason)
        let r = try await ProcessRunner.run("/usr/bin/python3", [Self.compare, catalogue, Self.published, "--accepted", noReason.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("needs ' -- ' and its reason"), "\(r.stderr)")

        let stale = dir.appendingPathComponent("stale.txt")
        let text = try String(contentsOfFile: Self.accepted, encoding: .utf8) + "providers.create.name: gone -- once true\n"
        try Data(text.utf8).write(to: stale)
        let s = try await ProcessRunner.run("/usr/bin/python3", [Self.compare, catalogue, Self.published, "--accepted", stale.path])
        #expect(s.status == 1)
        #expect(s.stdout.contains("no longer a difference, remove it from the accepted file: providers.create.name: gone"), "\(s.stdout)")
    }
}

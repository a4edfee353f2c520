import FakeNgrokAI
import Foundation
import NgrokAI

/// `--sandbox`: the fake API started in-process on loopback, seeded with the
/// sample account or a snapshot file, and optionally saved at exit.
final class Sandbox {
    let server: FakeNgrokAIServer
    private let saveTo: String?
    /// `--sandbox-data`, for `sandbox.reset()`.
    let dataFile: String?

    /// Starts the fake server; errors are usage errors (a bad data file).
    init(dataFile: String?, saveTo: String?) throws {
        let token = "sandbox-" + UUID().uuidString
        var configuration = FakeNgrokAIConfiguration.sandbox(token: token)
        if dataFile != nil {
            configuration.initialKeys = []
            configuration.sampleAccount = false
        }
        server = try FakeNgrokAIServer.start(configuration: configuration)
        self.saveTo = saveTo
        self.dataFile = dataFile
        if let dataFile {
            do {
                try server.account.load(snapshotJSON: try Data(contentsOf: URL(fileURLWithPath: dataFile)))
            } catch {
                try? server.shutdown()
                throw SandboxError("--sandbox-data \(dataFile): \(Self.describe(error))")
            }
        }
    }

    /// Points an API configuration at the sandbox.
    func configure(_ api: inout NgrokAIConfiguration) {
        api.baseURL = server.baseURL
        // The built-in fake is in this process: never through a proxy.
        api.httpsProxy = nil
        api.httpProxy = nil
        api.token = server.token
    }

    /// The first line on stderr, so nobody mistakes a rehearsal for the real thing.
    var banner: String {
        let counts = Catalogue.all.filter { $0.kind == .collection }.compactMap { resource -> String? in
            let count = server.account.count(resource)
            return count == 0 ? nil : "\(count) \(count == 1 ? resource.singular : resource.plural)"
        }
        let holding = counts.isEmpty ? "an empty account" : counts.joined(separator: ", ")
        return "luagate: sandbox: fake AI Gateway API on \(server.baseURL) with \(holding); no real account is touched\n"
    }

    private var saved = false

    /// Writes `--sandbox-save` (if asked) and stops the server.
    func finish() throws {
        defer { try? server.shutdown() }
        try save()
    }

    /// Writes `--sandbox-save`, once (also when the script calls `os.exit`).
    func save() throws {
        guard let saveTo, !saved else { return }
        saved = true
        do {
            try OutputFiles.write(server.account.snapshotJSON(), to: saveTo)
        } catch {
            throw SandboxError("--sandbox-save \(error)")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? CocoaError, let path = error.filePath {
            switch error.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file (\(path))"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied (\(path))"
            default: break
            }
        }
        return "\(error)"
    }
}

struct SandboxError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

import Foundation

/// A throwaway certificate authority and server certificates made with `openssl` for one
/// test run, in a temporary folder.
public struct TestCertificates: Sendable {
    /// The folder holding every file.
    public let folder: String
    /// The CA certificate (PEM) that signed the server certificates.
    public var caPath: String { folder + "/ca.pem" }
    /// A certificate for `127.0.0.1` and `localhost`, signed by the CA, and its key.
    public var serverCertificatePath: String { folder + "/server.pem" }
    public var serverKeyPath: String { folder + "/server.key" }
    /// A certificate signed by the CA for another name only (`elsewhere.invalid`), and its key.
    public var otherHostCertificatePath: String { folder + "/other.pem" }
    public var otherHostKeyPath: String { folder + "/other.key" }

    /// Why the certificates could not be made.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Makes the CA and the certificates (P-256 keys, valid for two days). Awaits each
    /// `openssl` run without holding a thread.
    public static func make() async throws -> TestCertificates {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("luagate-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let certificates = TestCertificates(folder: folder)
        try await certificates.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                  "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=luagate test CA"])
        try await certificates.issue(name: "server", subjectAltName: "IP:127.0.0.1,DNS:localhost")
        try await certificates.issue(name: "other", subjectAltName: "DNS:elsewhere.invalid")
        return certificates
    }

    private func issue(name: String, subjectAltName: String) async throws {
        try await openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
        try Data("subjectAltName=\(subjectAltName)\n".utf8).write(to: URL(fileURLWithPath: folder + "/\(name).ext"))
        try await openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext"])
    }

    private func openssl(_ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        // Its messages go to a file, read once it has exited: nothing to drain meanwhile.
        let log = URL(fileURLWithPath: folder + "/openssl.err")
        try Data().write(to: log)
        let messages = try FileHandle(forWritingTo: log)
        defer { try? messages.close() }
        process.standardError = messages
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            let text = (try? Data(contentsOf: log)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            throw Failure(description: "openssl \(arguments.joined(separator: " ")): \(text)")
        }
    }

    /// Removes the folder.
    public func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }
}

import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// What every connection of one server shares: state, faults, log and the accepted token.
package final class ServerCore: Sendable {
    let account: AccountStore
    let faults: FaultPlan
    let requestLog: RequestLog
    let expectedAuthorization: String
    private let operationCounter = NIOLockedValueBox<UInt64>(0)

    /// Sets up a connection's pipeline (after TLS, if any) to serve the fake API.
    package func serve(_ pipeline: ChannelPipeline.SynchronousOperations) throws {
        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
        try pipeline.addHandler(FakeNgrokAIHTTPHandler(core: self))
    }

    /// Whether connections speak TLS (record URIs then start with `https://`).
    let tls: Bool

    package init(account: AccountStore, faults: FaultPlan, requestLog: RequestLog, token: String, tls: Bool = false) {
        self.tls = tls
        self.account = account
        self.faults = faults
        self.requestLog = requestLog
        self.expectedAuthorization = "Bearer " + token
    }

    /// Why a request is not authorized, or nil when it carries the configured bearer token.
    func authorizationFailure(_ headers: HTTPHeaders) -> String? {
        guard let value = headers.first(name: "authorization") else {
            return "missing Authorization header; expected \"Authorization: Bearer <token>\""
        }
        let prefix = value.prefix(7)
        guard prefix.lowercased() == "bearer " else {
            return "the Authorization header must use the Bearer scheme"
        }
        guard value.dropFirst(7) == expectedAuthorization.dropFirst(7) else {
            return "the authentication token is not valid"
        }
        return nil
    }

    /// A unique id for an error's `details.operation_id`.
    func nextOperationID() -> String {
        let number = operationCounter.withLockedValue { counter -> UInt64 in
            counter += 1
            return counter
        }
        return "op_fake" + String(number, radix: 36).uppercased()
    }

    /// `http://IP:PORT` (or `https://…`) for a bound address.
    static func baseURL(for address: SocketAddress?, tls: Bool = false) -> String {
        let scheme = tls ? "https" : "http"
        guard let address, let port = address.port else { return "\(scheme)://127.0.0.1" }
        switch address {
        case .v6:
            return "\(scheme)://[\(address.ipAddress ?? "::1")]:\(port)"
        default:
            return "\(scheme)://\(address.ipAddress ?? "127.0.0.1"):\(port)"
        }
    }
}

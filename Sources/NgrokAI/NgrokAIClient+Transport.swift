import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A 2xx response, body fully read.
struct SuccessResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer
    var attempts: Int
}

extension NgrokAIClient {
    /// Sends `endpoint` with `body` (JSON bytes), retrying per the policy, and returns the first
    /// 2xx response. Everything else becomes an ``NgrokAIError``.
    func perform(_ endpoint: Endpoint, body: [UInt8]? = nil) async throws(NgrokAIError) -> SuccessResponse {
        let prepared: Prepared
        switch self.prepared {
        case .success(let value): prepared = value
        case .failure(var error):
            error.operation = endpoint.operation
            error.id = endpoint.id
            throw error
        }
        guard var headers = body == nil ? prepared.headers : prepared.bodyHeaders else {
            throw NgrokAIError(
                code: NgrokAIError.Code.auth, message: NgrokAIConfiguration.missingTokenMessage,
                operation: endpoint.operation, id: endpoint.id
            )
        }
        for (name, value) in endpoint.extraHeaders { headers.replaceOrAdd(name: name, value: value) }
        if endpoint.absoluteURL == nil, endpoint.path.utf8.count > Catalogue.maxRequestTargetBytes {
            throw NgrokAIError(
                code: NgrokAIError.Code.validation,
                message: "the request URL would be \(endpoint.path.utf8.count) bytes long (at most \(Catalogue.maxRequestTargetBytes))",
                operation: endpoint.operation, id: endpoint.id?.abbreviated())
        }
        let client = try httpClient(operation: endpoint.operation, id: endpoint.id)
        let policy = configuration.retry
        let logger = configuration.logger
        let method = endpoint.method.rawValue

        let url = endpoint.url(base: prepared.base)
        let buffer = body.map { ByteBuffer(bytes: $0) }

        let started = NIODeadline.now()
        let callDeadline = started + TimeAmount(policy.totalDeadline)
        let attemptTimeout = TimeAmount(configuration.requestTimeout)
        var attempt = 0

        while true {
            attempt += 1
            if Task.isCancelled {
                throw cancelledError(endpoint, attempts: attempt - 1)
            }
            recordAttempt(method: method, isRetry: attempt > 1)

            // POST bodies tell a probe when they start going out.
            let probe: SentBodyProbe? = body != nil && !endpoint.isIdempotent ? SentBodyProbe() : nil
            let attemptStart = NIODeadline.now()
            let deadline = min(attemptStart + attemptTimeout, callDeadline)
            let outcome = await Self.attempt(
                client, url: url, method: endpoint.method, headers: headers, body: buffer, probe: probe,
                deadline: deadline, maxBytes: configuration.maxResponseBytes)
            logAttempt(logger, endpoint, attempt: attempt, outcome: outcome, elapsed: NIODeadline.now() - attemptStart)

            if case .response(let status, let responseHeaders, let bytes) = outcome, (200..<300).contains(status.code) {
                return SuccessResponse(status: status, headers: responseHeaders, body: bytes, attempts: attempt)
            }
            if Task.isCancelled {
                throw cancelledError(endpoint, attempts: attempt)
            }
            let verdict = judge(outcome, endpoint, attempt: attempt, bodyWasRead: probe?.wasRead ?? true)
            let failure = verdict.error
            let retryDelay = verdict.retry.map { $0.delay ?? policy.backoff(beforeRetry: attempt - 1) }
            let reason = verdict.retry?.reason ?? ""

            guard let delay = retryDelay, attempt <= policy.maxRetries else {
                throw recordFailure(failure)
            }
            // Never wait past the call's deadline: if the wait would use up the budget, stop now.
            let now = NIODeadline.now()
            guard now + TimeAmount(delay) < callDeadline else {
                throw recordFailure(failure)
            }
            logger?.info(
                "retrying ngrok AI request",
                metadata: [
                    "method": .string(method), "path": .string(endpoint.path), "attempt": .stringConvertible(attempt + 1),
                    "reason": .string(reason), "delay_ms": .stringConvertible(Self.milliseconds(delay)),
                ]
            )
            if delay > .zero {
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw cancelledError(endpoint, attempts: attempt)
                }
            }
        }
    }

    /// Sends one attempt and collects its response, on AsyncHTTPClient's delegate API (see
    /// ``ResponseCollector``). Cancelling the calling task cancels the request.
    static func attempt(
        _ client: HTTPClient, url: String, method: HTTPMethod, headers: HTTPHeaders, body: ByteBuffer?,
        probe: SentBodyProbe?, deadline: NIODeadline, maxBytes: Int
    ) async -> AttemptOutcome {
        let requestBody: HTTPClient.Body? = body.map { buffer in
            guard let probe else { return .byteBuffer(buffer) }
            return .stream(contentLength: Int64(buffer.readableBytes)) { writer in
                probe.markRead()
                return writer.write(.byteBuffer(buffer))
            }
        }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: url, method: method, headers: headers, body: requestBody)
        } catch {
            return .failure(TransportFailure(error), afterHead: nil)
        }
        let collector = ResponseCollector(maxBytes: maxBytes)
        let task = client.execute(request: request, delegate: collector, eventLoop: .indifferent, deadline: deadline, logger: nil)
        do {
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            return .response(response.status, response.headers, response.body)
        } catch {
            return .failure(TransportFailure(error), afterHead: collector.headStatus)
        }
    }

    /// Statuses worth retrying for idempotent requests (429 is retried for every method).
    static let retryableStatuses: Set<UInt> = [408, 500, 502, 503, 504]

    /// What one attempt produced.
    enum AttemptOutcome: Sendable {
        /// A complete response.
        case response(HTTPResponseStatus, HTTPHeaders, ByteBuffer)
        /// No complete response; `afterHead` is the status if the head had arrived.
        case failure(TransportFailure, afterHead: HTTPResponseStatus?)
    }

    /// The error an unsuccessful attempt stands for, and whether (and why) it may be retried.
    struct Verdict {
        var error: NgrokAIError
        /// `nil`: give up. `delay`: what the server asked for (`Retry-After`), if anything.
        var retry: (reason: String, delay: Duration?)?
    }

    /// Judges a non-2xx attempt.
    ///
    /// - 429 is retried for every method, after `Retry-After` when given.
    /// - 408/500/502/503/504 and lost connections/timeouts are retried for idempotent methods.
    /// - A POST is otherwise retried only if it provably never left: no connection could be
    ///   made, or its body was never read by the HTTP client (`bodyWasRead` false) and no
    ///   response head arrived.
    func judge(_ outcome: AttemptOutcome, _ endpoint: Endpoint, attempt: Int, bodyWasRead: Bool) -> Verdict {
        switch outcome {
        case .response(let status, let headers, let bytes):
            let error = statusError(endpoint, status: status, headers: headers, body: bytes, attempts: attempt)
            guard status == .tooManyRequests || (endpoint.isIdempotent && Self.retryableStatuses.contains(status.code))
            else {
                return Verdict(error: error, retry: nil)
            }
            let asked = headers.first(name: "Retry-After").flatMap { RetryAfter.delay($0) }
            return Verdict(error: error, retry: ("\(status.code)", asked))

        case .failure(let transport, let afterHead):
            if transport.kind == .cancelled {
                return Verdict(error: cancelledError(endpoint, attempts: attempt), retry: nil)
            }
            let unsent = transport.neverSent || (afterHead == nil && !bodyWasRead)
            let error = transportError(
                endpoint, transport, headReceived: afterHead, outcomeUnknown: !endpoint.isIdempotent && !unsent,
                attempts: attempt
            )
            let retryable: Bool
            switch transport.kind {
            case .notConnected, .connectTimeout: retryable = true
            case .connectionLost, .timeout: retryable = endpoint.isIdempotent || unsent
            case .tooLarge, .cancelled, .tls, .proxyRefused, .other: retryable = false
            }
            return Verdict(error: error, retry: retryable ? (transport.detail, nil) : nil)
        }
    }

    private func recordAttempt(method: String, isRetry: Bool) {
        statsBox.withLockedValue { stats in
            stats.requestsSent += 1
            stats.requestsByMethod[method, default: 0] += 1
            if isRetry {
                stats.retries += 1
                stats.retriesByMethod[method, default: 0] += 1
            }
        }
    }

    private func recordFailure(_ error: NgrokAIError) -> NgrokAIError {
        statsBox.withLockedValue { $0.failedCalls += 1 }
        return error
    }

    private func logAttempt(
        _ logger: Logger?, _ endpoint: Endpoint, attempt: Int, outcome: AttemptOutcome, elapsed: TimeAmount
    ) {
        guard let logger, logger.logLevel <= .debug else { return }
        var metadata: Logger.Metadata = [
            "method": .string(endpoint.method.rawValue), "path": .string(endpoint.path),
            "attempt": .stringConvertible(attempt),
            "duration_ms": .stringConvertible((Double(elapsed.nanoseconds) / 100_000).rounded() / 10),
        ]
        switch outcome {
        case .response(let status, _, _): metadata["status"] = .stringConvertible(status.code)
        case .failure(let failure, _): metadata["error"] = .string(failure.detail)
        }
        logger.debug("ngrok AI request", metadata: metadata)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The error of a non-2xx response.
    func statusError(
        _ endpoint: Endpoint, status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer, attempts: Int
    ) -> NgrokAIError {
        let data = Data(buffer: body, byteTransferStrategy: .noCopy)
        let parsed = ErrorBody(parsing: data)
        let kept = data.prefix(NgrokAIError.maxBodyBytes)
        var message = parsed.message ?? ErrorBody.fallbackMessage(status: status, body: data)
        // A refused token: say which one, so the right variable or file gets fixed.
        if status == .unauthorized, let source = configuration.tokenSource { message += " (the token from \(source))" }
        return NgrokAIError(
            status: Int(status.code),
            code: parsed.code ?? NgrokAIError.Code.http,
            message: message,
            operation: endpoint.operation,
            id: endpoint.id,
            body: kept.isEmpty ? nil : String(decoding: kept, as: UTF8.self),
            retryAfter: headers.first(name: "Retry-After"),
            attempts: attempts
        )
    }

    /// The error of a request that got no complete response.
    func transportError(
        _ endpoint: Endpoint, _ failure: TransportFailure, headReceived: HTTPResponseStatus?, outcomeUnknown: Bool,
        attempts: Int
    ) -> NgrokAIError {
        var message: String
        switch failure.kind {
        case .timeout:
            message = "no response within \(configuration.requestTimeout)"
        case .connectTimeout:
            message = "could not connect within \(configuration.connectTimeout)"
        default:
            message = failure.detail
        }
        if let status = headReceived {
            message = "\(message) while reading the \(status.code) response"
        }
        if outcomeUnknown {
            message +=
                headReceived == nil
                ? "; the request was sent, so the outcome is unknown (it may have been applied)"
                : "; the server answered but the response was cut off, so the outcome is unknown"
        }
        return NgrokAIError(
            code: failure.code, message: message, operation: endpoint.operation, id: endpoint.id, attempts: attempts
        )
    }

    func cancelledError(_ endpoint: Endpoint, attempts: Int) -> NgrokAIError {
        NgrokAIError(
            code: NgrokAIError.Code.cancelled, message: "cancelled", operation: endpoint.operation, id: endpoint.id,
            attempts: attempts
        )
    }
}

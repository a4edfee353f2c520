import ArgumentParser
import Dispatch
import FakeNgrokAI
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `fake-ngrok-ai`: serves the in-memory fake of the ngrok AI Gateway management API: every
/// resource of the catalogue, usage and credits.
@main
struct FakeNgrokAICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-ngrok-ai",
        abstract: "Serve an in-memory fake of the ngrok AI Gateway management API on loopback.",
        discussion: """
            Serves every resource of the API as luagate knows it (\(Catalogue.all.map(\.path).joined(separator: ", "))): \
            lists, records, creates, updates, deletes and their actions (such as POST /provider-keys/{id}/rotate), \
            with the API's paging, field limits, references and errors, over HTTP/1.1, requiring \
            "Authorization: Bearer <token>". --print-catalogue prints what it serves. State lives in memory and \
            is lost on exit.

            On start it prints exactly one line, "listening on http://127.0.0.1:PORT" (https:// with --tls-cert), \
            to standard output, then serves until SIGINT or SIGTERM and exits 0.

            With --tls-cert and --tls-key it serves HTTPS instead, for trying luagate's --ca-file and --proxy: \
            the certificate must name the address clients use (e.g. IP:127.0.0.1 in its subjectAltName).

            The account starts as luagate's sandbox does, with a deterministic sample (seeded by --seed): --keys \
            provider keys, and around them access keys and their configurations, API keys, a custom provider, the \
            gateway configuration, credits and 60 days of usage (--keys 0 starts empty). Or it starts with the \
            records of --data, a snapshot file written by luagate --snapshot.

            Fault rates are fractions (0 to 1) of authenticated requests and must not add up to more than 1. \
            Requests answered 429, 503, reset or malformed are not applied.

            Examples:
              fake-ngrok-ai --port 8787 --token secret
              fake-ngrok-ai --keys 0 --latency-ms 50 --rate-429 0.1 --retry-after 2
              fake-ngrok-ai --tls-cert server.pem --tls-key server.key

            """
    )

    @Option(help: "Loopback address to listen on (127.0.0.0/8, ::1 or localhost).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 0

    @Option(help: "Bearer token that requests must carry.")
    var token = "fake-token"

    @Option(help: "Seed for the sample account, generated ids and probabilistic faults.")
    var seed: UInt64 = 1

    @Option(help: "Size of the generated sample account; 0 starts empty. (default: \(SampleAccount.defaultCount))")
    var keys: Int?

    @Option(help: ArgumentHelp("Start with the account of this snapshot file (luagate --snapshot) instead of a sample account.", valueName: "file.json"))
    var data: String?

    @Option(name: .customLong("latency-ms"), help: "Delay in milliseconds added before every response.")
    var latencyMilliseconds = 0

    @Option(name: .customLong("rate-429"), help: "Fraction of requests answered 429 Too Many Requests.")
    var rate429 = 0.0

    @Option(name: .customLong("retry-after"), help: "Retry-After seconds sent with injected 429s.")
    var retryAfter = 1

    @Option(name: .customLong("rate-503"), help: "Fraction of requests answered 503 Service Unavailable.")
    var rate503 = 0.0

    @Option(name: .customLong("rate-reset"), help: "Fraction of requests whose connection is closed mid-response.")
    var rateReset = 0.0

    @Option(name: .customLong("rate-malformed"), help: "Fraction of requests answered 200 with malformed JSON.")
    var rateMalformed = 0.0

    @Option(name: .customLong("burst-429"), help: ArgumentHelp(
        "Every PERIOD seconds, answer every request 429 for LENGTH seconds (e.g. 30:2).", valueName: "PERIOD:LENGTH"))
    var burst429: String?

    /// `--burst-429` as (period, length) in seconds.
    var burst: (period: Int, length: Int)? {
        guard let burst429 else { return nil }
        let parts = burst429.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > parts[1], parts[1] > 0 else { return nil }
        return (parts[0], parts[1])
    }

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (needs --tls-key).", valueName: "file.pem"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file.pem"))
    var tlsKey: String?

    func validate() throws {
        if burst429 != nil && burst == nil {
            throw ValidationError("--burst-429 must be PERIOD:LENGTH in whole seconds, with 0 < LENGTH < PERIOD")
        }
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if port < 0 || port > 65535 {
            throw ValidationError("--port must be between 0 and 65535")
        }
        if let keys, keys < 0 {
            throw ValidationError("--keys must not be negative")
        }
        if keys != nil && data != nil {
            throw ValidationError("use either --keys or --data, not both")
        }
        if latencyMilliseconds < 0 {
            throw ValidationError("--latency-ms must not be negative")
        }
        if retryAfter < 0 {
            throw ValidationError("--retry-after must not be negative")
        }
        let rates = [("--rate-429", rate429), ("--rate-503", rate503), ("--rate-reset", rateReset), ("--rate-malformed", rateMalformed)]
        for (flag, rate) in rates where !(0...1).contains(rate) {
            throw ValidationError("\(flag) must be between 0 and 1")
        }
        if rates.map(\.1).reduce(0, +) > 1 {
            throw ValidationError("the fault rates add up to more than 1")
        }
    }

    @Flag(name: .customLong("print-catalogue"), help: "Print the resource catalogue the fake serves, as JSON, and exit.")
    var printCatalogue = false

    func run() throws {
        if printCatalogue {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(Catalogue.description) + Data("\n".utf8))
            return
        }
        guard FakeNgrokAIServer.isLoopback(host: host) else {
            FileHandle.standardError.write(Data("fake-ngrok-ai: \(FakeNgrokAIServerError.nonLoopbackHost(host))\n".utf8))
            throw ExitCode(2)
        }
        // Nothing reads the request log of the command-line server: keep it small.
        var configuration = FakeNgrokAIConfiguration(host: host, port: port, token: token, seed: seed, requestLogCapacity: 1000)
        if let tlsCertificate, let tlsKey {
            configuration.tls = .init(certificatePath: tlsCertificate, keyPath: tlsKey)
        }
        let snapshot = try data.map(readData)
        if snapshot == nil {
            let count = keys ?? SampleAccount.defaultCount
            configuration.initialKeys = SampleAccount.make(seed: seed, count: count)
            configuration.sampleAccount = count > 0
        }

        // Take the signals before the server exists, so none is lost in between.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stop = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }

        let server: FakeNgrokAIServer
        do {
            server = try FakeNgrokAIServer.start(configuration: configuration)
        } catch let error as FakeNgrokAIServerError {
            throw StartError(message: "\(error)")
        }
        if let snapshot, let data {
            do {
                try server.account.load(snapshotJSON: snapshot)
            } catch {
                try? server.shutdown()
                throw StartError(message: "invalid --data file \(data): \(error)")
            }
        }
        server.faults.latencyMilliseconds = latencyMilliseconds
        server.faults.rateLimitedFraction = rate429
        server.faults.retryAfterSeconds = retryAfter
        server.faults.serviceUnavailableFraction = rate503
        server.faults.resetMidResponseFraction = rateReset
        server.faults.malformedBodyFraction = rateMalformed
        let bursts = burst.map { burst in
            let timer = DispatchSource.makeTimerSource(queue: .global())
            let (faults, rate) = (server.faults, rate429)
            timer.schedule(deadline: .now() + .seconds(burst.period - burst.length), repeating: .seconds(burst.period))
            timer.setEventHandler {
                faults.rateLimitedFraction = 1
                DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(burst.length)) { faults.rateLimitedFraction = rate }
            }
            timer.resume()
            return timer
        }

        // Written unbuffered, so scripts reading the pipe see it at once.
        FileHandle.standardOutput.write(Data("listening on \(server.baseURL)\n".utf8))

        stop.wait()
        bursts?.cancel()
        sources.forEach { $0.cancel() }
        try server.shutdown()
    }

    private func readData(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StartError(message: "cannot read --data file \(path): \(error.localizedDescription)")
        }
    }
}

/// A `--data` file or TLS file that cannot be used (exit status 1, no usage text).
struct StartError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

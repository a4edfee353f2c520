/// How to start a `FakeNgrokAIServer`.
public struct FakeNgrokAIConfiguration: Sendable {
    /// The loopback host to bind (`127.0.0.1`, `localhost`, `::1`, any `127.x.y.z`).
    public var host: String = "127.0.0.1"
    /// The port; 0 picks an ephemeral one.
    public var port: Int = 0
    /// The bearer token accepted in `Authorization: Bearer <token>`.
    public var token: String = "fake-token"
    /// Seed for generated ids, sample data and probabilistic faults.
    public var seed: UInt64 = 1
    /// Provider keys present at start, as ``AccountStore/insert(_:fields:secrets:)`` takes
    /// them (a `value` member is the key's secret); e.g. ``SampleAccount/make(seed:count:baseURL:referenceDate:)``.
    public var initialKeys: [[String: JSONValue]] = []
    /// Also seed the rest of the sample account (providers, access keys and their
    /// configurations, API keys, gateway configuration, credits, usage) around the keys.
    public var sampleAccount: Bool = false
    /// Event loop threads; nil uses one per CPU core.
    public var eventLoopThreads: Int? = nil
    /// How many requests the request log keeps (older ones are discarded).
    public var requestLogCapacity: Int = 100_000
    /// Serve HTTPS with this certificate and key instead of plain HTTP.
    public var tls: TLSFiles? = nil

    /// A PEM certificate chain (the server's certificate first) and its PEM private key.
    public struct TLSFiles: Sendable, Hashable {
        public var certificatePath: String
        public var keyPath: String

        public init(certificatePath: String, keyPath: String) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        token: String = "fake-token",
        seed: UInt64 = 1,
        initialKeys: [[String: JSONValue]] = [],
        sampleAccount: Bool = false,
        eventLoopThreads: Int? = nil,
        requestLogCapacity: Int = 100_000
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.seed = seed
        self.initialKeys = initialKeys
        self.sampleAccount = sampleAccount
        self.eventLoopThreads = eventLoopThreads
        self.requestLogCapacity = requestLogCapacity
    }

    /// A configuration seeded with the deterministic sample account (`SampleAccount.make`).
    public static func sandbox(
        seed: UInt64 = 1,
        keyCount: Int = SampleAccount.defaultCount,
        token: String = "fake-token",
        port: Int = 0
    ) -> FakeNgrokAIConfiguration {
        FakeNgrokAIConfiguration(
            port: port,
            token: token,
            seed: seed,
            initialKeys: SampleAccount.make(seed: seed, count: keyCount),
            sampleAccount: true
        )
    }
}

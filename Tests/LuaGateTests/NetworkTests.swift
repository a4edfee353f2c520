import FakeNgrokAI
import Foundation
import Testing
import TestSupport

/// HTTPS, extra CAs and proxies, end to end: the real binary against the fake serving TLS with
/// a throwaway CA (made with openssl), through a CONNECT proxy on loopback.
@Suite struct NetworkTests {
    static let certificates = Task { try await TestCertificates.make() }

    /// A fake API serving HTTPS with `certificate` (the 127.0.0.1 one by default).
    static func httpsAPI(otherHost: Bool = false) async throws -> APIHarness {
        let files = try await certificates.value
        var configuration = FakeNgrokAIConfiguration(token: "tok-\(UUID().uuidString)")
        configuration.tls = otherHost
            ? FakeNgrokAIConfiguration.TLSFiles(certificatePath: files.otherHostCertificatePath, keyPath: files.otherHostKeyPath)
            : FakeNgrokAIConfiguration.TLSFiles(certificatePath: files.serverCertificatePath, keyPath: files.serverKeyPath)
        let api = try APIHarness(configuration)
        api.seed(name: "one", id: "pk_1")
        return api
    }

    static let listing = "local ks = providerKeys.list(); print(#ks, ks[1].name)"
    static let failing = "local ok, e = pcall(providerKeys.list); print(ok, e.code, e.status, e.operation); print(e.message)"

    @Test func httpsWorksWithTheCAGivenEachWay() async throws {
        let api = try await Self.httpsAPI()
        let ca = try await Self.certificates.value.caPath
        #expect(api.server.baseURL.hasPrefix("https://127.0.0.1:"))
        for (arguments, environment) in [
            (["--ca-file", ca], [:]), ([], ["SSL_CERT_FILE": ca]), ([], ["LUAGATE_CA_FILE": ca]),
        ] {
            let r = try await api.luagate(arguments + ["-e", Self.listing], environment: environment)
            #expect(r.status == 0, "\(arguments) \(environment): \(r.stderr)")
            #expect(r.stdout == "1\tone\n")
        }
        #expect(api.requests("GET").count == 3)
    }

    @Test func anUntrustedCertificateIsRefusedAndNothingIsSent() async throws {
        let api = try await Self.httpsAPI()
        let r = try await api.luagate(["-e", Self.failing + "\nprint(pcall(providerKeys.create, {providerId = 'openai', name = 'n', value = 'sk-secret-1'}))"])
        #expect(r.status == 5, "a failed change: \(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "false\ttls\tnil\tproviderKeys.list", "\(r.stdout)")
        #expect(lines.dropFirst().first?.contains("certificate is not trusted (CERTIFICATE_VERIFY_FAILED)") == true)
        #expect(lines.last?.contains("tls:") == true)
        #expect(lines.last?.contains("outcome is unknown") == false, "a failed handshake sent nothing")
        #expect(!r.stdout.contains("sk-secret-1"))
        #expect(api.server.requestLog.entries().isEmpty, "no request reached the server")
    }

    @Test func aCertificateForAnotherHostIsRefused() async throws {
        let api = try await Self.httpsAPI(otherHost: true)
        let r = try await api.luagate(["--ca-file", try await Self.certificates.value.caPath, "-e", Self.failing])
        #expect(r.stdout.hasPrefix("false\ttls\tnil\tproviderKeys.list\n"), "\(r.stdout)\(r.stderr)")
        #expect(api.server.requestLog.entries().isEmpty)
    }

    @Test func requestsGoThroughAConnectProxyAndTheTokenStaysInsideTLS() async throws {
        let api = try await Self.httpsAPI()
        let proxy = try ConnectProxy.start()
        defer { proxy.shutdown() }
        let ca = try await Self.certificates.value.caPath
        let r = try await api.luagate(["--ca-file", ca, "-e", Self.listing + "\nproviderKeys.update('pk_1', {name = 'two'})"],
                                environment: ["HTTPS_PROXY": proxy.url])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "1\tone\n")
        #expect(proxy.requests.map(\.line) == ["CONNECT 127.0.0.1:\(api.server.port) HTTP/1.1"], "one tunnel, reused")
        let seen = proxy.tunnelledBytes
        #expect(seen.count > 500, "the requests went through the tunnel")
        #expect(seen.firstRange(of: Array(api.token.utf8)) == nil, "the token never crossed the proxy in clear")
        #expect(seen.firstRange(of: Array("PATCH".utf8)) == nil)
        #expect(api.requests("PATCH").count == 1)
    }

    @Test func noProxyAndTheCommandLineChooseTheRoute() async throws {
        let api = try await Self.httpsAPI()
        let proxy = try ConnectProxy.start()
        defer { proxy.shutdown() }
        let ca = try await Self.certificates.value.caPath
        let dead = "http://127.0.0.1:1"
        let direct: [([String], [String: String])] = [
            ([], ["HTTPS_PROXY": proxy.url, "NO_PROXY": "127.0.0.1"]),
            ([], ["https_proxy": proxy.url, "no_proxy": "example.com, 127.0.0.0/8"]),
            ([], ["HTTPS_PROXY": proxy.url, "NO_PROXY": "*"]),
            (["--no-proxy", "127.0.0.1"], ["HTTPS_PROXY": proxy.url]),
            (["--proxy", ""], ["HTTPS_PROXY": dead]),
        ]
        for (arguments, environment) in direct {
            let r = try await api.luagate(["--ca-file", ca] + arguments + ["-e", Self.listing], environment: environment)
            #expect(r.status == 0 && r.stdout == "1\tone\n", "\(arguments) \(environment): \(r.stderr)")
        }
        #expect(proxy.requests.isEmpty, "\(proxy.requests)")

        let proxied: [([String], [String: String])] = [
            (["--proxy", proxy.url], ["HTTPS_PROXY": dead]),
            ([], ["LUAGATE_PROXY": "127.0.0.1:\(proxy.port)", "HTTPS_PROXY": dead]),
            ([], ["HTTPS_PROXY": proxy.url, "NO_PROXY": "example.com,127.0.0.2,10.0.0.0/8"]),
        ]
        for (arguments, environment) in proxied {
            let r = try await api.luagate(["--ca-file", ca] + arguments + ["-e", Self.listing], environment: environment)
            #expect(r.status == 0 && r.stdout == "1\tone\n", "\(arguments) \(environment): \(r.stderr)")
        }
        #expect(proxy.requests.count == 3)
    }

    @Test func proxyCredentialsAreSentToTheProxyAndNeverPrinted() async throws {
        let api = try await Self.httpsAPI()
        let proxy = try ConnectProxy.start()
        defer { proxy.shutdown() }
        let r = try await api.luagate(["--verbose", "--ca-file", try await Self.certificates.value.caPath, "-e", Self.listing],
                                environment: ["HTTPS_PROXY": "http://ops:pa55word@127.0.0.1:\(proxy.port)"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(proxy.requests.first?.headers.map { $0.lowercased() }.contains("proxy-authorization: basic b3bzonbhntv3b3jk") == true,
                "\(proxy.requests)")
        #expect(!(r.stdout + r.stderr).contains("pa55word"))
    }

    @Test func aProxyThatRefusesTheTunnelFailsClearlyAndSendsNothing() async throws {
        let api = try await Self.httpsAPI()
        let proxy = try ConnectProxy.start(refuseWith: 403)
        defer { proxy.shutdown() }
        let r = try await api.luagate(["-e", Self.failing + "\nprint(pcall(providerKeys.create, {providerId = 'openai', name = 'n', value = 'sk-x'}))"],
                                environment: ["HTTPS_PROXY": proxy.url])
        #expect(r.stdout.hasPrefix("false\tnetwork\tnil\tproviderKeys.list\nthe proxy refused the tunnel\n"), "\(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("outcome is unknown"))
        #expect(proxy.requests.count == 2, "not retried")
        #expect(api.server.requestLog.entries().isEmpty)
    }

    /// The built-in sandbox is in the process: no proxy setting reaches it. A plain-http
    /// loopback URL takes `http_proxy`, never `HTTPS_PROXY`, as curl does.
    @Test func theSandboxAndPlainHTTPIgnoreTheHTTPSProxy() async throws {
        let dead = "http://127.0.0.1:1"
        let sandbox = try await ProcessRunner.luagate(["--sandbox", "-e", "print(#providerKeys.list() > 0)"],
                                                environment: ["HTTPS_PROXY": dead, "http_proxy": dead, "ALL_PROXY": dead])
        #expect(sandbox.status == 0 && sandbox.stdout == "true\n", "\(sandbox.stderr)")
        let api = try APIHarness()
        let plain = try await api.luagate(["-e", "print(#providerKeys.list())"], environment: ["HTTPS_PROXY": dead])
        #expect(plain.status == 0 && plain.stdout == "0\n", "\(plain.stderr)")
        let proxy = try ConnectProxy.start()
        defer { proxy.shutdown() }
        let through = try await api.luagate(["-e", "print(#providerKeys.list())"], environment: ["http_proxy": proxy.url])
        #expect(through.status == 0 && through.stdout == "0\n", "\(through.stderr)")
        #expect(proxy.requests.count == 1)
    }

    @Test func badProxyAndCASettingsStopTheRunWithTheirSource() async throws {
        let cases: [([String], [String: String], String)] = [
            (["--proxy", "ftp://proxy:21"], [:],
             "luagate: proxy \"ftp://proxy:21\": only http:// proxies are supported"),
            ([], ["HTTPS_PROXY": "socks5://ops:s3cret@proxy:1080"],
             "luagate: HTTPS_PROXY=socks5://***@proxy:1080: only http:// proxies are supported"),
            ([], ["https_proxy": "http://proxy:99999"], "luagate: https_proxy=http://proxy:99999: invalid port"),
            (["--proxy", "http://proxy:3128/path"], [:], "a proxy is just [http://][user:password@]host[:port]"),
            (["--ca-file", "/nonexistent/ca.pem"], [:], "luagate: CA file /nonexistent/ca.pem: no such file or directory"),
            ([], ["SSL_CERT_FILE": ProcessRunner.scripts + "/api/round-trip.lua"], "is not a PEM file of certificates"),
            ([], ["LUAGATE_PROXY": "ftp://x"], "luagate: proxy \"ftp://x\": only http:// proxies are supported"),
        ]
        for (arguments, environment, message) in cases {
            let r = try await ProcessRunner.luagate(arguments + ["-e", "print('ran')"], environment: environment)
            #expect(r.status == 2, "\(arguments) \(environment)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.hasPrefix("luagate: ") && r.stderr.contains(message), "\(r.stderr)")
            #expect(!r.stderr.contains("s3cret"))
        }
    }

    /// The CA file is only checked for a PEM certificate at start-up (a script that never calls
    /// the API does not parse a whole bundle); one that looks like PEM but is not fails the first
    /// call with `config`, naming the file, and nothing is sent.
    @Test func aCorruptCAFileFailsTheFirstCallNotTheStart() async throws {
        let api = try await Self.httpsAPI()
        let corrupt = try await Self.certificates.value.folder + "/corrupt.pem"
        try Data("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n".utf8)
            .write(to: URL(fileURLWithPath: corrupt))
        let quiet = try await api.luagate(["--ca-file", corrupt, "-e", "print('ran')"])
        #expect(quiet.status == 0 && quiet.stdout == "ran\n", "\(quiet.stderr)")
        let r = try await api.luagate(["--ca-file", corrupt, "-e", Self.failing])
        #expect(r.stdout == "false\tconfig\tnil\tproviderKeys.list\nCA file \(corrupt) is not a PEM file of certificates\n",
                "\(r.stdout)\(r.stderr)")
        #expect(api.server.requestLog.entries().isEmpty)
    }

    /// The CA file is for TLS: a plain-http API (loopback) is reached with a corrupt one set,
    /// and the bundle is not parsed at all.
    @Test func aPlainHTTPAPIIgnoresTheCAFile() async throws {
        let api = try APIHarness()
        api.seed(name: "one", id: "pk_1")
        let corrupt = try await Self.certificates.value.folder + "/corrupt-plain.pem"
        try Data("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n".utf8)
            .write(to: URL(fileURLWithPath: corrupt))
        let r = try await api.luagate(["--ca-file", corrupt, "-e", Self.listing])
        #expect(r.status == 0 && r.stdout == "1\tone\n", "\(r.stdout)\(r.stderr)")
        #expect(api.requests("GET").count == 1)
    }

    @Test func fakeNgrokAIChecksItsTLSFiles() async throws {
        let fake = ProcessRunner.buildDirectory + "/fake-ngrok-ai"
        let files = try await Self.certificates.value
        let alone = try await ProcessRunner.run(fake, ["--tls-cert", files.serverCertificatePath])
        #expect(alone.status == 64 && alone.stderr.contains("--tls-cert and --tls-key go together"), "\(alone.stderr)")
        let missing = try await ProcessRunner.run(fake, ["--tls-cert", "/nonexistent.pem", "--tls-key", files.serverKeyPath])
        #expect(missing.status == 1 && missing.stderr.contains("cannot read the TLS certificate /nonexistent.pem"), "\(missing.stderr)")
        let mismatched = try await ProcessRunner.run(fake, ["--tls-cert", files.serverCertificatePath, "--tls-key", files.otherHostKeyPath])
        #expect(mismatched.status == 1 && mismatched.stderr.contains("do not go together"), "\(mismatched.stderr)")
        #expect(alone.stdout.isEmpty && missing.stdout.isEmpty && mismatched.stdout.isEmpty)
        for bad in ["3", "2:3", "60:0", "x:y"] {
            let burst = try await ProcessRunner.run(fake, ["--burst-429", bad])
            #expect(burst.status == 64 && burst.stderr.contains("--burst-429 must be PERIOD:LENGTH"), "\(bad): \(burst.stderr)")
        }
    }
}

import Testing

@testable import NgrokAI

@Suite("Proxy settings")
struct ProxySettingTests {
    @Test func proxyURLsParseAsCurlReadsThem() throws {
        let plain = try ProxySetting("proxy.corp:3128")
        #expect(plain.host == "proxy.corp" && plain.port == 3128 && plain.username == nil)
        let defaulted = try ProxySetting("http://proxy.corp")
        #expect(defaulted.port == 1080, "curl's default proxy port")
        let withCredentials = try ProxySetting("http://ops%40corp:p%3Ass@[::1]:8080/")
        #expect(withCredentials.host == "::1" && withCredentials.port == 8080)
        #expect(withCredentials.username == "ops@corp" && withCredentials.password == "p:ss")
        #expect(withCredentials.shown == "http://[::1]:8080")
        for bad in ["https://proxy:443", "socks5://proxy", "http://", "http://proxy:0", "http://proxy/x", "http://p?q=1"] {
            #expect(throws: NgrokAIError.self, "\(bad)") { try ProxySetting(bad) }
        }
    }

    @Test func credentialsAreMaskedInMessages() {
        #expect(ProxySetting.masked("http://ops:s3cret@proxy:3128") == "http://***@proxy:3128")
        #expect(ProxySetting.masked("ops:s3cret@proxy") == "***@proxy")
        #expect(ProxySetting.masked("http://proxy:3128") == "http://proxy:3128")
        let configuration = NgrokAIConfiguration(token: "t")
        var proxied = configuration
        proxied.httpsProxy = "http://ops:s3cret@proxy:3128"
        #expect(!proxied.description.contains("s3cret") && proxied.description.contains("proxy: http://***@proxy:3128"))
        #expect(!String(reflecting: proxied).contains("s3cret"))
    }

    @Test(arguments: [
        ("api.ngrok.ai", "ngrok.ai", true), ("api.ngrok.ai", ".ngrok.ai", true), ("ngrok.ai", ".ngrok.ai", true),
        ("api.ngrok.ai", "grok.ai", false), ("API.NGROK.AI.", "api.ngrok.ai", true), ("api.ngrok.ai", "*", true),
        ("api.ngrok.ai", "other.com, ngrok.ai", true), ("api.ngrok.ai", "", false),
        ("10.1.2.3", "10.0.0.0/8", true), ("11.1.2.3", "10.0.0.0/8", false), ("10.1.2.3", "10.1.2.3", true),
        ("[::1]", "::1", true), ("[2001:db8::5]", "2001:db8::/32", true), ("[2001:db9::5]", "2001:db8::/32", false),
        ("10.1.2.3", "10.0.0.0/99", false), ("10.1.2.3", "10.1.2", false),
    ])
    func noProxyMatching(host: String, list: String, matches: Bool) {
        #expect(NoProxyList(list).matches(host: host) == matches)
    }

    @Test func theProxyFollowsTheBaseURLsScheme() throws {
        var configuration = NgrokAIConfiguration(baseURL: "https://api.ngrok.ai")
        configuration.httpsProxy = "proxy:3128"
        configuration.httpProxy = "other:8080"
        #expect(try configuration.proxy(for: BaseURL(configuration.baseURL))?.host == "proxy")
        #expect(try configuration.proxy(for: BaseURL("http://127.0.0.1:9"))?.host == "other")
        configuration.noProxy = "ngrok.ai"
        #expect(try configuration.proxy(for: BaseURL(configuration.baseURL)) == nil)
        configuration.httpsProxy = ""
        configuration.noProxy = nil
        #expect(try configuration.proxy(for: BaseURL(configuration.baseURL)) == nil)
    }

    @Test func theEnvironmentIsReadLowercaseFirst() throws {
        let configuration = try NgrokAIConfiguration.fromEnvironment([
            "https_proxy": "lower:1", "HTTPS_PROXY": "upper:2", "ALL_PROXY": "all:3", "NO_PROXY": "x.com",
            "SSL_CERT_FILE": "/ca.pem",
        ])
        #expect(configuration.httpsProxy == "lower:1")
        #expect(configuration.httpProxy == "all:3", "http_proxy unset: ALL_PROXY")
        #expect(configuration.noProxy == "x.com" && configuration.caFile == "/ca.pem")
        #expect(throws: NgrokAIError.self) { try NgrokAIConfiguration.fromEnvironment(["HTTPS_PROXY": "ftp://x"]) }
    }
}

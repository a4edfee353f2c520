import Foundation

extension NgrokAIConfiguration {
    /// The variable holding the API token.
    public static let tokenVariable = "AI_GATEWAY_API_KEY"
    /// The variable holding the base URL.
    public static let baseURLVariable = "AI_GATEWAY_API_URL"

    /// The variables naming proxies and CAs, read as curl reads them (lowercase first).
    static let httpsProxyVariables = ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    static let httpProxyVariables = ["http_proxy", "all_proxy", "ALL_PROXY"]
    static let noProxyVariables = ["no_proxy", "NO_PROXY"]
    static let caFileVariable = "SSL_CERT_FILE"

    /// A configuration from the environment: the token from `AI_GATEWAY_API_KEY`, the base URL
    /// from `AI_GATEWAY_API_URL`, proxies from `https_proxy`/`HTTPS_PROXY` (`http_proxy` for an
    /// http base URL, `ALL_PROXY` for both) and `no_proxy`/`NO_PROXY`, and an extra CA from
    /// `SSL_CERT_FILE` (empty values count as unset).
    ///
    /// - Parameters:
    ///   - environment: The variables to read; the process's environment by default.
    ///   - apiKeyFile: A file holding the token; it wins over `AI_GATEWAY_API_KEY`. Surrounding
    ///     whitespace and newlines are trimmed.
    ///   - base: The configuration to start from (user agent, timeouts, retries, logger).
    /// - Throws: ``NgrokAIError`` with code ``NgrokAIError/Code/config`` when the file can't be
    ///   read or is empty.
    public static func fromEnvironment(
        _ environment: [String: String] = processVariables(),
        apiKeyFile: String? = nil,
        base: NgrokAIConfiguration = NgrokAIConfiguration()
    ) throws(NgrokAIError) -> NgrokAIConfiguration {
        var configuration = base
        if let url = environment[baseURLVariable]?.trimmingWhiteSpace(), !url.isEmpty {
            configuration.baseURL = url
        }
        if let token = environment[tokenVariable]?.trimmingWhiteSpace(), !token.isEmpty {
            configuration.token = token
            configuration.tokenSource = tokenVariable
        }
        func first(_ names: [String]) -> (name: String, value: String)? {
            for name in names {
                if let value = environment[name]?.trimmingWhiteSpace(), !value.isEmpty { return (name, value) }
            }
            return nil
        }
        for (names, keyPath) in [(httpsProxyVariables, \Self.httpsProxy), (httpProxyVariables, \Self.httpProxy)] {
            guard let (name, value) = first(names) else { continue }
            do {
                _ = try ProxySetting(value)
            } catch {
                throw configError("\(name)=\(ProxySetting.masked(value)): \(error.message)")
            }
            configuration[keyPath: keyPath] = value
        }
        if let list = first(noProxyVariables) { configuration.noProxy = list.value }
        if let file = first([caFileVariable]) { configuration.caFile = file.value }
        if let apiKeyFile {
            configuration.token = try readTokenFile(apiKeyFile)
            configuration.tokenSource = "--api-key-file \(apiKeyFile)"
        }
        return configuration
    }

    /// The variables this reads, from the process's environment (only
    /// those: copying the whole environment into a dictionary costs start-up time).
    public static func processVariables() -> [String: String] {
        var variables: [String: String] = [:]
        let names = [tokenVariable, baseURLVariable, caFileVariable] + httpsProxyVariables + ["http_proxy"] + noProxyVariables
        for name in names {
            if let value = getenv(name) { variables[name] = String(cString: value) }
        }
        return variables
    }

    /// The trimmed contents of a token file.
    static func readTokenFile(_ path: String) throws(NgrokAIError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? "cannot read it"
            throw configError("API key file \(path): \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw configError("API key file \(path) is not UTF-8 text")
        }
        let token = text.trimmingWhiteSpace()
        if token.isEmpty { throw configError("API key file \(path) is empty") }
        if token.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw configError("API key file \(path) holds more than one line")
        }
        return token
    }

    static func configError(_ message: String) -> NgrokAIError {
        NgrokAIError(code: NgrokAIError.Code.config, message: message, operation: "configuration")
    }
}

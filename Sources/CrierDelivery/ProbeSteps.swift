import CCurl
import CrierCore
import Foundation

/// The steps `crier doctor` shares between transports: reaching the server's port, and
/// finding the password where the config says it is.
enum ProbeSteps {
    /// `host:port` of `url`, with `defaultPort` when the URL names none.
    static func target(_ url: String, defaultPort: Int) -> (host: String, port: Int) {
        let components = URLComponents(string: Redaction.redact(url))
        return (components?.host ?? url, components?.port ?? defaultPort)
    }

    /// Opens a TCP connection to `url`'s host and port, and nothing more (no TLS, no bytes
    /// sent): `name` ok, or failing with libcurl's reason and what to do.
    static func connect(_ name: String, url: String, defaultPort: Int, setting: String, timeouts: TransportTimeouts) -> HealthCheck {
        let (host, port) = target(url, defaultPort: defaultPort)
        let shown = "\(host):\(port)"
        // An http:// URL to the same host and port: CONNECT_ONLY then stops after TCP.
        guard let handle = CurlHandle(url: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/", timeouts: timeouts) else {
            return HealthCheck(name, .fail, "libcurl could not start")
        }
        handle.set(CURLOPT_CONNECT_ONLY, 1)
        let result = handle.perform()
        if result.ok { return HealthCheck(name, .ok, "\(shown) accepts connections") }
        let fix: String
        switch result.code {
        case CURLE_COULDNT_RESOLVE_HOST:
            fix = "check the host name in \(setting) (and this machine's DNS)"
        case CURLE_COULDNT_CONNECT:
            fix = "start the server, or correct the host and port in \(setting); a firewall may refuse the port"
        case CURLE_OPERATION_TIMEDOUT:
            fix = "nothing answered within \(Int(timeouts.connect)) s: check \(setting) and any firewall between this host and the server"
        default:
            fix = "check \(setting)"
        }
        return HealthCheck(name, .fail, "\(shown): \(result.errorText)", fix: fix)
    }

    /// Whether the secret of `source` can be read now (its value is never shown), and the
    /// value when it can. `owner` is the config section, e.g. `email.smtp`.
    static func secret(_ name: String, _ source: SecretSource?, owner: String, environment: [String: String]) -> (check: HealthCheck, value: String?) {
        guard let source else {
            return (HealthCheck(name, .fail, "\(owner) has a username but no password_env or password_file",
                                fix: "add \(owner).password_env: VARIABLE (or password_file: PATH)"), nil)
        }
        switch SecretProblem.read(source, environment: environment, owner: owner) {
        case .failure(let problem):
            switch source {
            case .environment(let variable):
                return (HealthCheck(name, .fail, problem.message, fix: "set \(variable) in the environment that starts crier (systemd: Environment= or EnvironmentFile= in the service; cron: in the crontab or a wrapper script)"), nil)
            case .file(let path):
                return (HealthCheck(name, .fail, problem.message, fix: "create \(path) readable by the user that runs crier, holding only the password"), nil)
            }
        case .success(let value):
            switch source {
            case .environment(let variable):
                return (HealthCheck(name, .ok, "found in the environment variable \(variable) (value not shown)"), value)
            case .file(let path):
                return (HealthCheck(name, .ok, "read from \(path) (value not shown)"), value)
            }
        }
    }

    /// The TLS fix for a certificate that did not verify.
    static func certificateFix(setting: String) -> String {
        "give \(setting) the PEM file of the CA that signed the server's certificate (or install that CA system-wide), and use the host name the certificate was issued for"
    }

    /// Whether `code` says the server's certificate did not verify.
    static func isCertificateFailure(_ code: CURLcode) -> Bool {
        code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_ISSUER_ERROR
    }
}

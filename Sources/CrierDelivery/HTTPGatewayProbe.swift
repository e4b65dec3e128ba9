import CCurl
import CrierCore
import Foundation

/// `crier doctor`'s look at the HTTP SMS gateway: a TCP connect, then one GET of the gateway's
/// URL with the configured credentials (Twilio's Messages.json lists messages for a valid
/// account and answers 401 otherwise; a JSON gateway that wants POST answers 404 or 405, which
/// still shows TLS and that the credentials were not refused). Nothing is sent.
package struct HTTPGatewayProbe {
    /// The gateway and how to reach it.
    package let settings: HTTPGatewaySettings
    /// Time limits (a silent gateway fails after `total`).
    package let timeouts: TransportTimeouts
    /// Where `password_env` is looked up.
    package let environment: [String: String]

    /// A probe of `settings`' gateway.
    package init(settings: HTTPGatewaySettings, timeouts: TransportTimeouts, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        self.timeouts = timeouts
        self.environment = environment
    }

    private var https: Bool { !settings.url.lowercased().hasPrefix("http://") }

    /// One line per check: connect, TLS, password, credentials.
    package func run() -> [HealthCheck] {
        let connect = ProbeSteps.connect("sms.http connect", url: settings.url, defaultPort: https ? 443 : 80,
                                         setting: "sms.http.url", timeouts: timeouts)
        var password: (check: HealthCheck, value: String?) = (HealthCheck("sms.http password", .skip, "no password configured"), nil)
        if settings.username != nil || settings.password != nil {
            password = ProbeSteps.secret("sms.http password", settings.password, owner: "sms.http", environment: environment)
        }
        guard connect.status == .ok else {
            return [connect, HealthCheck("sms.http TLS", .skip, "cannot connect"), password.check,
                    HealthCheck("sms.http credentials", .skip, "cannot connect")]
        }
        guard let handle = HTTPSMSTransport.handle(settings: settings, timeouts: timeouts) else {
            return [connect, HealthCheck("sms.http TLS", .fail, "libcurl could not start")]
        }
        HTTPSMSTransport.authenticate(handle, settings: settings, password: password.value)
        handle.set(CURLOPT_HTTPHEADER, list: ["Accept: application/json"])
        let result = handle.perform()
        let url = Redaction.redact(settings.url)

        if ProbeSteps.isCertificateFailure(result.code) || result.code == CURLE_SSL_CONNECT_ERROR {
            let fix = result.code == CURLE_SSL_CONNECT_ERROR
                ? "check that sms.http.url's port speaks HTTPS"
                : "install the CA that signed the gateway's certificate system-wide (update-ca-certificates), and use the host name the certificate was issued for in sms.http.url"
            return [connect, HealthCheck("sms.http TLS", .fail, result.errorText, fix: fix), password.check,
                    HealthCheck("sms.http credentials", .skip, "sms.http TLS failed")]
        }
        let tls = https ? HealthCheck("sms.http TLS", .ok, "certificate verified")
                        : HealthCheck("sms.http TLS", .warn, "plain http://: messages and credentials cross the network in clear text",
                                      fix: "use https:// unless the gateway runs on this host")
        return [connect, tls, password.check, credentials(result, url: url, password: password.check)]
    }

    /// The credentials line from the answer to the GET.
    private func credentials(_ result: CurlHandle.Result, url: String, password: HealthCheck) -> HealthCheck {
        let name = "sms.http credentials"
        guard result.ok, result.responseCode > 0 else {
            let detail = result.code == CURLE_OPERATION_TIMEDOUT ? "\(url) gave no answer within \(Int(timeouts.total)) s" : "\(url): \(result.errorText)"
            return HealthCheck(name, .fail, detail, fix: "check sms.http.url: the gateway accepts connections but does not answer HTTP")
        }
        let status = result.responseCode
        let answer = "GET \(url) answered \(status)"
        if password.status == .fail { return HealthCheck(name, .skip, "\(answer); \(password.name) failed, so no credentials were tried") }
        switch status {
        case 401, 403:
            return HealthCheck(name, .fail, "\(answer): the gateway refused the credentials (\(HTTPSMSTransport.excerpt(result.body)))",
                               fix: "check sms.http.username and the password \(SMTPProbe.source(settings.password))")
        case 500..<600:
            return HealthCheck(name, .warn, "\(answer): the gateway has trouble (\(HTTPSMSTransport.excerpt(result.body)))",
                               fix: "ask the gateway's provider; crier retries 5xx answers on the next run")
        default:
            if password.status == .skip { return HealthCheck(name, .ok, "\(answer) without credentials (none configured)") }
            return HealthCheck(name, .ok, "\(answer): credentials not refused")
        }
    }
}

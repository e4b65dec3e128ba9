import CCurl
import CrierCore
import Foundation

/// `crier doctor`'s look at the SMTP server: a TCP connect, then one session as delivery opens
/// it (greeting, EHLO, STARTTLS as `tls` says, the certificate verified, AUTH when a username is
/// set) that ends with NOOP, so no message is sent. Each step gives its own line; after the
/// first failing step the later ones are skipped. The password is never shown.
package struct SMTPProbe {
    /// The server and how to reach it.
    package let settings: SMTPSettings
    /// Time limits (a silent server fails after `total`).
    package let timeouts: TransportTimeouts
    /// Where `password_env` is looked up.
    package let environment: [String: String]

    /// A probe of `settings`' server.
    package init(settings: SMTPSettings, timeouts: TransportTimeouts, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        self.timeouts = timeouts
        self.environment = environment
    }

    /// The steps of a session, in the order the server meets them.
    private enum Step: Int, Comparable, Hashable {
        case greeting, tls, certificate, auth

        static func < (a: Step, b: Step) -> Bool { a.rawValue < b.rawValue }
    }

    private var implicitTLS: Bool { settings.url.lowercased().hasPrefix("smtps://") }
    private var usesTLS: Bool { implicitTLS || settings.tls == .required }
    private var tlsName: String { implicitTLS ? "smtp TLS" : "smtp STARTTLS" }

    /// One line per check: connect, greeting, STARTTLS (or TLS for smtps://), certificate,
    /// password, AUTH.
    package func run() -> [HealthCheck] {
        let connect = ProbeSteps.connect("smtp connect", url: settings.url, defaultPort: implicitTLS ? 465 : 25,
                                         setting: "email.smtp.url", timeouts: timeouts)
        var password: (check: HealthCheck, value: String?)?
        if settings.username != nil {
            password = ProbeSteps.secret("smtp password", settings.password, owner: "email.smtp", environment: environment)
        }
        let passwordLine = password?.check ?? HealthCheck("smtp password", .skip, "no email.smtp.username: crier does not log in")
        guard connect.status == .ok else {
            return [connect] + lines(failed: (.greeting, HealthCheck("smtp greeting", .skip, "cannot connect")), password: passwordLine) { _ in connect }
        }
        guard let handle = SMTPTransport.handle(settings: settings, timeouts: timeouts) else {
            return [connect, HealthCheck("smtp greeting", .fail, "libcurl could not start")]
        }
        handle.set(CURLOPT_CUSTOMREQUEST, "NOOP")
        if let username = settings.username, let value = password?.value {
            handle.set(CURLOPT_USERNAME, username)
            handle.set(CURLOPT_PASSWORD, value)
        }
        return [connect] + session(handle.perform(), password: passwordLine, triedLogin: password?.value != nil)
    }

    /// The lines of the session's steps from how it ended.
    private func session(_ result: CurlHandle.Result, password: HealthCheck, triedLogin: Bool) -> [HealthCheck] {
        let greeting = result.replies.first { $0.hasPrefix("220") }
        let failed: (step: Step, line: HealthCheck)?
        switch result.code {
        case CURLE_OK:
            failed = nil
        case _ where greeting == nil:
            let detail = result.code == CURLE_OPERATION_TIMEDOUT
                ? "connected, but the server sent no greeting within \(Int(timeouts.total)) s"
                : "no SMTP greeting: \(result.lastReply ?? result.errorText)"
            failed = (.greeting, HealthCheck("smtp greeting", .fail, detail,
                                             fix: "check that email.smtp.url names an SMTP port (587 STARTTLS, 465 smtps://); a server that accepts and never answers is overloaded or behind a filtering firewall"))
        case CURLE_USE_SSL_FAILED:
            failed = (.tls, HealthCheck(tlsName, .fail, "the server does not offer STARTTLS",
                                        fix: "enable STARTTLS on the server, or use smtps:// if it speaks TLS from the first byte (port 465); tls: none only for a server on this host"))
        case _ where ProbeSteps.isCertificateFailure(result.code):
            failed = (.certificate, HealthCheck("smtp certificate", .fail, result.errorText,
                                                fix: ProbeSteps.certificateFix(setting: "email.smtp.ca_file")))
        case CURLE_SSL_CONNECT_ERROR:
            failed = (.tls, HealthCheck(tlsName, .fail, "TLS handshake failed: \(result.errorText)",
                                        fix: implicitTLS ? "smtps:// needs a port that speaks TLS from the first byte (465); for STARTTLS (587) write smtp://"
                                                         : "check the server's TLS setup, or use smtps:// if the port speaks TLS from the first byte"))
        case CURLE_LOGIN_DENIED:
            failed = (.auth, HealthCheck("smtp AUTH", .fail, "the server refused the login of \"\(settings.username ?? "")\": \(result.lastRefusal ?? result.errorText)",
                                         fix: "check email.smtp.username and the password \(Self.source(settings.password))"))
        default:
            let reply = result.lastRefusal.map { " (server: \($0))" } ?? ""
            failed = (.auth, HealthCheck("smtp session", .fail, "\(result.errorText)\(reply)",
                                         fix: "check email.smtp (url, tls, username) against what the server expects"))
        }
        return lines(failed: failed, password: password) { step in
            switch step {
            case .greeting: return HealthCheck("smtp greeting", .ok, greeting ?? "answered")
            case .tls: return tlsLine()
            case .certificate: return certificateLine()
            case .auth: return authLine(result, password: password, triedLogin: triedLogin)
            }
        }
    }

    /// The line of each step in order, the password line before AUTH: `passed(step)` for the
    /// steps before the failed one, its own line for it, skipped after it.
    private func lines(failed: (step: Step, line: HealthCheck)?, password: HealthCheck, passed: (Step) -> HealthCheck) -> [HealthCheck] {
        let names: [Step: String] = [.greeting: "smtp greeting", .tls: tlsName, .certificate: "smtp certificate", .auth: "smtp AUTH"]
        var lines: [HealthCheck] = []
        for step in [Step.greeting, .tls, .certificate, .auth] {
            if step == .auth { lines.append(password) }
            guard let failed, step >= failed.step else {
                lines.append(passed(step))
                continue
            }
            let reason = failed.line.status == .skip ? failed.line.detail : "\(failed.line.name) failed"
            lines.append(step == failed.step ? failed.line : HealthCheck(names[step]!, .skip, reason))
        }
        return lines
    }

    /// The TLS line of a session that got past TLS.
    private func tlsLine() -> HealthCheck {
        if implicitTLS { return HealthCheck(tlsName, .ok, "TLS from the first byte (smtps://)") }
        if settings.tls == .required { return HealthCheck(tlsName, .ok, "offered and negotiated") }
        return HealthCheck(tlsName, .warn, "tls: none: mail and the password cross the network in clear text",
                           fix: "set email.smtp.tls: required unless the server runs on this host")
    }

    /// The certificate line of a session that got past TLS.
    private func certificateLine() -> HealthCheck {
        guard usesTLS else { return HealthCheck("smtp certificate", .skip, "no TLS") }
        let anchor = settings.caFile.map { "with ca_file \($0)" } ?? "by the system's trusted CAs"
        return HealthCheck("smtp certificate", .ok, "verified for \(ProbeSteps.target(settings.url, defaultPort: 0).host) \(anchor)")
    }

    /// The AUTH line of a session that ended well.
    private func authLine(_ result: CurlHandle.Result, password: HealthCheck, triedLogin: Bool) -> HealthCheck {
        if let username = settings.username {
            return triedLogin ? HealthCheck("smtp AUTH", .ok, "logged in as \"\(username)\"")
                              : HealthCheck("smtp AUTH", .skip, "no password to log in with (\(password.name) failed)")
        }
        if let offer = result.replies.first(where: { $0.dropFirst(4).uppercased().hasPrefix("AUTH") }) {
            return HealthCheck("smtp AUTH", .warn, "the server offers \(offer.dropFirst(4)) but email.smtp has no username",
                               fix: "set email.smtp.username and password_env if the server wants a login")
        }
        return HealthCheck("smtp AUTH", .ok, "no login configured, and the server asks for none")
    }

    /// Where the password comes from, for a fix: `in CRIER_SMTP_PASSWORD`.
    static func source(_ source: SecretSource?) -> String {
        switch source {
        case .environment(let name): return "in \(name)"
        case .file(let path): return "in \(path)"
        case nil: return "(none configured)"
        }
    }
}

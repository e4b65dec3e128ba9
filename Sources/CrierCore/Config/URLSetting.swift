import Yams

/// A URL written in a setting, taken apart far enough to keep secrets out of YAML and off the
/// wire: scheme, user-info, host, query keys.
package struct URLSetting: Sendable, Equatable {
    /// The scheme, lowercased (`smtp`, `https`, `postgresql`).
    package var scheme: String
    /// The user name of the user-info, if any.
    package var user: String?
    /// Whether the user-info holds a password (`user:password@`).
    package var hasPassword: Bool
    /// The host, without brackets around an IPv6 address.
    package var host: String
    /// The query's keys, in order.
    package var queryKeys: [String]

    /// `text` taken apart, or nil when it is not `scheme://...`.
    package init?(_ text: String) {
        guard let separator = text.range(of: "://") else { return nil }
        let scheme = text[..<separator.lowerBound]
        guard let first = scheme.first, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return nil }
        self.scheme = scheme.lowercased()
        var rest = text[separator.upperBound...]
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        // The last `@` before the query ends the user-info, even when a password holds `/`.
        var authority = rest
        if let at = rest.lastIndex(of: "@") {
            let info = rest[..<at]
            if let colon = info.firstIndex(of: ":") {
                user = String(info[..<colon])
                hasPassword = true
            } else {
                user = String(info)
                hasPassword = false
            }
            authority = rest[rest.index(after: at)...]
        } else {
            user = nil
            hasPassword = false
        }
        authority = authority.prefix { $0 != "/" && $0 != "#" }
        var host: Substring
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = authority[authority.index(after: authority.startIndex)..<close]
        } else {
            host = authority.prefix { $0 != ":" }
        }
        // Several hosts (libpq `host1,host2`): the first decides nothing alone; keep them all.
        self.host = String(host).lowercased()
        queryKeys = query.prefix { $0 != "#" }.split(whereSeparator: { $0 == "&" || $0 == ";" })
            .map { String($0.prefix { $0 != "=" }) }
    }

    /// Whether every host named is this machine (`localhost`, `127.0.0.0/8`, `::1`): the only
    /// place credentials may travel without TLS.
    package var isLoopback: Bool {
        let hosts = host.split(separator: ",").map(String.init)
        return !hosts.isEmpty && hosts.allSatisfy { name in
            name == "localhost" || name.hasSuffix(".localhost") || name == "::1"
                || (name.hasPrefix("127.") && name.split(separator: ".").compactMap { UInt8($0) }.count == 4)
        }
    }

    /// The problems of the URL in setting `name` at `node`: a password in its user-info is an
    /// error (it belongs in `password_env` / `password_file`); a query key that looks like a
    /// secret (`?api_key=`) is a warning, since the URL is kept in git (some gateways know no
    /// other way). Not a URL: nothing.
    package static func secretProblems(of node: Node, named name: String, in file: YAMLFile, fix: String) -> [Diagnostic] {
        guard let text = node.scalar?.string, let url = URLSetting(text) else { return [] }
        var problems: [Diagnostic] = []
        if url.hasPassword {
            problems.append(file.error(
                "\"\(name)\" holds a password in its user-info (\(url.user ?? ""):\(Redaction.mask)@): secrets do not belong in YAML kept in git",
                at: node, hint: "Remove \":PASSWORD\" from the URL; \(fix)"))
        }
        for key in url.queryKeys where Redaction.isSecretKey(key) {
            problems.append(file.warning(
                "\"\(name)\" holds a secret in its query, \(key)=\(Redaction.mask), that is kept in git with this file",
                at: node, hint: "Remove it from the URL; \(fix)"))
        }
        return problems
    }
}

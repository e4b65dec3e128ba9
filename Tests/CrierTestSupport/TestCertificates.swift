import Foundation

/// A throwaway CA and a server certificate for 127.0.0.1 / localhost it signed, made with the
/// openssl command-line tool in a temporary folder.
package struct TestCertificates {
    /// The CA certificate (PEM), for `ca_file`.
    package let caFile: String
    /// The server's certificate (PEM).
    package let certFile: String
    /// The server's private key (PEM).
    package let keyFile: String

    /// Makes the CA and the server certificate.
    package init() throws {
        let dir = NSTemporaryDirectory() + "crier-ca-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        caFile = dir + "/ca.pem"
        certFile = dir + "/server.pem"
        keyFile = dir + "/server.key"
        let script = """
            set -e
            cd '\(dir)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=crier test CA' 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=localhost' 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > ext.cnf
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestServerError.didNotStart("openssl") }
    }
}

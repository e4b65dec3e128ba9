import CrierTestSupport
import Foundation
import Testing

/// contrib/install.sh (what `make install PREFIX=...` runs) with the built binary: the binary,
/// the man page, the completions of three shells and the systemd units land under the prefix.
@Suite("install, end to end")
struct InstallEndToEndTests {
    @Test func installPutsEveryFileUnderThePrefix() throws {
        let prefix = NSTemporaryDirectory() + "crier-prefix-\(UUID().uuidString)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [SchemaEndToEndTests.root + "/contrib/install.sh", ConfigRepo.binary, prefix]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(said)")

        let fm = FileManager.default
        #expect(fm.isExecutableFile(atPath: prefix + "/bin/crier"))
        func text(_ path: String) -> String { (try? String(contentsOfFile: prefix + "/" + path, encoding: .utf8)) ?? "" }
        let man = text("share/man/man1/crier.1")
        // man(7) from the fallback, mdoc(7) from ArgumentParser's generate-manual once the build has made it.
        #expect(man.hasPrefix(".TH") || man.contains("\n.TH ") || man.contains("\n.Dt CRIER 1"), "a roff page: \(man.prefix(200))")
        #expect(man.contains("doctor") && man.contains("schema"), "every command is in the page")
        #expect(text("share/bash-completion/completions/crier").contains("doctor"))
        #expect(text("share/zsh/site-functions/_crier").hasPrefix("#compdef crier"))
        #expect(text("share/fish/vendor_completions.d/crier.fish").contains("complete -c 'crier'"))
        let units = ((try? fm.contentsOfDirectory(atPath: SchemaEndToEndTests.root + "/contrib/systemd")) ?? [])
            .filter { $0.hasSuffix(".service") || $0.hasSuffix(".timer") || $0.hasSuffix(".path") }
        for unit in units {
            #expect(fm.fileExists(atPath: prefix + "/lib/systemd/system/" + unit), "\(unit)")
        }
    }
}

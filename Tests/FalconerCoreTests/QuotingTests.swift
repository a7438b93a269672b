import FalconerCore
import Foundation
import TestSupport
import Testing
import YAMLParser

@Suite struct QuotingTests {
    static let hostile = [
        "plain", "with space", "it's", "$(reboot)", "`id`", "a;b|c&d", "-rf", "~root", "new\nline", "tab\there",
        "\u{1B}[31mred", "quote\"d", "back\\slash", "", "ünïcødé", "* glob ?", "null", "true", "0777", "1e3", "- dash",
        "key: value", "# comment", "[list]", "{map}", "a\u{2028}b",
    ]

    @Test("shell quoting survives a real /bin/sh round trip", arguments: hostile)
    func shellRoundTrip(value: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "printf %s " + Quoting.shell(value)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(String(decoding: data, as: UTF8.self) == value)
    }

    @Test("YAML quoting survives libyaml", arguments: hostile)
    func yamlRoundTrip(value: String) throws {
        let documents = try LibYAMLParser().parse("- [\(Quoting.yaml(value)), x]\n", origin: "t")
        #expect(documents.first?.sequence?.first?.sequence?.first?.string == value)
    }

    @Test("Markdown escaping keeps table cells and code spans intact")
    func markdown() {
        #expect(!Quoting.markdownCode("a|b").contains("a|b"))
        #expect(Quoting.markdownCode("x`y") == "``x`y``")
        #expect(Quoting.markdownCode("`start") == "`` `start ``")
        #expect(Quoting.markdown("<script>|*x*") == "\\<script\\>\\|\\*x\\*")
        #expect(Quoting.markdown("# title") == "\\# title")
        #expect(Quoting.markdown("1. item") == "1\\. item")
        #expect(!Quoting.markdown("a\nb").contains("\n"))
        #expect(Quoting.markdownFence("a ``` b").hasPrefix("````"))
    }
}

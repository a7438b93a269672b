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

    /// The byte-level YAML quoting must escape exactly the scalars this straightforward scalar-by-scalar reading
    /// does (C0 and C1 controls, DEL, U+2028, U+2029, the BOM), on the fuzz samples and every hostile value.
    @Test("YAML quoting escapes what a scalar-by-scalar reference escapes, on fuzzed strings")
    func yamlMatchesScalarReference() throws {
        func reference(_ value: String) -> String {
            var out = "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                default:
                    let code = scalar.value
                    if code < 0x20 || code == 0x7F || (0x80..<0xA0).contains(code) || code == 0x2028 || code == 0x2029
                        || code == 0xFEFF
                    {
                        let hex = String(code, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }
        let extra = ["\u{80}x", "a\u{9F}", "\u{A0}", "\u{FEFF}bom", "x\u{2029}", "\u{7F}"]
        for value in JSONWriterTests.samples() + Self.hostile + extra {
            let quoted = Quoting.yaml(value)
            if quoted != value { #expect(quoted == reference(value), "\(value.debugDescription)") }
        }
        for value in extra {
            #expect(
                try LibYAMLParser().parse("- \(Quoting.yaml(value))\n", origin: "t").first?.sequence?.first?.string
                    == value)
        }
    }

    @Test("YAML: plain only for names, paths and short integers; YAML 1.1 words in any case are quoted")
    func yamlPlainChoice() {
        for bare in ["1000", "proc.exepath", "/usr/bin/gdb", "host", "a-b_c.d", "yesman", "nully", "_x"] {
            #expect(Quoting.yaml(bare) == bare, "\(bare)")
        }
        for quoted in ["TRUE", "Yes", "n", "Off", "~", "null", "1e3", "1.5", "12345678901234567890", "-1", "a b", ""] {
            #expect(Quoting.yaml(quoted).hasPrefix("\""), "\(quoted)")
        }
    }

    @Test("a bare shell word is exactly a value shell quoting leaves unchanged")
    func bareShellWord() {
        for value in JSONWriterTests.samples() + Self.hostile + ["-x", "x-", "a=b", "/usr/bin/gdb", "1000", "@%+=:,./"]
        {
            var text = value
            let bare = text.withUTF8 { Quoting.isBareShellWord($0) }
            #expect(bare == (Quoting.shell(value) == value), "\(value.debugDescription)")
        }
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

@Suite struct PlaceholderTests {
    @Test("indexed placeholders are recognised and filled; jsonpath braces are left alone")
    func indexed() {
        let template = Template(
            "bq show {json.value[/resource/labels/dataset_id]} {proc.aname[2]} -o jsonpath='{.spec}'")
        #expect(template.placeholders == ["json.value[/resource/labels/dataset_id]", "proc.aname[2]"])
        let values = ["json.value[/resource/labels/dataset_id]": "sales; rm -rf /", "proc.aname[2]": "bash"]
        let filled = template.fill(style: .shell) { values[$0] }
        #expect(filled == "bq show 'sales; rm -rf /' bash -o jsonpath='{.spec}'")
        #expect(Template("{a[b}").placeholders.isEmpty)
        #expect(Template("{a]}").placeholders.isEmpty)
    }
}

@Suite struct MarkdownEscapingTests {
    /// The escaping rules written the plain way, scalar by scalar: the byte-level `Quoting.markdown` must agree.
    static func reference(_ value: String) -> String {
        var out = ""
        var atStart = true
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "&": out += "\\" + String(scalar)
            case "#" where atStart, "-" where atStart, "+" where atStart, "=" where atStart:
                out += "\\" + String(scalar)
            case "\n", "\r", "\t": out += " "
            default: out += scalar.value < 0x20 || scalar.value == 0x7F ? "\u{FFFD}" : String(scalar)
            }
            atStart = false
        }
        let digits = out.prefix { ("0"..."9").contains($0) }
        let rest = out.dropFirst(digits.count)
        if !digits.isEmpty, rest.hasPrefix(".") || rest.hasPrefix(")") { return digits + "\\" + rest }
        return out
    }

    @Test("byte-level Markdown escaping agrees with the scalar-by-scalar rules on hostile and random text")
    func agrees() {
        for sample in JSONWriterTests.samples() + ["12. x", "3) y", "42", "# h", "-- x", "| a | b |", "`x`", "é1."] {
            #expect(Quoting.markdown(sample) == Self.reference(sample), "\(sample.debugDescription)")
        }
    }
}

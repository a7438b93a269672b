import FalconerCore
import Foundation
import TestSupport
import Testing

/// Truncations and mutations of real-shaped alerts: decoding either succeeds or throws DecodeError, and whatever
/// decodes can be analysed and rendered. Deterministic (a fixed-seed generator), so failures reproduce.
@Suite struct FuzzTests {
    static let fixtures = [
        "ptrace_attached_to_process.json", "attach_exec_pod.json", "gcp_bucket_configured_to_be_public.json",
        "falco_internal_syscall_event_drop.json", "redirect_stdout_stdin_to_network_connection_in_container.json",
    ]

    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func exercise(_ bytes: [UInt8]) {
        let decoder = FalcoAlertDecoder(ruleSources: bundledKnowledge.ruleSources)
        var parser = SwiftAlertDocumentParser()
        do {
            let document = try parser.parse(bytes, origin: "fuzz")
            if case .alert(let alert) = try decoder.decode(document, origin: "fuzz") {
                let analyzer = Analyzer(knowledge: bundledKnowledge)
                let report = analyzer.analyze(alert)
                var out: [UInt8] = []
                JSONReportRenderer().render(report, into: &out)
                let direct = analyzer.analyzeJSON(alert).bytes
                #expect(direct == out, "the direct JSON differs from the rendered report")
                #expect(
                    (try? JSONSerialization.jsonObject(with: Data(out))) != nil,
                    "renderer wrote invalid JSON: \(String(decoding: out, as: UTF8.self).prefix(1500))")
                _ = MarkdownReportRenderer().render(report)
            }
        } catch {
            // DecodeError is the only error type decode can throw: typed throws guarantees it.
            #expect(!error.description.isEmpty)
        }
        // The splitter must also digest anything.
        var splitter = JSONStreamSplitter(maxValueBytes: 4096)
        var events: [JSONStreamSplitter.Event] = []
        bytes.withUnsafeBytes { splitter.feed($0, into: &events) }
        splitter.finish(into: &events)
    }

    @Test("every prefix of every fixture decodes or throws DecodeError", arguments: fixtures)
    func prefixes(name: String) throws {
        let bytes = try fixture(name)
        for length in 0...bytes.count { exercise(Array(bytes[0..<length])) }
    }

    @Test("random byte mutations never crash", arguments: fixtures)
    func mutations(name: String) throws {
        let bytes = try fixture(name)
        var random = SplitMix(state: UInt64(bytes.count))
        let alphabet = Array("{}[]\":,\\ \n0-9.eE+tfnul<NA>\u{0}\u{7F}\u{FF}".utf8)
        for _ in 0..<1500 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<mutated.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: mutated[position] = alphabet.randomElement(using: &random)!
                case 1: mutated.remove(at: position)
                default: mutated.insert(alphabet.randomElement(using: &random)!, at: position)
                }
            }
            exercise(mutated)
        }
    }

    @Test("hostile field values stay inside their JSON strings and Markdown cells")
    func hostileFields() throws {
        var alert = try decodeAlert(try fixture("ptrace_attached_to_process.json"))
        let evil = "x\"}\n| `y` | <script>alert(1)</script> \u{1B}[2J \u{0}"
        alert.fields["proc.cmdline"] = .string(evil)
        alert.rule = evil
        let report = Analyzer(knowledge: bundledKnowledge).analyze(alert)
        var out: [UInt8] = []
        JSONReportRenderer().render(report, into: &out)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
        let fields = (object["alert"] as? [String: Any])?["fields"] as? [String: Any]
        #expect(fields?["proc.cmdline"] as? String == evil)
        let markdown = MarkdownReportRenderer().render(report)
        #expect(markdown.hasPrefix("# Alert analysis: x\"} \\| \\`y\\` \\| \\<script\\>"))
        // Outside code spans and fences (where Markdown shows text literally) no raw tag may appear.
        var outsideCode = ""
        var inFence = false
        for line in markdown.split(separator: "\n") {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                inFence.toggle()
                continue
            }
            if inFence { continue }
            // A code span opens with a run of N backticks and closes with the next run of exactly N.
            let characters = Array(line)
            var index = 0
            var opener = 0
            while index < characters.count {
                let character = characters[index]
                if character == "`" {
                    var run = 0
                    while index < characters.count, characters[index] == "`" {
                        run += 1
                        index += 1
                    }
                    if opener == 0 { opener = run } else if run == opener { opener = 0 }
                    continue
                }
                if opener == 0 {
                    if character == "\\", index + 1 < characters.count {
                        index += 2
                        continue
                    }
                    outsideCode.append(character)
                }
                index += 1
            }
        }
        #expect(!outsideCode.contains("<script>"))
        #expect(!markdown.contains("\u{1B}"))
        for line in markdown.split(separator: "\n") where line.hasPrefix("| Command line") {
            var unescaped = 0
            var previous: Character = " "
            for character in line {
                if character == "|" && previous != "\\" { unescaped += 1 }
                previous = character
            }
            #expect(unescaped == 3, "table row broken: \(line)")
        }
    }
}

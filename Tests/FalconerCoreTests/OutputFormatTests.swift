import FalconerCore
import TestSupport
import Testing
import YAMLParser

@Suite struct OutputFormatTests {
    let format = OutputFormat(
        "Shell in container (user=%user.name cmd=%proc.cmdline ancestor=%proc.aname[2] pct=100% id=%container.id)")

    @Test("a format splits into literals and field references, indexed ones included; a bare % stays literal")
    func parses() {
        #expect(format.segments.first == .literal("Shell in container (user="))
        #expect(format.segments.contains(.field("proc.aname[2]")))
        #expect(format.segments.contains(.literal(" pct=100% id=")))
    }

    @Test("values come back from Falco's text, <NA> is unknown, a trailing field stops at the first space")
    func recovers() throws {
        let output =
            "19:02:41.112233445: Notice Shell in container (user=root cmd=sh -c id; uname -a ancestor=<NA> pct=100% id=3f2a9c1d7e44) extra=1"
        let values = try #require(format.values(in: output))
        #expect(values.map(\.field) == ["user.name", "proc.cmdline", "container.id"])
        #expect(values.map(\.value) == ["root", "sh -c id; uname -a", "3f2a9c1d7e44"])
        #expect(format.values(in: "something else entirely") == nil)
        #expect(OutputFormat("no fields at all").values(in: "no fields at all") == nil)
    }

    @Test("a text-only alert of a --rules rule gets its fields and priority from the rule, with caveats")
    func completesAlert() throws {
        var knowledge = bundledKnowledge
        let yaml = """
            - rule: Shell in container (acme)
              desc: d
              condition: spawned_process
              output: Shell (user=%user.name cmd=%proc.cmdline)
              priority: WARNING
              tags: [T1059]
            """
        var diagnostics: [Diagnostic] = []
        let documents = try LibYAMLParser().parse(yaml, origin: "acme.yaml")
        let rule = try #require(
            RulesFileReader.rules(in: documents, file: "acme.yaml", diagnostics: &diagnostics).first)
        knowledge.rules[rule.name] = rule
        var alert = Alert(rule: rule.name, priority: nil, source: "syscall", origin: "t")
        alert.output = "19:02:41.1: Warning Shell (user=root cmd=bash -i)"
        let report = Analyzer(knowledge: knowledge).analyze(alert)
        #expect(report.alert["user.name"] == "root")
        #expect(report.alert["proc.cmdline"] == "bash -i")
        #expect(report.alert.priority == .warning)
        #expect(report.caveats.contains { $0.contains("read from its output text") && $0.contains("acme.yaml") })
        #expect(report.caveats.contains { $0.contains("the rule's priority Warning") })
    }
}

import FalconerCore
import TestSupport
import Testing

/// Golden incident reports for a hand-written scenario (Fixtures/incident_attack_chain.jsonl): a kubectl exec joined
/// to its pod's shell, a credential read repeated, a reverse shell, an unrelated container on the same host, the same
/// container id on another host and a human login session on the host; plus a storm of one rule and workload.
@Suite struct IncidentGoldenTests {
    func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    func incidents(storm: Bool) throws -> [IncidentView] {
        var knowledge = bundledKnowledge
        knowledge.version = "test"
        let analyzer = Analyzer(knowledge: knowledge)
        var reports: [Report] = []
        for (index, line) in try fixtureLines("incident_attack_chain.jsonl").enumerated() {
            reports.append(analyzer.analyze(try decodeAlert(line, origin: "incident_attack_chain.jsonl:\(index + 1)")))
        }
        if storm {
            // 120 shells in three pods of one deployment within ten minutes, as a noisy readiness probe would raise.
            for index in 0..<120 {
                let seconds = 100 + index * 5
                let pod = "api-\(index % 3)"
                let line = """
                    {"hostname":"node-c","rule":"Terminal shell in container","priority":"Notice","source":"syscall",\
                    "time":"2026-12-03T23:\(pad(15 + seconds / 60)):\(pad(seconds % 60)).000000000Z",\
                    "tags":["T1059","mitre_execution"],"output_fields":{"container.id":"c0ffee00000\(index % 3)",\
                    "container.image.repository":"registry.example.com/shop/api","k8s.ns.name":"shop","k8s.pod.name":"\(pod)",\
                    "proc.name":"sh","proc.exepath":"/bin/sh","proc.cmdline":"sh -c healthcheck","proc.tty":34816,\
                    "user.name":"root","user.uid":0,"user.loginuid":-1}}
                    """
                reports.append(analyzer.analyze(try decodeAlert(Array(line.utf8), origin: "storm:\(index + 1)")))
            }
        }
        var correlator = Correlator()
        var closed: [Incident] = []
        for report in reports { closed += correlator.receive(report) }
        closed += correlator.finish()
        return closed.map { IncidentView($0, attack: knowledge.attack) }
    }

    @Test("the scenario's incident reports match their golden files")
    func golden() throws {
        let views = try incidents(storm: false)
        #expect(views.count == 4)
        expectGolden(
            views.map { MarkdownIncidentRenderer().render($0) }.joined(separator: "\n"),
            named: "incidents_attack_chain.md")
        var json: [UInt8] = []
        for view in views { JSONIncidentRenderer().render(view, into: &json) }
        expectGolden(String(decoding: json, as: UTF8.self), named: "incidents_attack_chain.json")
    }

    @Test("a storm becomes one summarised incident beside the scenario's, and the scenario is unchanged")
    func storm() throws {
        let plain = try incidents(storm: false)
        let views = try incidents(storm: true)
        #expect(views.count == plain.count + 1)
        let storm = try #require(views.first { !$0.incident.storms.isEmpty })
        #expect(storm.incident.alertCount == 120)
        #expect(storm.incident.storms.first?.summary.hasPrefix("Terminal shell in container x") == true)
        #expect(storm.incident.storms.first?.summary.contains("from 3 pods of shop/api") == true)
        #expect(views.filter { $0.incident.storms.isEmpty }.map(\.incident.id) == plain.map(\.incident.id))
        var json: [UInt8] = []
        JSONIncidentRenderer().render(storm, into: &json)
        expectGolden(String(decoding: json, as: UTF8.self), named: "incidents_storm.json")
    }
}

import FalconerCore
import TestSupport
import Testing

@Suite struct CorrelatorTests {
    static let start: Int64 = 1_796_324_400_000_000_000
    let analyzer = Analyzer(knowledge: bundledKnowledge)

    func report(
        _ rule: String, at seconds: Int64, host: String = "node-a", tags: [String] = [], source: String = "syscall",
        _ fields: [String: String]
    ) -> Report {
        var values: [String: FieldValue] = [:]
        for (key, value) in fields { values[key] = Int64(value) != nil ? .number(value) : .string(value) }
        var alert = Alert(rule: rule, priority: .warning, source: source, origin: "test", fields: values)
        alert.hostname = host
        alert.tags = tags
        alert.time = EventTime(nanoseconds: Self.start + seconds * 1_000_000_000)
        alert.timeText = RFC3339.format(alert.time!, fraction: true)
        return analyzer.analyze(alert)
    }

    func container(_ id: String, ns: String = "shop", pod: String, image: String = "registry.example.com/shop/web")
        -> [String: String]
    {
        [
            "container.id": id, "container.name": "web", "k8s.ns.name": ns, "k8s.pod.name": pod,
            "container.image.repository": image,
        ]
    }

    func run(_ reports: [Report], settings: IncidentSettings = IncidentSettings()) -> [Incident] {
        var correlator = Correlator(settings: settings)
        var closed: [Incident] = []
        for report in reports { closed += correlator.receive(report) }
        return closed + correlator.finish()
    }

    func incident(containing rule: String, at seconds: Int64, in incidents: [Incident]) -> Incident? {
        let time = Self.start + seconds * 1_000_000_000
        return incidents.first {
            $0.members.contains { $0.report.alert.rule == rule && $0.firstSeen?.nanoseconds == time }
        }
    }

    @Test("an attack chain in one container stays together while other containers' alerts stay apart")
    func attackChain() throws {
        let a = container("aaaaaaaaaaaa", pod: "web-1")
        let reports = [
            report(
                "Terminal shell in container", at: 0, tags: ["T1059", "mitre_execution"],
                a.merging(["proc.name": "bash", "proc.pid": "100"]) { $1 }),
            report(
                "Terminal shell in container", at: 5, tags: ["T1059", "mitre_execution"],
                container("bbbbbbbbbbbb", pod: "web-2")),
            report(
                "Read sensitive file untrusted", at: 10, tags: ["T1555", "mitre_credential_access"],
                a.merging(["fd.name": "/etc/shadow", "proc.name": "cat", "proc.ppid": "100"]) { $1 }),
            report(
                "Read sensitive file untrusted", at: 15, tags: ["T1555", "mitre_credential_access"],
                container("cccccccccccc", ns: "db", pod: "pg-0", image: "postgres")),
            report(
                "Unexpected outbound connection destination", at: 20, tags: ["mitre_exfiltration"],
                a.merging(["fd.name": "10.0.0.5:4000->203.0.113.5:4444", "proc.name": "nc"]) { $1 }),
        ]
        let incidents = run(reports)
        #expect(incidents.count == 3)
        let chain = try #require(incident(containing: "Terminal shell in container", at: 0, in: incidents))
        #expect(chain.members.count == 3)
        #expect(
            chain.members.map(\.reason) == [
                "first alert", "same container aaaaaaaaaaaa on node-a", "same container aaaaaaaaaaaa on node-a",
            ])
        let view = IncidentView(chain, attack: bundledKnowledge.attack)
        #expect(Array(view.tactics.prefix(2)) == ["execution", "credential-access"])
        #expect(view.tactics.last == "exfiltration")
        let order = view.tactics.compactMap { bundledKnowledge.attack.order(ofTactic: $0) }
        #expect(order == order.sorted() && order.count == view.tactics.count)
        #expect(view.score > chain.members.map(\.report.verdict.riskScore).max()!)
        #expect(view.narrative.contains("; then cat in container web: Read sensitive file untrusted (/etc/shadow)"))
        #expect(view.narrative.contains("(203.0.113.5:4444)"))
    }

    @Test("two login sessions on one host are two incidents; a session's alerts join")
    func loginSessions() {
        func host(_ login: String, _ tty: String) -> [String: String] {
            ["container.id": "host", "user.loginuid": login, "proc.tty": tty, "user.name": "root", "proc.name": "vi"]
        }
        let incidents = run([
            report("Write below etc", at: 0, host("1000", "34817")),
            report("Write below etc", at: 1, host("1001", "34818")),
            report("Read sensitive file untrusted", at: 2, host("1000", "34817")),
        ])
        #expect(incidents.count == 2)
        let first = incidents.first { $0.members.count == 2 }
        #expect(first?.members.last?.reason == "same login session (login uid 1000, tty 34817) on node-a")
    }

    @Test("the same container id and name on another host is another incident")
    func sameContainerOtherHost() {
        let incidents = run([
            report(
                "Terminal shell in container", at: 0, host: "node-a",
                ["container.id": "abcabcabcabc", "container.name": "web"]),
            report(
                "Terminal shell in container", at: 1, host: "node-b",
                ["container.id": "abcabcabcabc", "container.name": "web"]),
        ])
        #expect(incidents.count == 2)
    }

    @Test("values meaning unknown or shared never join alerts")
    func noJoinOnUnknown() {
        let shared = ["container.id": "host", "user.loginuid": "-1", "proc.tty": "0", "proc.name": "x"]
        let incidents = run([
            report("Write below etc", at: 0, shared.merging(["fd.name": "/etc/a"]) { $1 }),
            report("Write below etc", at: 1, shared.merging(["fd.name": "/etc/b"]) { $1 }),
            report(
                "Disallowed K8s User", at: 2, source: "k8s_audit",
                ["ka.user.name": "system:anonymous", "ka.verb": "get"]),
            report(
                "Disallowed K8s User", at: 3, source: "k8s_audit",
                ["ka.user.name": "system:anonymous", "ka.verb": "list"]),
        ])
        #expect(incidents.count == 4)
    }

    @Test("an audit exec joins the syscall alerts of the pod it targets, and attribution comes from it")
    func auditExecJoinsPod() throws {
        let incidents = run([
            report(
                "Attach/Exec Pod", at: 0, host: "audit", source: "k8s_audit",
                [
                    "ka.user.name": "alice@example.com", "ka.target.namespace": "shop", "ka.target.name": "web-1",
                    "ka.target.resource": "pods", "ka.target.subresource": "exec", "ka.uri.param[command]": "bash",
                ]),
            report(
                "Terminal shell in container", at: 2,
                container("aaaaaaaaaaaa", pod: "web-1").merging(["proc.name": "bash"]) { $1 }),
            report(
                "Read sensitive file untrusted", at: 9,
                container("aaaaaaaaaaaa", pod: "web-1").merging(["proc.name": "cat", "fd.name": "/etc/shadow"]) { $1 }),
        ])
        #expect(incidents.count == 1)
        let view = IncidentView(try #require(incidents.first), attack: bundledKnowledge.attack)
        #expect(
            view.narrative.hasPrefix(
                "alice@example.com exec'd into pod shop/web-1 (command bash); then bash in container web"))
        #expect(view.timeline[1].reason == "same pod shop/web-1")
    }

    @Test("exact repeats collapse into one entry with a count, first and last seen")
    func deduplication() throws {
        let reports = (0..<5).map { index in
            report(
                "Terminal shell in container", at: Int64(index * 30),
                container("aaaaaaaaaaaa", pod: "web-1").merging(["proc.name": "sh", "proc.pid": "\(1000 + index)"]) {
                    $1
                })
        }
        let incidents = run(reports)
        #expect(incidents.count == 1)
        let member = try #require(incidents.first?.members.first)
        #expect(incidents.first?.members.count == 1)
        #expect(member.count == 5)
        #expect(member.lastSeen!.nanoseconds - member.firstSeen!.nanoseconds == 120_000_000_000)
    }

    @Test("a storm of one rule and workload becomes one summary, not hundreds of incidents")
    func storm() throws {
        var reports: [Report] = []
        for index in 0..<1240 {
            let pod = "web-\(index % 3)"
            let id = "c0ffee00000\(index % 3)"
            reports.append(
                report(
                    "Terminal shell in container", at: Int64(index / 3),
                    container(id, pod: pod).merging(["proc.name": "sh", "proc.cmdline": "sh -c probe \(index)"]) { $1 })
            )
        }
        reports.append(
            report(
                "Read sensitive file untrusted", at: 100,
                container("c0ffee000001", pod: "web-1").merging(["fd.name": "/etc/shadow", "proc.name": "cat"]) { $1 }))
        let incidents = run(reports)
        #expect(incidents.count == 1)
        let storm = try #require(incidents.first?.storms.first)
        #expect(storm.count == 1240)
        #expect(storm.pods.count == 3)
        #expect(storm.summary == "Terminal shell in container x1,240 from 3 pods of shop/web in 6 min")
        #expect(incidents.first?.members.contains { $0.report.alert.rule == "Read sensitive file untrusted" } == true)
        #expect(incidents.first!.members.count < 10)
    }

    @Test("the idle window closes incidents by event time; a late alert inside the window still joins")
    func windows() {
        var settings = IncidentSettings()
        settings.idleWindowSeconds = 60
        let c = container("aaaaaaaaaaaa", pod: "web-1")
        let incidents = run(
            [
                report("Terminal shell in container", at: 0, c),
                report("Read sensitive file untrusted", at: 50, c.merging(["fd.name": "/etc/shadow"]) { $1 }),
                report("Write below etc", at: 30, c.merging(["fd.name": "/etc/x"]) { $1 }),
                report("Write below etc", at: 500, c.merging(["fd.name": "/etc/y"]) { $1 }),
            ], settings: settings)
        #expect(incidents.map(\.members.count) == [3, 1])
    }

    @Test("a replay of the same input gives the same incident ids")
    func stableIDs() {
        let inputs = [
            report("Terminal shell in container", at: 0, container("aaaaaaaaaaaa", pod: "web-1")),
            report("Terminal shell in container", at: 3, container("bbbbbbbbbbbb", pod: "web-2")),
        ]
        #expect(run(inputs).map(\.id) == run(inputs).map(\.id))
        #expect(run(inputs).allSatisfy { $0.id.hasPrefix("inc-") && $0.id.count == 16 })
    }

    @Test("open incidents stay bounded: old ones close as event time moves on")
    func boundedMemory() {
        var correlator = Correlator(settings: IncidentSettings())
        var closed = 0
        for index in 0..<5000 {
            let id = String(repeating: "0", count: 12 - String(index).count) + String(index)
            closed +=
                correlator.receive(report("Terminal shell in container", at: Int64(index * 10), ["container.id": id]))
                .count
        }
        #expect(correlator.openCount < 200)
        #expect(closed + correlator.finish().count == 5000)
    }

    @Test("a workload that storms all day does not keep one incident open: each lasts at most the maximum span")
    func stormsEnd() {
        var settings = IncidentSettings()
        settings.maxSpanSeconds = 3600
        var correlator = Correlator(settings: settings)
        var closed: [Incident] = []
        var oldest: Int64 = 0
        // One probe shell every 5 s from the same deployment for 12 hours.
        for index in 0..<8640 {
            let pod = "api-\(index % 3)"
            let alert = report(
                "Terminal shell in container", at: Int64(index * 5),
                container("c0ffee00000\(index % 3)", pod: pod, image: "registry.example.com/shop/api"))
            closed += correlator.receive(alert)
            oldest = max(oldest, correlator.footprint["oldest_age_s"] ?? 0)
        }
        // At most the span, plus a storm window that began just before it ended, plus the idle window and a sweep.
        #expect(oldest <= 3600 + 900 + 900 + 10)
        closed += correlator.finish()
        #expect(closed.count >= 11)
        #expect(closed.allSatisfy { $0.storms.count <= 5 })
        #expect(closed.reduce(0) { $0 + $1.alertCount } == 8640)
    }

    @Test("dropped-event telemetry becomes a caveat of incidents on the same host and time")
    func telemetryCaveat() {
        var correlator = Correlator()
        correlator.receive(
            Telemetry(
                kind: .syscallEventDrop, rule: "Falco internal: syscall event drop", hostname: "node-a", timeText: "t",
                time: EventTime(nanoseconds: Self.start + 5_000_000_000), counters: [("n_drops", "12")], isCaveat: true,
                origin: "t"))
        _ = correlator.receive(report("Terminal shell in container", at: 0, container("aaaaaaaaaaaa", pod: "web-1")))
        _ = correlator.receive(
            report("Terminal shell in container", at: 1, host: "node-b", container("bbbbbbbbbbbb", pod: "web-2")))
        let incidents = correlator.finish()
        #expect(incidents.first { $0.members[0].report.alert.hostname == "node-a" }?.caveats.count == 1)
        #expect(incidents.first { $0.members[0].report.alert.hostname == "node-b" }?.caveats.isEmpty == true)
    }

    /// The correlator compares fingerprints by two hashes made while the fingerprint is built; they must be the hashes
    /// of the documented fingerprint text, so repeats collapse and ids stay what they were.
    @Test("fingerprint keys are the hashes of the fingerprint text, equal for repeats and apart otherwise")
    func fingerprintKeys() {
        let shell = report("Terminal shell in container", at: 0, container("c1", pod: "web-1"))
        let again = report("Terminal shell in container", at: 5, container("c1", pod: "web-1"))
        let other = report("Terminal shell in container", at: 5, container("c2", pod: "web-1"))
        for alert in [shell.alert, other.alert] {
            var fnv = FNV1a()
            fnv.add(Fingerprint.of(alert))
            var seeded = Hasher()
            var text = Fingerprint.of(alert)
            text.withUTF8 { seeded.combine(bytes: UnsafeRawBufferPointer($0)) }
            let key = Fingerprint.key(of: alert)
            #expect(key.stable.value == fnv.value && key.seeded == seeded.finalize())
        }
        #expect(Fingerprint.key(of: shell.alert) == Fingerprint.key(of: again.alert))
        #expect(Fingerprint.key(of: shell.alert) != Fingerprint.key(of: other.alert))
    }
}

import FalconerCore
import TestSupport
import Testing
import YAMLParser

@Suite struct AnalyzerTests {
    let analyzer = Analyzer(knowledge: bundledKnowledge)

    func report(_ name: String) throws -> Report {
        analyzer.analyze(try decodeAlert(try fixture(name), origin: name))
    }

    @Test(
        "the seed's alert: interactive root debugging on the host reads as benign or for review, with the target named")
    func seed() throws {
        let report = try report("ptrace_attached_to_process.json")
        #expect([.likelyBenign, .needsReview].contains(report.verdict.assessment))
        #expect(report.entities.target.kind == .process)
        #expect(report.entities.target.pid == 4232)
        #expect(report.entities.target.source == "parsed from proc.cmdline")
        #expect(report.entities.isHost == true && report.entities.container == nil)
        #expect(report.entities.user?.attribution?.contains("Login uid 1000") == true)
        #expect(report.investigation.contains { $0.command == "ps -o pid,user,lstart,args -p 4232" })
        #expect(report.investigation.contains { $0.command == "getent passwd 1000" })
        #expect(report.attack.first?.id == "T1055.008")
        #expect(report.attack.first?.fullName == "Process Injection: Ptrace System Calls")
        #expect(report.attack.first?.tactics == ["privilege-escalation", "defense-evasion"])
        let ptraceScope = report.mitigations.filter { $0.title.string.contains("Yama scope 1") }
        #expect(
            ptraceScope.first?.reach.string.contains("Root and any process with CAP_SYS_PTRACE are not affected")
                == true)
        #expect(report.mitigations.allSatisfy { !$0.isDisruptive || $0.undo != nil })
        let exception = try #require(report.tuning.exceptionYAML)
        #expect(exception.contains("fields: [proc.exepath, user.loginuid, proc.tty, container.id]"))
        #expect(exception.contains("- [/usr/bin/gdb, 1000, 0, host]"))
        let documents = try LibYAMLParser().parse(exception, origin: "seed")
        #expect(TuningValidator(knowledge: bundledKnowledge).validate(documents, origin: "seed").isEmpty)
    }

    @Test(
        "the seed's twin: same ptrace inside a container, no TTY, parent not a shell, reads as suspicious or malicious")
    func twin() throws {
        let report = try report("ptrace_attached_to_process_twin.json")
        #expect([.suspicious, .malicious].contains(report.verdict.assessment))
        #expect(report.entities.target.pid == 911)
        #expect(report.entities.container?.image == "registry.example.com/shop/billing:2.4.1")
        #expect(report.tuning.notes.hasPrefix("This alert looks"))
    }

    @Test("host-only steps are dropped in a container, where the target pid is the container's own")
    func containerScopedSteps() throws {
        let host = try report("ptrace_attached_to_process.json")
        #expect(host.investigation.contains { $0.command == "readlink /proc/4232/exe" })
        #expect(host.investigation.contains { $0.command.hasPrefix("journalctl _COMM=sudo") })
        #expect(!host.investigation.contains { $0.command.hasPrefix("crictl") })
        let twin = try report("ptrace_attached_to_process_twin.json")
        #expect(!twin.investigation.contains { $0.command.contains("/proc/911/exe") || $0.command.hasSuffix("-p 911") })
        #expect(!twin.investigation.contains { $0.command.hasPrefix("journalctl _COMM=sudo") })
        #expect(twin.investigation.contains { $0.command == "crictl exec 5d1c0a7e9f21 cat /proc/911/status" })
        #expect(twin.investigation.count >= 3)
        #expect(twin.caveats.contains { $0.contains("pid 911 is as seen inside the container's pid namespace") })
        #expect(!host.caveats.contains { $0.contains("pid namespace") })
    }

    @Test(
        "the correlator's light analysis agrees with the full one on verdict, entities and ATT&CK",
        arguments: GoldenReportTests.fixtures)
    func lightAnalysisAgrees(name: String) throws {
        let alert = try decodeAlert(try fixture("\(name).json"), origin: name)
        let full = analyzer.analyze(alert)
        let light = analyzer.analyzeForCorrelation(alert)
        #expect(light.verdict == full.verdict)
        #expect(
            light.attack.map(\.id) == full.attack.map(\.id) && light.attack.map(\.tactics) == full.attack.map(\.tactics)
        )
        #expect(light.entities.target == full.entities.target)
        #expect(light.entities.actor?.name == full.entities.actor?.name)
        #expect(light.alert.rule == full.alert.rule && light.alert.fieldOrder == full.alert.fieldOrder)
        #expect(light.investigation.isEmpty && light.mitigations.isEmpty && light.tuning.exceptionYAML == nil)
    }

    @Test("every reason adds up to the score, clamped to 0...100")
    func scoreIsExplained() throws {
        for name in ["ptrace_attached_to_process.json", "ptrace_attached_to_process_twin.json", "attach_exec_pod.json"]
        {
            let verdict = try report(name).verdict
            let sum = verdict.reasons.reduce(0) { $0 + $1.weight }
            #expect(verdict.riskScore == min(100, max(0, sum)))
        }
    }

    @Test("a rule without a playbook still gets a useful generic report, and invalid tags are flagged, not shown")
    func unknownRule() throws {
        let report = try report("custom_rule_without_playbook.json")
        #expect(report.playbook == nil)
        #expect(report.attack.map(\.id) == ["T1105"])
        #expect(report.caveats.contains { $0.contains("T9999") })
        #expect(report.investigation.contains { $0.command == "ps -o pid,ppid,user,lstart,args -p 31337" })
        #expect(report.mitigations.contains { $0.commands == ["kill -STOP 31337"] })
        #expect(report.tuning.exceptionYAML?.contains("[/usr/bin/dash, www-data, host]") == true)
    }

    @Test("steps whose values the alert lacks are skipped, never printed with a hole")
    func noHoles() throws {
        for name in [
            "terminal_shell_in_container.json", "contact_k8s_api_server_from_container.json",
            "user_has_been_locked_out_in_okta.json",
        ] {
            let report = try report(name)
            #expect(report.investigation.count >= 1, "\(name)")
            for step in report.investigation {
                #expect(Placeholders.names(in: step.command).isEmpty, "\(name): \(step.command)")
            }
        }
    }

    @Test("attacker-controlled values are shell-quoted in commands")
    func hostileValues() throws {
        var alert = try decodeAlert(try fixture("custom_rule_without_playbook.json"))
        alert.fields["proc.pid"] = .string("1; rm -rf / #")
        alert.fields["proc.ppid"] = .string("$(reboot)")
        let report = analyzer.analyze(alert)
        #expect(report.investigation.contains { $0.command == "ps -o pid,ppid,user,lstart,args -p '1; rm -rf / #'" })
        #expect(report.investigation.contains { $0.command == "ps -o pid,ppid,user,lstart,args -p '$(reboot)'" })
    }

    @Test(
        "tracer command lines name their target",
        arguments: [
            ("gdb -p 4232", 4232), ("gdb --pid=77", 77), ("gdb --pid 78", 78), ("/usr/bin/gdb /usr/sbin/sshd 812", 812),
            ("strace -f -p 99", 99), ("strace -p99", 99), ("ltrace -p 5", 5), ("strace --attach=6", 6),
        ] as [(String, Int64)])
    func tracedPID(cmdline: String, pid: Int64) {
        #expect(Target.tracedPID(inCommandLine: cmdline) == pid)
    }

    @Test(
        "commands that name no target give none", arguments: ["gdb ./a.out", "strace ls -l 5", "gdb -p abc", "gdb", ""])
    func noTracedPID(cmdline: String) {
        #expect(Target.tracedPID(inCommandLine: cmdline) == nil)
    }

    @Test("the byte-level tracer parser agrees with a word-splitting reference on generated command lines")
    func tracedPIDMatchesReference() {
        let vocabulary = [
            "gdb", "/usr/bin/gdb", "strace", "ltrace", "gdb/", "/", "-p", "--pid", "--attach", "--pid=12", "--attach=7",
            "-p9", "-p0", "-pabc", "+5", "-5", "0", "4294967295", "4294967296", "123", "--args", "-f", "prog",
            "./a.out",
            "99999999999999999999", "--pid=", "é", "\t", "",
        ]
        var generator = FuzzTests.SplitMix(state: 42)
        for _ in 0..<5000 {
            let count = Int(generator.next() % 7)
            let words = (0..<count).map { _ in vocabulary[Int(generator.next() % UInt64(vocabulary.count))] }
            let separator = generator.next() % 3 == 0 ? "\t " : " "
            let cmdline = words.joined(separator: separator)
            #expect(Target.tracedPID(inCommandLine: cmdline) == Self.referenceTracedPID(cmdline), "\(cmdline)")
        }
    }

    /// The parser as it was first written, splitting the command line into Strings: the reference for the one above.
    static func referenceTracedPID(_ cmdline: String) -> Int64? {
        func positivePID(_ text: String) -> Int64? {
            guard let value = Int64(text), value > 0, value < 1 << 32 else { return nil }
            return value
        }
        let words = cmdline.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { return nil }
        let program = first.split(separator: "/").last.map(String.init) ?? first
        var index = 1
        var positional: [String] = []
        while index < words.count {
            let word = words[index]
            if word == "-p" || word == "--pid" || word == "--attach" {
                if index + 1 < words.count, let pid = positivePID(words[index + 1]) { return pid }
                index += 2
                continue
            }
            for prefix in ["--pid=", "--attach=", "-p"] where word.hasPrefix(prefix) && word.count > prefix.count {
                if let pid = positivePID(String(word.dropFirst(prefix.count))) { return pid }
            }
            if word == "--args" { break }
            if !word.hasPrefix("-") { positional.append(word) }
            index += 1
        }
        if program == "gdb", positional.count >= 2, let pid = positivePID(positional[1]) { return pid }
        return nil
    }

    @Test("the byte-level connection parser agrees with a String reference on generated names")
    func remoteEndMatchesReference() {
        let pieces = ["-", ">", "->", ":", "[", "]", "1", "443", "10.0.0.5", "::1", "a", "é", "٣", " ", "/tmp/x"]
        var generator = FuzzTests.SplitMix(state: 99)
        for _ in 0..<5000 {
            let name = (0..<Int(generator.next() % 8)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
                .joined()
            for inbound in [false, true] {
                let got = Target.remoteEnd(ofConnection: name, inbound: inbound)
                let expected = Self.referenceRemoteEnd(name, inbound: inbound)
                #expect(got?.ip == expected?.ip && got?.port == expected?.port, "\(name) inbound: \(inbound)")
            }
        }
    }

    /// The parser as it was first written, on Strings: the reference for the one above.
    static func referenceRemoteEnd(_ name: String, inbound: Bool) -> (ip: String, port: String?)? {
        guard let arrow = name.firstRange(of: "->") else { return nil }
        let remote = inbound ? name[..<arrow.lowerBound] : name[arrow.upperBound...]
        guard let colon = remote.lastIndex(of: ":") else { return nil }
        var ip = String(remote[..<colon])
        let port = String(remote[remote.index(after: colon)...])
        if ip.hasPrefix("["), ip.hasSuffix("]") { ip = String(ip.dropFirst().dropLast()) }
        guard !ip.isEmpty, port.allSatisfy({ $0.isNumber }) else { return nil }
        return (ip, port.isEmpty ? nil : port)
    }

    @Test("connection tuples give the remote end")
    func remoteEnd() {
        #expect(Target.remoteEnd(ofConnection: "172.17.0.9:43812->10.96.0.1:443")! == ("10.96.0.1", "443"))
        #expect(Target.remoteEnd(ofConnection: "[::1]:5000->[2001:db8::1]:22")! == ("2001:db8::1", "22"))
        #expect(Target.remoteEnd(ofConnection: "/etc/passwd") == nil)
        // An accepted connection's peer is the client, on the left of the arrow.
        #expect(
            Target.remoteEnd(ofConnection: "203.0.113.9:51000->10.0.0.5:22", inbound: true)! == ("203.0.113.9", "51000")
        )
        var accepted = Alert(rule: "r", priority: .notice, source: "syscall", origin: "t")
        accepted.fields = ["evt.type": .string("accept4"), "fd.name": .string("203.0.113.9:51000->10.0.0.5:22")]
        let target = Target.resolve(accepted, spec: nil)
        #expect(target.ip == "203.0.113.9" && target.port == "51000")
    }

    @Test("technique ids are read from Falco tags, with or without a text suffix")
    func techniqueTags() {
        #expect(Analyzer.techniqueID(inTag: "T1055.008") == "T1055.008")
        #expect(Analyzer.techniqueID(inTag: "T1562-impair-defenses") == "T1562")
        #expect(Analyzer.techniqueID(inTag: "TA0005-defense-evasion") == nil)
        #expect(Analyzer.techniqueID(inTag: "T12") == nil)
        #expect(Analyzer.techniqueID(inTag: "T1059x") == nil)
    }
}

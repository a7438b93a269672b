import Foundation
import TestSupport
import Testing

/// The `falconer` binary driven as a user drives it: arguments, standard input, files, exit codes.
@Suite("falconer end to end", .serialized)
struct EndToEndTests {
    private let valid =
        #"{"rule":"Terminal shell in container","priority":"Notice","time":"2026-12-03T10:00:00.000000001Z","source":"syscall","hostname":"node-a","output_fields":{"container.id":"3f2a9c1b7d4e","container.image.repository":"shop/web","proc.name":"bash","proc.exepath":"/bin/bash","user.name":"root","user.uid":0,"proc.tty":34816}}"#
    private let debug =
        #"{"rule":"Some debug rule","priority":"Debug","time":"2026-12-03T10:00:01Z","output_fields":{"proc.name":"ls"}}"#
    private let drop =
        #"{"rule":"Falco internal: syscall event drop","priority":"Debug","time":"2026-12-03T10:00:02Z","source":"internal","hostname":"node-1","output_fields":{"n_drops":12,"n_evts":4000}}"#

    // MARK: - Help

    @Test(
        "help texts read like man pages and stay as reviewed",
        arguments: [
            (["--help"], "help.txt"), (["analyze", "--help"], "analyze-help.txt"), (["kb", "--help"], "kb-help.txt"),
        ])
    func helpSnapshots(arguments: [String], golden: String) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.code == 0)
        #expect(result.stderr.isEmpty)
        expectGolden(result.stdout, named: golden)
        for line in result.stdout.split(separator: "\n") {
            #expect(line.count <= 110, "help line too long for a terminal: \(line)")
        }
    }

    // MARK: - Exit codes

    @Test(
        "usage errors exit 64 and say what is wrong",
        arguments: [
            ["analyze", "--bogus"], ["analyze", "--format", "xml"], ["analyze", "--min-priority", "loud"],
            ["analyze", "--jobs", "0"], ["frobnicate"], [],
        ])
    func usageErrors(arguments: [String]) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.code == 64)
        if !arguments.isEmpty { #expect(result.stderr.contains("falconer:")) }
    }

    @Test("a missing input file exits 66 and names the file")
    func missingFile() throws {
        let result = try CommandRunner.run(["analyze", "--no-default-rules", "/nonexistent/alerts.json"])
        #expect(result.code == 66)
        #expect(result.stderr.contains("/nonexistent/alerts.json"))
    }

    @Test("malformed values are reported as FILE:LINE, the rest is analysed, exit 65")
    func malformedInput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let text = ["Events detected: 3", valid, #"{"rule": broken"#, "", valid, #"["not", "an", "alert"]"#].joined(
            separator: "\n")
        let file = try directory.file("mixed.json", text)
        let result = try CommandRunner.run(["analyze", "--no-default-rules", "--format", "json", file.path])
        #expect(result.code == 65)
        #expect(result.stderr.contains("\(file.path):3: "))
        #expect(result.stdoutLines.count == 2)
        #expect(result.stderr.contains("2 alert(s) analysed"))
        #expect(result.stderr.contains("1 status line(s) skipped"))
        for line in result.stdoutLines { #expect(try jsonObject(line)["schema"] as? String == "falconer.report/v1") }
    }

    @Test("status lines alone are not errors: exit 0")
    func statusLinesOnly() throws {
        let input =
            "Falco initialized with configuration files:\n\(valid)\nEvents detected: 1\nRule counts by severity:\n"
        let result = try CommandRunner.run(["analyze", "--no-default-rules", "--format", "json"], stdin: input)
        #expect(result.code == 0)
        #expect(result.stdoutLines.count == 1)
        #expect(result.stderr.contains("status line(s) skipped"))
    }

    @Test("a value over --max-value-size is rejected with a clear error, the next one is analysed")
    func sizeLimit() throws {
        let big =
            #"{"rule":"Big","priority":"Notice","time":"2026-12-03T10:00:00Z","output":""#
            + String(repeating: "A", count: 5000) + #""}"#
        let result = try CommandRunner.run(
            ["analyze", "--no-default-rules", "--format", "json", "--max-value-size", "1000", "-"],
            stdin: big + "\n" + valid + "\n")
        #expect(result.code == 65)
        #expect(result.stderr.contains("<stdin>:1: ") || result.stderr.contains("-:1: "))
        #expect(result.stdoutLines.count == 1)
    }

    // MARK: - Input and output

    @Test("stdin, '-' and files give the same reports")
    func stdinAndFiles() throws {
        let examples = repositoryRoot().appending(path: "examples/alerts.jsonl").path
        let fromFile = try CommandRunner.run(["analyze", "--no-default-rules", "--format", "json", examples])
        let text = try String(contentsOfFile: examples, encoding: .utf8)
        let fromStdin = try CommandRunner.run(["analyze", "--no-default-rules", "--format", "json"], stdin: text)
        let fromDash = try CommandRunner.run(["analyze", "--no-default-rules", "--format", "json", "-"], stdin: text)
        #expect(fromFile.code == 0)
        #expect(fromFile.stdoutLines.count >= 8)
        // Origins differ (file name vs <stdin>); everything else is identical.
        let strip = { (s: String) in s.replacing(/"origin":"[^"]*"/, with: "") }
        #expect(strip(fromFile.stdout) == strip(fromStdin.stdout))
        #expect(fromStdin.stdout == fromDash.stdout)
    }

    @Test("the bundled examples: seven reports and one telemetry line, in input order")
    func examples() throws {
        let result = try CommandRunner.run([
            "analyze", "--no-default-rules", "--format", "json", "examples/alerts.jsonl",
        ])
        #expect(result.code == 0)
        let objects = try result.stdoutLines.map(jsonObject)
        #expect(objects.filter { $0["schema"] as? String == "falconer.report/v1" }.count == 7)
        #expect(objects.filter { $0["schema"] as? String == "falconer.telemetry/v1" }.count == 1)
        let seed = try #require(objects.first)
        let verdict = try #require(seed["verdict"] as? [String: Any])
        #expect(["likely_benign", "needs_review"].contains(verdict["assessment"] as? String))
        let twin = objects[1]
        let twinVerdict = try #require(twin["verdict"] as? [String: Any])
        #expect(["suspicious", "malicious"].contains(twinVerdict["assessment"] as? String))
    }

    @Test("Markdown is the default format")
    func markdownDefault() throws {
        let result = try CommandRunner.run(["analyze", "--no-default-rules"], stdin: valid)
        #expect(result.code == 0)
        #expect(result.stdout.hasPrefix("# "))
        #expect(result.stdout.contains("## Verdict"))
    }

    @Test("--min-priority skips lower alerts (any case) but never telemetry")
    func minimumPriority() throws {
        let input = [valid, debug, drop].joined(separator: "\n")
        for spelling in ["notice", "NOTICE", "Notice"] {
            let result = try CommandRunner.run(
                ["analyze", "--no-default-rules", "--format", "json", "--min-priority", spelling], stdin: input)
            #expect(result.code == 0)
            let schemas = try result.stdoutLines.map { try jsonObject($0)["schema"] as? String }
            #expect(schemas == ["falconer.report/v1", "falconer.telemetry/v1"])
        }
        let critical = try CommandRunner.run(
            ["analyze", "--no-default-rules", "--format", "json", "--min-priority", "critical"], stdin: input)
        #expect(try critical.stdoutLines.map { try jsonObject($0)["schema"] as? String } == ["falconer.telemetry/v1"])
    }

    @Test("--out writes one safely named file per report and never overwrites")
    func outDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let hostile =
            #"{"rule":"../../etc/passwd\u0000 `rm -rf /` | x","priority":"Warning","time":"../../../tmp/x","output_fields":{"proc.name":"sh"}}"#
        let input = [valid, valid, hostile].joined(separator: "\n")
        let out = directory.url.appending(path: "reports").path
        for _ in 0..<2 {
            let result = try CommandRunner.run(["analyze", "--no-default-rules", "--out", out], stdin: input)
            #expect(result.code == 0, "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names.count == 6)
        for name in names {
            #expect(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }, "\(name)")
            #expect(!name.hasPrefix("."))
            #expect(!name.contains(".."))
            #expect(name.hasSuffix(".md"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["reports"])
    }

    @Test("--out keeps telemetry in telemetry.jsonl")
    func outTelemetry() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let result = try CommandRunner.run(
            ["analyze", "--no-default-rules", "--format", "json", "--out", directory.url.path],
            stdin: valid + "\n" + drop)
        #expect(result.code == 0)
        let telemetry = try String(contentsOf: directory.url.appending(path: "telemetry.jsonl"), encoding: .utf8)
        #expect(telemetry.contains("falconer.telemetry/v1"))
    }

    @Test("an incident embeds each member's report exactly as plain analysis writes it")
    func incidentMembersMatchPlainReports() throws {
        let examples = repositoryRoot().appending(path: "examples/alerts.jsonl").path
        let plain = try CommandRunner.run(["analyze", "--no-default-rules", "--format", "json", examples])
        let incidents = try CommandRunner.run([
            "analyze", "--no-default-rules", "--format", "json", "--incidents", examples,
        ])
        #expect(plain.code == 0 && incidents.code == 0)
        var byOrigin: [String: NSDictionary] = [:]
        for line in plain.stdoutLines {
            let object = try jsonObject(line)
            if let origin = (object["alert"] as? [String: Any])?["origin"] as? String {
                byOrigin[origin] = object as NSDictionary
            }
        }
        var compared = 0
        for line in incidents.stdoutLines {
            let object = try jsonObject(line)
            for report in object["reports"] as? [[String: Any]] ?? [] {
                let origin = try #require((report["alert"] as? [String: Any])?["origin"] as? String)
                #expect(byOrigin[origin] == report as NSDictionary, "\(origin)")
                compared += 1
            }
        }
        #expect(compared == 7)
    }

    @Test("--incidents --format json writes incident and telemetry lines only")
    func incidents() throws {
        let shell = valid
        let shadow =
            #"{"rule":"Read sensitive file untrusted","priority":"Warning","time":"2026-12-03T10:01:00Z","source":"syscall","hostname":"node-a","output_fields":{"container.id":"3f2a9c1b7d4e","container.image.repository":"shop/web","proc.name":"cat","fd.name":"/etc/shadow","user.name":"root"}}"#
        let other =
            #"{"rule":"Terminal shell in container","priority":"Notice","time":"2026-12-03T10:00:30Z","source":"syscall","hostname":"node-a","output_fields":{"container.id":"99aa88bb77cc","container.image.repository":"ci/runner","proc.name":"sh"}}"#
        let result = try CommandRunner.run(
            ["analyze", "--no-default-rules", "--format", "json", "--incidents"],
            stdin: [shell, other, shadow, drop].joined(separator: "\n"))
        #expect(result.code == 0, "\(result.stderr)")
        let objects = try result.stdoutLines.map(jsonObject)
        let schemas = Set(objects.compactMap { $0["schema"] as? String })
        #expect(schemas.isSubset(of: ["falconer.incident/v1", "falconer.telemetry/v1"]))
        let incidents = objects.filter { $0["schema"] as? String == "falconer.incident/v1" }
        #expect(incidents.count == 2)
        for incident in incidents {
            for key in ["id", "score", "tactics", "narrative", "entities", "alerts"] {
                #expect(incident[key] != nil, "\(key)")
            }
        }
        let sizes = incidents.compactMap { ($0["alerts"] as? [Any])?.count }.sorted()
        #expect(sizes == [1, 2])
        let again = try CommandRunner.run(
            ["analyze", "--no-default-rules", "--format", "json", "--incidents"],
            stdin: [shell, other, shadow, drop].joined(separator: "\n"))
        #expect(again.stdout == result.stdout, "incident ids and output are deterministic")
    }

    @Test("--jobs does not change the output or its order")
    func jobsKeepOrder() throws {
        let examples = repositoryRoot().appending(path: "examples/alerts.jsonl").path
        let one = try CommandRunner.run([
            "analyze", "--no-default-rules", "--format", "json", "--jobs", "1", examples, examples,
        ])
        let four = try CommandRunner.run([
            "analyze", "--no-default-rules", "--format", "json", "--jobs", "4", examples, examples,
        ])
        #expect(one.code == 0)
        #expect(one.stdout == four.stdout)
    }

    // MARK: - Knowledge base commands

    @Test("kb lint is clean on the built-in knowledge")
    func kbLint() throws {
        let result = try CommandRunner.run(["kb", "lint", "--no-default-rules"])
        #expect(result.code == 0, "\(result.stdout)\(result.stderr)")
        #expect((result.stdout + result.stderr).contains("0 problem(s)"))
    }

    @Test("kb lint exits 65 on a broken user playbook and says where")
    func kbLintBroken() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let playbook = """
            rule: My custom rule
            source: syscall
            version: 1
            summary: Something happened.
            attack:
              - {id: T9999, from: playbook, note: not a real technique}
            investigation:
              - title: Look
                command: ps -p {proc.pid}
                look_for: it
            """
        _ = try directory.file("mine.yaml", playbook)
        let result = try CommandRunner.run(["kb", "lint", "--no-default-rules", "--knowledge", directory.url.path])
        #expect(result.code == 65)
        let all = result.stdout + result.stderr
        #expect(all.contains("mine.yaml"))
        #expect(all.contains("T9999"))
    }

    @Test("kb coverage over Falco's rules files: 242 of 242")
    func kbCoverage() throws {
        guard let shared = sharedDirectory() else {
            print("skipped: ../shared is absent")
            return
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: shared.appending(path: "falco-rules").path)
            .filter { $0.hasSuffix(".yaml") }.map { shared.appending(path: "falco-rules/\($0)").path }
        let result = try CommandRunner.run(["kb", "coverage"] + files)
        #expect(result.code == 0)
        #expect(result.stdout.hasSuffix("242 of 242 rules have a playbook\n"))
    }

    @Test("kb coverage exits 1 and lists the rule without a playbook")
    func kbCoverageIncomplete() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let rules = """
            - rule: Terminal shell in container
              desc: x
              condition: evt.type = execve
              output: "shell %proc.name"
              priority: NOTICE
            - rule: Our very own rule
              desc: custom
              condition: evt.type = open
              output: "open %fd.name"
              priority: WARNING
            """
        let file = try directory.file("custom_rules.yaml", rules)
        let result = try CommandRunner.run(["kb", "coverage", file.path])
        #expect(result.code == 1)
        #expect(result.stdout.contains("Our very own rule"))
        #expect(result.stdout.hasSuffix("1 of 2 rules have a playbook\n"))
    }

    @Test("--rules teaches a custom rule's description and tags")
    func customRules() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let rules = """
            - rule: Payroll export touched
              desc: A process opened the payroll export outside the batch window.
              condition: evt.type = openat and fd.name startswith /srv/payroll
              output: "payroll file opened (file=%fd.name proc=%proc.name user=%user.name)"
              priority: WARNING
              tags: [filesystem, mitre_collection, T1005]
            """
        let file = try directory.file("payroll_rules.yaml", rules)
        let alert =
            #"{"rule":"Payroll export touched","priority":"Warning","time":"2026-12-03T10:00:00Z","output_fields":{"fd.name":"/srv/payroll/2026-11.csv","proc.name":"python3","user.name":"svc"}}"#
        let result = try CommandRunner.run(
            ["analyze", "--no-default-rules", "--rules", file.path, "--format", "json"], stdin: alert)
        #expect(result.code == 0, "\(result.stderr)")
        let report = try jsonObject(try #require(result.stdoutLines.first))
        let attack = try #require(report["attack"] as? [[String: Any]])
        #expect(attack.contains { $0["id"] as? String == "T1005" })
        #expect(result.stdout.contains("payroll export outside the batch window"))

        // The same rule's alert as text only (a syslog or chat forward): fields and priority come from the rule.
        let textOnly =
            #"{"rule":"Payroll export touched","time":"2026-12-03T10:00:00Z","output":"10:00:00.000000000: Warning payroll file opened (file=/srv/payroll/2026-11.csv proc=python3 user=svc)"}"#
        let recovered = try CommandRunner.run(
            ["analyze", "--no-default-rules", "--rules", file.path, "--format", "json"], stdin: textOnly)
        #expect(recovered.code == 0, "\(recovered.stderr)")
        let recoveredReport = try jsonObject(try #require(recovered.stdoutLines.first))
        let fields = try #require(recoveredReport["alert"] as? [String: Any])
        #expect((fields["fields"] as? [String: Any])?["fd.name"] as? String == "/srv/payroll/2026-11.csv")
        #expect(fields["priority"] as? String == "Warning")
    }
}

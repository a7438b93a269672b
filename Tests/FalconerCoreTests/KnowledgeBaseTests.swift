import FalconerCore
import Foundation
import TestSupport
import Testing
import YAMLParser

/// Walks the whole shipped knowledge base; the cross-checks against ../shared skip cleanly when it is absent.
@Suite struct KnowledgeBaseTests {
    let knowledge = bundledKnowledge

    @Test("kb lint finds no problem in the shipped knowledge base")
    func lintClean() {
        let problems = KnowledgeLinter(knowledge: knowledge, yaml: LibYAMLParser()).lint()
        #expect(problems.isEmpty, "\(problems.prefix(20).map(\.description).joined(separator: "\n"))")
        #expect(knowledge.playbooks.count >= 242)
    }

    @Test("the linter rejects broken playbooks")
    func lintRejects() throws {
        var broken = try #require(knowledge.playbook(for: "PTRACE attached to process"))
        broken.file = "broken.yaml"
        broken.attack = [
            AttackRef(id: "T1552.005", origin: .playbook, note: nil),
            AttackRef(id: "T9999", origin: .ruleTag, note: nil),
        ]
        broken.investigation = Array(broken.investigation.prefix(2))
        broken.investigation[0] = broken.investigation[0].with(command: Template("cat '{fd.name}' {ka.user.name}"))
        broken.investigation[1] = broken.investigation[1].with(reference: Text(""))
        broken.mitigations[0] = broken.mitigations[0].withoutUndo().with(
            snippet: broken.mitigations[0].snippet, condition: .fact("on_mars"))
        broken.investigation[1] = broken.investigation[1].with(
            snippet: broken.investigation[1].snippet, condition: .field("ka.verb", .equals("create"), nil))
        broken.tuning.exception?.fields = [ExceptionFieldSpec(field: "proc.nope", comp: "like", fixedValue: nil)]
        var base = KnowledgeBase()
        base.attack = knowledge.attack
        base.fields = knowledge.fields
        base.add(broken)
        let messages = KnowledgeLinter(knowledge: base, yaml: LibYAMLParser()).lint().map(\.message).joined(
            separator: "\n")
        for expected in [
            "T1552.005 (Cloud Instance Metadata API) is for IaaS", "without a note",
            "unknown or revoked ATT&CK id T9999",
            "fewer than three investigation steps", "inside shell quotes", "{ka.user.name} is not a field",
            "no reference", "disruptive without undo", "'proc.nope' is not a field", "'like' is not a Falco operator",
            "at least two fields", "unknown fact 'on_mars'", "condition field 'ka.verb' is not a field of the syscall",
        ] {
            #expect(messages.contains(expected), "missing: \(expected)")
        }
    }

    @Test("a misspelt key in a step or mitigation is a problem with its line, not silently ignored")
    func unknownStepKeys() throws {
        let text = """
            rule: Some rule
            source: syscall
            investigation:
              - title: t
                command: ls
                look_for: x
                reference: man:ls(1)
                wehn: {fact: on_host}
              - use: host.process_tree
                wen: {fact: on_host}
            mitigations:
              - title: m
                kind: hardening
                commands: [ls]
                reach: r
                reference: man:ls(1)
                undoo: nothing
            """
        var loader = KnowledgeLoader()
        loader.add(path: "typo.yaml", text: text, documents: try LibYAMLParser().parse(text, origin: "typo.yaml"))
        _ = loader.finish()
        let messages = loader.diagnostics.map(\.description).joined(separator: "\n")
        #expect(messages.contains("typo.yaml:8"), "\(messages)")
        #expect(messages.contains("unknown key 'wehn'"))
        #expect(messages.contains("unknown key 'wen'"))
        #expect(messages.contains("unknown key 'undoo'"))
    }

    @Test("every ATT&CK catalog entry matches MITRE's v18.1 tables exactly")
    func attackCatalogMatchesShared() throws {
        guard let shared = sharedDirectory() else {
            print("skipped: ../shared is absent")
            return
        }
        let rows = try String(contentsOf: shared.appending(path: "attack/enterprise-techniques.tsv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map {
                $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            }
        var reference: [String: [String]] = [:]
        for row in rows { reference[row[0]] = row }
        #expect(!knowledge.attack.techniques.isEmpty)
        for technique in knowledge.attack.techniques.values {
            let row = try #require(reference[technique.id], "\(technique.id) is not a current ATT&CK technique")
            #expect(technique.name == row[1], "\(technique.id) name")
            #expect((technique.parent ?? "") == row[2], "\(technique.id) parent")
            #expect(technique.tactics.joined(separator: ",") == row[3], "\(technique.id) tactics")
            #expect(technique.platforms.joined(separator: ",") == row[4], "\(technique.id) platforms")
            #expect(knowledge.attack.fullName(of: technique.id) == row[6], "\(technique.id) full name")
        }
        let tactics = try String(contentsOf: shared.appending(path: "attack/enterprise-tactics.tsv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        #expect(knowledge.attack.tactics.map { [$0.id, $0.shortname, $0.name] } == tactics)
    }

    @Test("every field catalog entry matches Falco's field list")
    func fieldCatalogMatchesShared() throws {
        guard let shared = sharedDirectory() else {
            print("skipped: ../shared is absent")
            return
        }
        var reference: [String: (type: String, sources: Set<String>)] = [:]
        for line in try String(contentsOf: shared.appending(path: "falco-fields/fields.tsv"), encoding: .utf8).split(
            separator: "\n"
        ).dropFirst() {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            reference[columns[0], default: (columns[1], [])].sources.insert(columns[2])
        }
        for field in knowledge.fields.fields.values {
            let row = try #require(reference[field.name], "\(field.name) is not a Falco field")
            #expect(field.type == row.type, "\(field.name) type")
            #expect(Set(field.sources) == row.sources, "\(field.name) sources")
        }
    }

    @Test("every Falco rule in ../shared has a playbook whose facts match the rule")
    func coverageAndFacts() throws {
        guard let shared = sharedDirectory() else {
            print("skipped: ../shared is absent")
            return
        }
        let parser = LibYAMLParser()
        var diagnostics: [Diagnostic] = []
        var rules: [RuleInfo] = []
        let directory = shared.appending(path: "falco-rules")
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        where name.hasSuffix(".yaml") {
            let text = try String(contentsOf: directory.appending(path: name), encoding: .utf8)
            rules += RulesFileReader.rules(
                in: try parser.parse(text, origin: name), file: name, diagnostics: &diagnostics)
        }
        let definitions = rules.filter { !$0.isOverride }
        #expect(Set(rules.map(\.name)).count == 242)
        for rule in definitions {
            guard let playbook = knowledge.playbook(for: rule.name) else {
                Issue.record("no playbook for '\(rule.name)' (\(rule.file))")
                continue
            }
            #expect(playbook.source == rule.source, "\(rule.name): source")
            #expect(Set(playbook.outputFields) == Set(rule.outputFields), "\(rule.name): output_fields")
            let tagIDs = Set(rule.tags.compactMap(Analyzer.techniqueID(inTag:)))
            let fromTags = Set(playbook.attack.filter { $0.origin == .ruleTag }.map(\.id))
            #expect(fromTags == tagIDs, "\(rule.name): ATT&CK ids from rule tags")
            for field in rule.outputFields {
                #expect(knowledge.fields.isValid(field, forSource: rule.source), "\(rule.name): output field \(field)")
            }
        }
    }
}

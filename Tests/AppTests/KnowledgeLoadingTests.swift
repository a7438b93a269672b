import BundledKnowledge
import Foundation
import TestSupport
import Testing

@testable import App
@testable import FalconerCore

/// Analysis loads the bundled playbooks lazily (`deferPlaybooks`): their rule, aliases and source are read from the
/// text at start-up, and the rest is parsed and decoded when an alert of the rule arrives. These tests hold the lazy
/// knowledge base to the eager one.
@Suite struct KnowledgeLoadingTests {
    private static let loading = KnowledgeLoading(knowledgeDirectories: [], rulesPaths: [], useDefaultRules: false)

    @Test("the text header of every bundled playbook that has one matches the parsed playbook")
    func headersMatchParsedPlaybooks() throws {
        let eager = try Self.loading.load(deferPlaybooks: false).knowledge
        var read = 0
        var total = 0
        for file in BundledKnowledge.files where file.path.hasPrefix("rules/") {
            total += 1
            guard let header = KnowledgeLoader.header(ofPlaybook: file.text) else { continue }
            read += 1
            let playbook = try #require(eager.playbook(for: header.rule), "\(file.path): no playbook '\(header.rule)'")
            #expect(playbook.file == file.path)
            #expect(playbook.source == header.source, "\(file.path)")
            #expect(playbook.aliases == header.aliases, "\(file.path)")
        }
        // The fast path is the point: nearly every bundled playbook is written the simple way it reads.
        #expect(total == eager.playbookCount)
        #expect(read >= total - 2, "only \(read) of \(total) headers read from the text")
    }

    @Test("the header reader refuses what it cannot read exactly")
    func headerRefusals() {
        let good = "rule: Read sensitive file untrusted\naliases: []\nsource: syscall\nversion: 2\n"
        #expect(
            KnowledgeLoader.header(ofPlaybook: good)
                == KnowledgeLoader.PlaybookHeader(
                    rule: "Read sensitive file untrusted", aliases: [], source: "syscall"))
        for text in [
            "rule: \"Quoted\"\nsource: syscall\n", "rule: Two\n  lines\nsource: syscall\n",
            "rule: A\nrule: B\nsource: syscall\n", "rule: A\naliases:\n  - B\nsource: syscall\n",
            "rule: A # comment\nsource: syscall\n", "rule: A: B\nsource: syscall\n", "rule: A\r\nsource: syscall\n",
            "---\nrule: A\nsource: syscall\n", "rule: A\n", "rule: Caf\u{e9}\nsource: syscall\n",
        ] {
            #expect(KnowledgeLoader.header(ofPlaybook: text) == nil, "\(text)")
        }
    }

    @Test("lazily loaded knowledge gives the same reports, sources and version as eager knowledge")
    func deferredMatchesEager() throws {
        let eager = try Self.loading.load(deferPlaybooks: false).knowledge
        let deferred = try Self.loading.load(deferPlaybooks: true).knowledge
        #expect(deferred.version == eager.version)
        #expect(deferred.playbookCount == eager.playbookCount)
        #expect(deferred.ruleSources == eager.ruleSources)
        let fixtures = repositoryRoot().appending(path: "Tests/FalconerCoreTests/Fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasSuffix(".json") }
        #expect(names.count >= 10)
        for name in names.sorted() {
            let bytes = Array(try Data(contentsOf: fixtures.appending(path: name)))
            guard !name.hasPrefix("falco_internal") else { continue }
            let alert = try decodeAlert(bytes, origin: name, knowledge: eager)
            let lazy = Analyzer(knowledge: deferred).analyzeJSON(alert).bytes
            #expect(lazy == Analyzer(knowledge: eager).analyzeJSON(alert).bytes, "\(name)")
        }
        // Every playbook decodes the same when asked for.
        for playbook in eager.playbooks {
            let other = try #require(deferred.playbook(for: playbook.rule))
            #expect(other.file == playbook.file && other.version == playbook.version)
            #expect(other.investigation.count == playbook.investigation.count, "\(playbook.rule)")
            #expect(other.mitigations.count == playbook.mitigations.count, "\(playbook.rule)")
            #expect(other.signals.map(\.id) == playbook.signals.map(\.id), "\(playbook.rule)")
        }
    }
}

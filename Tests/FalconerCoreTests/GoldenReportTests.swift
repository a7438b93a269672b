import FalconerCore
import TestSupport
import Testing

/// Golden reports for a dozen rules across every source: review the diff when knowledge or rendering changes
/// (RECORD_GOLDEN=1 rewrites them).
@Suite struct GoldenReportTests {
    static let fixtures = [
        "ptrace_attached_to_process", "ptrace_attached_to_process_twin", "terminal_shell_in_container",
        "read_sensitive_file_untrusted", "contact_k8s_api_server_from_container", "fileless_execution_via_memfd_create",
        "redirect_stdout_stdin_to_network_connection_in_container", "attach_exec_pod", "create_privileged_pod",
        "cloudtrail_logging_disabled", "gcp_bucket_configured_to_be_public", "private_repository_becoming_public",
        "user_has_been_locked_out_in_okta", "custom_rule_without_playbook",
    ]

    @Test("Markdown and JSON reports match their golden files", arguments: fixtures)
    func golden(name: String) throws {
        let alert = try decodeAlert(try fixture("\(name).json"), origin: "\(name).json:1")
        var knowledge = bundledKnowledge
        // The knowledge version changes with every playbook edit; goldens pin the content, not the hash.
        knowledge.version = "test"
        let analyzer = Analyzer(knowledge: knowledge)
        let report = analyzer.analyze(alert)
        expectGolden(MarkdownReportRenderer().render(report), named: "\(name).md")
        expectGolden(JSONReportRenderer().render(report), named: "\(name).json")
        // `falconer analyze --format json` writes straight from the analysis, without the Report: the same bytes.
        let direct = analyzer.analyzeJSON(alert).bytes
        #expect(String(decoding: direct, as: UTF8.self) == JSONReportRenderer().render(report))
        // Incidents render a member from its slim report: the same object.
        let slim = analyzer.analyzeForCorrelation(alert)
        #expect(analyzer.analyzeJSONObject(continuing: slim) == analyzer.analyzeJSONObject(alert))
    }
}

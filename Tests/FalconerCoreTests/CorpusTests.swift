import FalconerCore
import Foundation
import TestSupport
import Testing

/// Every published alert in ../shared/falco-samples decodes and gets a report or a telemetry line.
@Suite struct CorpusTests {
    @Test("the shared sample corpus: every alert decodes and is analysed")
    func sharedSamples() throws {
        guard let shared = sharedDirectory() else {
            print("skipped: ../shared is absent")
            return
        }
        let bytes = Array(try Data(contentsOf: shared.appending(path: "falco-samples/alerts.jsonl")))
        var splitter = JSONStreamSplitter(maxValueBytes: 1 << 20)
        var events: [JSONStreamSplitter.Event] = []
        bytes.withUnsafeBytes { splitter.feed($0, into: &events) }
        splitter.finish(into: &events)
        let analyzer = Analyzer(knowledge: bundledKnowledge)
        let decoder = FalcoAlertDecoder(ruleSources: bundledKnowledge.ruleSources)
        var reports = 0
        var telemetry = 0
        var withPlaybook = 0
        for event in events {
            guard case .value(let value, let line) = event else {
                Issue.record("unexpected \(event)")
                continue
            }
            var parser = SwiftAlertDocumentParser()
            let document = try parser.parse(value, origin: "alerts.jsonl:\(line)")
            switch try decoder.decode(document, origin: "alerts.jsonl:\(line)") {
            case .alert(let alert):
                let report = analyzer.analyze(alert)
                #expect(alert.time != nil, "line \(line): no event time")
                if report.playbook != nil { withPlaybook += 1 }
                #expect(!report.investigation.isEmpty, "line \(line): no investigation step")
                var json: [UInt8] = []
                JSONReportRenderer().render(report, into: &json)
                #expect(
                    (try? JSONSerialization.jsonObject(with: Data(json))) != nil, "line \(line): invalid JSON report")
                let direct = analyzer.analyzeJSON(alert).bytes
                #expect(direct == json, "line \(line): the direct JSON differs from the rendered report")
                #expect(!MarkdownReportRenderer().render(report).isEmpty)
                reports += 1
            case .telemetry:
                telemetry += 1
            }
        }
        #expect(reports + telemetry == 28)
        #expect(telemetry == 1)
        // One sample is a user's custom rule ("Write Binary Under UsrLocalBin"); every other rule is Falco's own.
        #expect(withPlaybook >= reports - 1)
    }
}

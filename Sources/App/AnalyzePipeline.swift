import Dispatch
import FalconerCore
import Foundation
import SimdJSONParser

/// What one JSON value became.
enum Outcome {
    /// Incident mode: the report, what the correlator needs of it, and the report rendered as its incident will
    /// embed it (done here, on the lanes, rather than on the single thread that writes incidents).
    case report(Report, keys: CorrelationKeys, member: [UInt8])
    /// A report already rendered; the report itself is released on the lane's thread, only its alert (for file
    /// names) travels on.
    case rendered([UInt8], alert: Alert)
    case telemetry(Telemetry, rendered: [UInt8])
    case belowMinimum
    case failed(DecodeError)
}

/// One worker's private state: a simdjson parser is not thread-safe, so each lane owns one.
// SAFETY: a lane is only ever used by one thread at a time (BatchProcessor gives each concurrent iteration its own
// lane and waits for all of them before the next batch), so its mutable parser is never shared.
final class Lane: @unchecked Sendable {
    private var parser: any AlertDocumentParser
    private let decoder: FalcoAlertDecoder
    private let analyzer: Analyzer
    private let format: ReportFormat
    private let minimum: Priority?
    private let keepReports: Bool
    private let telemetryFormat: ReportFormat

    init(
        knowledge: KnowledgeBase, format: ReportFormat, minimum: Priority?, maxValueBytes: Int, keepReports: Bool,
        telemetryFormat: ReportFormat
    ) {
        if let simd = SimdJSONDocumentParser(maxBytes: maxValueBytes + 64) {
            parser = simd
        } else {
            parser = SwiftAlertDocumentParser()
        }
        decoder = FalcoAlertDecoder(ruleSources: knowledge.ruleSources)
        analyzer = Analyzer(knowledge: knowledge)
        self.format = format
        self.minimum = minimum
        self.keepReports = keepReports
        self.telemetryFormat = telemetryFormat
    }

    /// Parses, decodes, analyses and renders one value.
    func process(_ bytes: [UInt8], origin: String) -> Outcome {
        do {
            let document = try parser.parse(bytes, origin: origin)
            switch try decoder.decode(document, origin: origin) {
            case .telemetry(let telemetry):
                var out: [UInt8] = []
                switch telemetryFormat {
                case .json: TelemetryRenderer().render(telemetry, into: &out)
                case .markdown: out = Array(MarkdownTelemetry.render(telemetry).utf8)
                }
                return .telemetry(telemetry, rendered: out)
            case .alert(let alert):
                if let minimum, (alert.priority ?? .debug) < minimum { return .belowMinimum }
                let report = analyzer.analyze(alert)
                if keepReports {
                    let member =
                        switch format {
                        case .json: MemberReport.json(report)
                        case .markdown: Array(MemberReport.markdown(report).utf8)
                        }
                    return .report(report.strippedForCorrelation(), keys: CorrelationKeys.of(alert), member: member)
                }
                var out: [UInt8] = []
                switch format {
                case .json: JSONReportRenderer().render(report, into: &out)
                case .markdown: out = Array(MarkdownReportRenderer().render(report).utf8)
                }
                return .rendered(out, alert: alert)
            }
        } catch {
            return .failed(error)
        }
    }
}

/// Report output formats.
enum ReportFormat: String {
    case markdown, json
}

/// A short Markdown note for Falco's own telemetry events (never a report).
enum MarkdownTelemetry {
    static func render(_ telemetry: Telemetry) -> String {
        let counters = telemetry.counters.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
        let verdict = telemetry.isCaveat ? "alerts may be missing for this period" : "no drops"
        var line =
            "> Falco telemetry (\(telemetry.kind.rawValue)) from \(Quoting.markdown(telemetry.hostname ?? "unknown host"))"
        let time = telemetry.timeText ?? telemetry.time.map { RFC3339.format($0, fraction: true) } ?? "unknown time"
        line += " at \(Quoting.markdownCode(time)): \(verdict)"
        if !counters.isEmpty { line += " (\(Quoting.markdown(counters)))" }
        return line + ".\n\n"
    }
}

/// Runs lanes over batches of values in parallel (one lane per core), keeping input order.
final class BatchProcessor {
    private let lanes: [Lane]

    init(lanes: [Lane]) { self.lanes = lanes }

    func process(_ batch: [(bytes: [UInt8], origin: String)]) -> [Outcome] {
        let lanes = self.lanes
        if lanes.count == 1 || batch.count < 64 {
            return batch.map { lanes[0].process($0.bytes, origin: $0.origin) }
        }
        // Filled in place (not an array of optionals mapped afterwards, which copied every outcome once more).
        var results = [Outcome](repeating: .belowMinimum, count: batch.count)
        let laneCount = lanes.count
        results.withUnsafeMutableBufferPointer { buffer in
            // SAFETY: each iteration writes only its own stride of indices, and each lane is used by one iteration.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: laneCount) { lane in
                var index = lane
                while index < batch.count {
                    output[index] = lanes[lane].process(batch[index].bytes, origin: batch[index].origin)
                    index += laneCount
                }
            }
        }
        return results
    }
}

import Dispatch
import FalconerCore
import Synchronization

/// `analyze --incidents`: feeds analysed alerts to the correlator in input order and writes each incident as it
/// closes, so memory holds only open incidents. A class: the command reaches it through an optional for every alert,
/// and as a struct each of those calls copied it out and back.
final class IncidentSession {
    private var correlator: Correlator
    private let attack: AttackCatalog
    private let format: ReportFormat
    /// Analyses a member again when its incident is written: the correlator holds only the slim report.
    private let analyzer: Analyzer
    private var written = 0

    init(settings: IncidentSettings, knowledge: KnowledgeBase, format: ReportFormat) {
        correlator = Correlator(settings: settings)
        attack = knowledge.attack
        analyzer = Analyzer(knowledge: knowledge)
        self.format = format
    }

    /// Incidents closed but not yet written: rendered together by `flush`.
    private var pending: [Incident] = []

    func add(_ alert: Alert, keys: CorrelationKeys?) {
        pending += correlator.receive(alert, keys: keys) { analyzer.analyzeForCorrelation(alert) }
    }

    func add(_ telemetry: Telemetry) {
        correlator.receive(telemetry)
    }

    /// Closes and writes every open incident; returns how many incidents were written in all.
    func finish(output: OutputWriter) throws(CLIError) -> Int {
        pending += correlator.finish()
        try drain(output: output)
        return written
    }

    /// The incidents a `flush` handed to another thread, rendering while this one goes on correlating.
    private var rendering: (batch: RenderBatch, group: DispatchGroup)?

    /// Starts rendering the incidents closed since the last flush on another thread (each distinct member analysed
    /// in full, then the incident: most of the correlating thread's work, which every lane waits for), and writes
    /// those of the flush before, in the order they closed.
    func flush(output: OutputWriter) throws(CLIError) {
        try writeRendered(output: output)
        guard !pending.isEmpty else { return }
        let batch = RenderBatch(incidents: pending, analyzer: analyzer, attack: attack, format: format)
        pending = []
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { batch.work() }
        rendering = (batch, group)
    }

    /// Writes every incident closed so far: call it before writing anything else (a telemetry line) and at the end.
    func drain(output: OutputWriter) throws(CLIError) {
        try flush(output: output)
        try writeRendered(output: output)
    }

    private func writeRendered(output: OutputWriter) throws(CLIError) {
        guard let (batch, group) = rendering else { return }
        rendering = nil
        group.wait()
        for (bytes, id) in batch.results() {
            written += 1
            let separated = format == .markdown && written > 1 ? [UInt8(ascii: "\n")] + bytes : bytes
            try output.write(
                named: { "incident-\(FileNaming.sanitize(id, limit: 40)).\(format == .json ? "json" : "md")" },
                bytes: separated)
        }
    }
}

/// Closed incidents, rendered on another thread while the correlator goes on.
// SAFETY: each index of `rendered` is written by exactly one `work()` call (indices are handed out by an atomic
// counter), the incidents and the analyzer are only read, and `results()` runs only after the DispatchGroup that ran
// `work()` was waited for.
private final class RenderBatch: @unchecked Sendable {
    private let incidents: [Incident]
    private let analyzer: Analyzer
    private let attack: AttackCatalog
    private let format: ReportFormat
    private let rendered: UnsafeMutableBufferPointer<(bytes: [UInt8], id: String)?>
    private let next = Atomic<Int>(0)

    init(incidents: [Incident], analyzer: Analyzer, attack: AttackCatalog, format: ReportFormat) {
        self.incidents = incidents
        self.analyzer = analyzer
        self.attack = attack
        self.format = format
        rendered = .allocate(capacity: incidents.count)
        rendered.initialize(repeating: nil)
    }

    deinit {
        rendered.deinitialize()
        rendered.deallocate()
    }

    var count: Int { incidents.count }

    func work() {
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < incidents.count else { return }
            rendered[index] = render(incidents[index])
        }
    }

    /// The rendered incidents, in order.
    func results() -> [(bytes: [UInt8], id: String)] { rendered.compactMap { $0 } }

    private func render(_ incident: consuming Incident) -> (bytes: [UInt8], id: String) {
        // Members arrive slim (`Analyzer.analyzeForCorrelation`); only the distinct ones that made it into an incident
        // are analysed in full (the analysis is deterministic) and rendered.
        for index in incident.members.indices where incident.members[index].rendered == nil {
            let slim = incident.members[index].report
            incident.members[index].rendered =
                switch format {
                case .json: analyzer.analyzeJSONObject(continuing: slim)
                case .markdown: Array(MemberReport.markdown(analyzer.analyze(slim.alert)).utf8)
                }
        }
        let id = incident.id
        let view = IncidentView(consume incident, attack: attack)
        var bytes: [UInt8] = []
        switch format {
        case .json: JSONIncidentRenderer().render(view, into: &bytes)
        case .markdown: bytes = Array(MarkdownIncidentRenderer().render(view).utf8)
        }
        return (bytes, id)
    }
}

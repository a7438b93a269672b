import FalconerCore

/// `analyze --incidents`: feeds analysed alerts to the correlator in input order and writes each incident as it
/// closes, so memory holds only open incidents.
struct IncidentSession {
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

    mutating func add(_ report: Report, keys: CorrelationKeys?, output: OutputWriter) throws(CLIError) {
        for incident in correlator.receive(report, keys: keys) { try write(incident, output: output) }
    }

    mutating func add(_ telemetry: Telemetry) {
        correlator.receive(telemetry)
    }

    /// Closes and writes every open incident; returns how many incidents were written in all.
    mutating func finish(output: OutputWriter) throws(CLIError) -> Int {
        for incident in correlator.finish() { try write(incident, output: output) }
        return written
    }

    private mutating func write(_ incident: consuming Incident, output: OutputWriter) throws(CLIError) {
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
        let view = IncidentView(consume incident, attack: attack)
        written += 1
        var bytes: [UInt8] = []
        switch format {
        case .json: JSONIncidentRenderer().render(view, into: &bytes)
        case .markdown: bytes = Array(((written > 1 ? "\n" : "") + MarkdownIncidentRenderer().render(view)).utf8)
        }
        try output.write(
            named: {
                "incident-\(FileNaming.sanitize(view.incident.id, limit: 40)).\(format == .json ? "json" : "md")"
            },
            bytes: bytes)
    }
}

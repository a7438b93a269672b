/// Where an analysis goes, part by part, in the order of `falconer.report/v1`: a `Report` for Markdown and incidents
/// (`ReportAssembler`), or the JSON line itself (`JSONReportWriter`), written as the parts are worked out with no
/// `Report` in between. Commands arrive as the bytes of the filled template, so the JSON path never makes a String
/// of them.
///
/// The calls come in this order: `head`, `step` (any number), `beginMitigation` / `command` (any number) /
/// `endCommands` / `config` / `undo` / `endMitigation` for each mitigation, then `tail`.
package protocol ReportSink: ~Copyable {
    mutating func head(
        alert: Alert, summary: String, description: Text?, verdict: Verdict, entities: Entities,
        attack: [AttackMapping], benign: [Text])
    /// How many steps were taken so far.
    var stepCount: Int { get }
    /// True when a step with exactly this command was already taken.
    func hasStep(command: UnsafeBufferPointer<UInt8>) -> Bool
    mutating func step(title: Text, command: UnsafeBufferPointer<UInt8>, lookFor: Text, reference: Text)
    mutating func beginMitigation(title: Text, kind: String, isDisruptive: Bool)
    mutating func command(_ command: UnsafeBufferPointer<UInt8>)
    mutating func endCommands()
    /// The mitigation's configuration snippet, or nil for none.
    mutating func config(language: String, text: UnsafeBufferPointer<UInt8>?)
    mutating func undo(_ undo: UnsafeBufferPointer<UInt8>?)
    mutating func endMitigation(reach: Text, reference: Text)
    mutating func tail(
        tuning: TuningAdvice, recommendations: [Text], caveats: [String], playbook: String?, playbookVersion: Int?,
        knowledgeVersion: String)
}

/// Collects the parts into a `Report`.
package struct ReportAssembler: ReportSink {
    private var alert: Alert?
    private var summary = ""
    private var description: Text?
    private var verdict = Verdict(assessment: .needsReview, riskScore: 0, severity: .info, reasons: [])
    private var entities: Entities?
    private var attack: [AttackMapping] = []
    private var benign: [Text] = []
    private var steps: [RenderedStep] = []
    private var mitigations: [RenderedMitigation] = []
    private var pending: RenderedMitigation?
    /// The finished report, after `tail`.
    package private(set) var report: Report?

    package init() {}

    package mutating func head(
        alert: Alert, summary: String, description: Text?, verdict: Verdict, entities: Entities,
        attack: [AttackMapping], benign: [Text]
    ) {
        self.alert = alert
        self.summary = summary
        self.description = description
        self.verdict = verdict
        self.entities = entities
        self.attack = attack
        self.benign = benign
    }

    package var stepCount: Int { steps.count }

    package func hasStep(command: UnsafeBufferPointer<UInt8>) -> Bool {
        let text = String(decoding: command, as: UTF8.self)
        return steps.contains { $0.command == text }
    }

    package mutating func step(title: Text, command: UnsafeBufferPointer<UInt8>, lookFor: Text, reference: Text) {
        steps.append(
            RenderedStep(
                title: title, command: String(decoding: command, as: UTF8.self), lookFor: lookFor,
                reference: reference))
    }

    package mutating func beginMitigation(title: Text, kind: String, isDisruptive: Bool) {
        pending = RenderedMitigation(
            title: title, kind: kind, isDisruptive: isDisruptive, commands: [], config: nil, undo: nil, reach: "",
            reference: "")
    }

    package mutating func command(_ command: UnsafeBufferPointer<UInt8>) {
        pending?.commands.append(String(decoding: command, as: UTF8.self))
    }

    package mutating func endCommands() {}

    package mutating func config(language: String, text: UnsafeBufferPointer<UInt8>?) {
        pending?.config = text.map { RenderedConfig(language: language, text: String(decoding: $0, as: UTF8.self)) }
    }

    package mutating func undo(_ undo: UnsafeBufferPointer<UInt8>?) {
        pending?.undo = undo.map { String(decoding: $0, as: UTF8.self) }
    }

    package mutating func endMitigation(reach: Text, reference: Text) {
        guard var mitigation = pending else { return }
        mitigation.reach = reach
        mitigation.reference = reference
        mitigations.append(mitigation)
        pending = nil
    }

    package mutating func tail(
        tuning: TuningAdvice, recommendations: [Text], caveats: [String], playbook: String?, playbookVersion: Int?,
        knowledgeVersion: String
    ) {
        guard let alert, let entities else { return }
        report = Report(
            alert: alert, summary: summary, verdict: verdict, entities: entities, attack: attack,
            investigation: steps, mitigations: mitigations, tuning: tuning, recommendations: recommendations,
            caveats: caveats, ruleDescription: description, benign: benign, playbook: playbook,
            playbookVersion: playbookVersion, knowledgeVersion: knowledgeVersion)
    }
}

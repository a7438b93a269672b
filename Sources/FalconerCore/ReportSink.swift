/// Where an analysis goes, part by part, in the order of `falconer.report/v1`: a `Report` for Markdown and incidents
/// (`ReportAssembler`), or the JSON line itself (`JSONReportWriter`), written as the parts are worked out with no
/// `Report` in between. Each sink fills a step's or mitigation's placeholders its own way: the JSON writer straight
/// into the pre-rendered object (`JSONTemplate`), the assembler into Strings.
///
/// The calls come in this order: `head`, `step` (any number), `mitigation` (any number), `tail`.
package protocol ReportSink: ~Copyable {
    /// `attackJSON`, when given, is `attack` already written as the report's JSON array.
    mutating func head(
        alert: Alert, summary: String, description: Text?, verdict: Verdict, entities: Entities,
        attack: [AttackMapping], attackJSON: [UInt8]?, benign: [Text])
    /// How many steps were taken so far.
    var stepCount: Int { get }
    /// Takes the step with its placeholders filled from `context`, unless its command repeats one already taken.
    mutating func step(_ step: InvestigationStep, context: borrowing AlertContext) -> PartOutcome
    /// Takes the mitigation with its placeholders filled from `context`.
    mutating func mitigation(_ mitigation: Mitigation, context: borrowing AlertContext) -> PartOutcome
    mutating func tail(
        tuning: TuningAdvice, recommendations: [Text], caveats: [String], playbook: String?, playbookVersion: Int?,
        knowledgeVersion: String)
}

/// What became of a step or mitigation offered to a sink.
package enum PartOutcome: Equatable {
    case taken
    /// A step whose command is already in the report.
    case duplicate
    /// The alert has no value for this placeholder, so the part was left out.
    case missing(String)
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
    /// The finished report, after `tail`.
    package private(set) var report: Report?

    package init() {}

    package mutating func head(
        alert: Alert, summary: String, description: Text?, verdict: Verdict, entities: Entities,
        attack: [AttackMapping], attackJSON: [UInt8]?, benign: [Text]
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

    package mutating func step(_ step: InvestigationStep, context: borrowing AlertContext) -> PartOutcome {
        guard let command = step.command.fill(style: .shell, from: context) else {
            return .missing(step.command.firstMissing(from: context) ?? "?")
        }
        guard !steps.contains(where: { $0.command == command }) else { return .duplicate }
        steps.append(
            RenderedStep(title: step.title, command: command, lookFor: step.lookFor, reference: step.reference))
        return .taken
    }

    package mutating func mitigation(_ mitigation: Mitigation, context: borrowing AlertContext) -> PartOutcome {
        switch Self.fill(mitigation, from: context) {
        case .success(let rendered):
            mitigations.append(rendered)
            return .taken
        case .failure(let missing):
            return .missing(missing.name)
        }
    }

    /// A placeholder without a value.
    package struct Missing: Error {
        package let name: String
    }

    /// The mitigation with every command, config and undo filled; the first placeholder without a value otherwise.
    package static func fill(_ mitigation: Mitigation, from context: borrowing AlertContext) -> Result<
        RenderedMitigation, Missing
    > {
        var commands: [String] = []
        for command in mitigation.commands {
            guard let filled = command.fill(style: .shell, from: context) else {
                return .failure(Missing(name: command.firstMissing(from: context) ?? "?"))
            }
            commands.append(filled)
        }
        var config: RenderedConfig?
        if let snippet = mitigation.config {
            guard let text = snippet.text.fill(style: .yaml, from: context) else {
                return .failure(Missing(name: snippet.text.firstMissing(from: context) ?? "?"))
            }
            config = RenderedConfig(language: snippet.language, text: text)
        }
        var undo: String?
        if let template = mitigation.undo {
            guard let text = template.fill(style: .shell, from: context) else {
                return .failure(Missing(name: template.firstMissing(from: context) ?? "?"))
            }
            undo = text
        }
        return .success(
            RenderedMitigation(
                title: mitigation.title, kind: mitigation.kind.rawValue, isDisruptive: mitigation.isDisruptive,
                commands: commands, config: config, undo: undo, reach: mitigation.reach,
                reference: mitigation.reference))
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

/// Expert knowledge for one Falco rule, loaded from `knowledge/rules/<source>/<rule>.yaml` (docs/knowledge-base.md).
package struct Playbook: Sendable {
    package var rule: String
    package var aliases: [String]
    package var source: String
    package var version: Int
    package var outputFields: [String]
    package var target: TargetSpec?
    package var summary: Text
    package var attack: [AttackRef]
    package var benign: [Text]
    package var signals: [Signal] { didSet { keptGenericSignals = Self.keptGenericSignals(besides: signals) } }
    package var investigation: [InvestigationStep]
    package var mitigations: [Mitigation]
    package var tuning: TuningSpec
    package var recommendations: [Text]
    package var references: [String]
    /// The file it came from, relative to the knowledge root.
    package var file: String

    /// Which generic signals (`GenericSignals.all`, by index) still apply: a playbook signal that tests the same fact
    /// or field replaces the generic one, so nothing is counted twice. Worked out when the signals are set, not for
    /// every alert.
    package private(set) var keptGenericSignals: [Int] = Array(GenericSignals.all.indices)

    package init(
        rule: String, aliases: [String], source: String, version: Int, outputFields: [String], target: TargetSpec?,
        summary: Text, attack: [AttackRef], benign: [Text], signals: [Signal], investigation: [InvestigationStep],
        mitigations: [Mitigation], tuning: TuningSpec, recommendations: [Text], references: [String], file: String
    ) {
        self.rule = rule
        self.aliases = aliases
        self.source = source
        self.version = version
        self.outputFields = outputFields
        self.target = target
        self.summary = summary
        self.attack = attack
        self.benign = benign
        self.signals = signals
        self.investigation = investigation
        self.mitigations = mitigations
        self.tuning = tuning
        self.recommendations = recommendations
        self.references = references
        self.file = file
        keptGenericSignals = Self.keptGenericSignals(besides: signals)
    }

    private static func keptGenericSignals(besides signals: [Signal]) -> [Int] {
        var tested: Set<String> = []
        for signal in signals { collectBasis(signal.condition, into: &tested) }
        return GenericSignals.all.indices.filter { tested.isDisjoint(with: GenericSignals.all[$0].basis) }
    }

    private static func collectBasis(_ condition: Condition, into set: inout Set<String>) {
        switch condition {
        case .fact(let fact): set.insert(fact.name)
        case .field(let name, _, _): set.insert(name)
        case .all(let parts), .any(let parts): for part in parts { collectBasis(part, into: &set) }
        case .not(let inner): collectBasis(inner, into: &set)
        }
    }
}

/// What a rule's action is aimed at, when the playbook says so.
package struct TargetSpec: Sendable {
    package var kind: TargetKind
    package var field: String?
}

/// The kinds of target a report names.
package enum TargetKind: String, Sendable, CaseIterable {
    case process, file, network
    case k8sObject = "k8s_object"
    case cloudResource = "cloud_resource"
    case none
}

/// An ATT&CK technique a playbook maps the rule to.
package struct AttackRef: Sendable {
    package enum Origin: String, Sendable { case ruleTag = "rule_tag", playbook }
    package var id: String
    package var origin: Origin
    package var note: Text?

    package init(id: String, origin: Origin, note: Text?) {
        self.id = id
        self.origin = origin
        self.note = note
    }
}

/// A verdict signal: when `condition` holds, `weight` is added to the risk score, with `detail` as the reason.
package struct Signal: Sendable {
    package var id: String
    package var weight: Int
    package var condition: Condition
    package var detail: Text
}

/// A condition on an alert's fields and derived facts (docs/knowledge-base.md, "Conditions").
package indirect enum Condition: Sendable {
    case fact(Fact)
    /// A field (or derived placeholder) name, its test, and the name's `KnownField` when it is one (resolved at load).
    case field(String, FieldTest, KnownField?)
    case all([Condition])
    case any([Condition])
    case not(Condition)
}

/// A test of one field's value.
package enum FieldTest: Sendable {
    case equals(String)
    case oneOf([String])
    case startsWith([String])
    case endsWith([String])
    case contains([String])
    case present(Bool)
    case greater(Double)
    case less(Double)
}

/// A read-only investigation step; `command` may hold `{field}` placeholders. Immutable and shared by reference:
/// every alert reads the playbook's steps, and copying a struct of a dozen references cost a retain for each.
package final class InvestigationStep: Sendable {
    package let title: Text
    package let command: Template
    package let lookFor: Text
    package let reference: Text
    /// The shared snippet it came from, if any.
    package let snippet: String?
    /// When set, the step is shown only for alerts where it holds (e.g. `{fact: on_host}`).
    package let condition: Condition?
    /// The step's JSON object, pre-rendered (nil in the unlikely case its prose holds a template sentinel).
    let json: JSONTemplate?

    package init(
        title: Text, command: Template, lookFor: Text, reference: Text, snippet: String?, condition: Condition?
    ) {
        self.title = title
        self.command = command
        self.lookFor = lookFor
        self.reference = reference
        self.snippet = snippet
        self.condition = condition
        var json = JSONWriter(capacity: 1024)
        JSONReportWriter.write(
            RenderedStep(title: title, command: JSONTemplate.sentinel(0), lookFor: lookFor, reference: reference),
            to: &json)
        self.json = JSONTemplate(rendered: json.bytes, texts: [(command, .shell)], markCommand: true)
    }

    /// The same step with another snippet id and condition.
    package func with(snippet: String?, condition: Condition?) -> InvestigationStep {
        InvestigationStep(
            title: title, command: command, lookFor: lookFor, reference: reference, snippet: snippet,
            condition: condition)
    }

    /// The same step with another command or reference (for tests that break a playbook on purpose).
    package func with(command: Template? = nil, reference: Text? = nil) -> InvestigationStep {
        InvestigationStep(
            title: title, command: command ?? self.command, lookFor: lookFor, reference: reference ?? self.reference,
            snippet: snippet, condition: condition)
    }
}

/// A containment or hardening measure. Immutable and shared by reference, like `InvestigationStep`.
package final class Mitigation: Sendable {
    package enum Kind: String, Sendable { case containment, hardening }
    package let title: Text
    package let kind: Kind
    package let isDisruptive: Bool
    package let commands: [Template]
    package let config: ConfigSnippet?
    package let undo: Template?
    package let reach: Text
    package let reference: Text
    package let snippet: String?
    /// When set, the mitigation is shown only for alerts where it holds.
    package let condition: Condition?
    /// The mitigation's JSON object, pre-rendered (nil in the unlikely case its prose holds a template sentinel).
    let json: JSONTemplate?

    package init(
        title: Text, kind: Kind, isDisruptive: Bool, commands: [Template], config: ConfigSnippet?, undo: Template?,
        reach: Text, reference: Text, snippet: String?, condition: Condition?
    ) {
        self.title = title
        self.kind = kind
        self.isDisruptive = isDisruptive
        self.commands = commands
        self.config = config
        self.undo = undo
        self.reach = reach
        self.reference = reference
        self.snippet = snippet
        self.condition = condition
        // Texts in the order the object holds them: the commands, the config text, the undo command.
        var texts = commands.map { (template: $0, style: Placeholders.Style.shell) }
        let configSlot = texts.count
        if let config { texts.append((config.text, .yaml)) }
        let undoSlot = texts.count
        if let undo { texts.append((undo, .shell)) }
        var json = JSONWriter(capacity: 2048)
        JSONReportWriter.write(
            RenderedMitigation(
                title: title, kind: kind.rawValue, isDisruptive: isDisruptive,
                commands: commands.indices.map { JSONTemplate.sentinel($0) },
                config: config.map { RenderedConfig(language: $0.language, text: JSONTemplate.sentinel(configSlot)) },
                undo: undo == nil ? nil : JSONTemplate.sentinel(undoSlot), reach: reach, reference: reference),
            to: &json)
        self.json = JSONTemplate(rendered: json.bytes, texts: texts, markCommand: false)
    }

    /// The same mitigation with another snippet id and condition.
    package func with(snippet: String?, condition: Condition?) -> Mitigation {
        Mitigation(
            title: title, kind: kind, isDisruptive: isDisruptive, commands: commands, config: config, undo: undo,
            reach: reach, reference: reference, snippet: snippet, condition: condition)
    }

    /// The same mitigation without its undo (for tests that break a playbook on purpose).
    package func withoutUndo() -> Mitigation {
        Mitigation(
            title: title, kind: kind, isDisruptive: isDisruptive, commands: commands, config: config, undo: nil,
            reach: reach, reference: reference, snippet: snippet, condition: condition)
    }
}

/// A configuration snippet shown with a mitigation.
package struct ConfigSnippet: Sendable {
    package var language: String
    package var text: Template
}

/// How to tune Falco for this rule.
package struct TuningSpec: Sendable {
    package var exception: ExceptionSpec?
    package var macro: String?
    package var notes: Text
}

/// The shape of a Falco exception; values are filled from the alert.
package struct ExceptionSpec: Sendable {
    package var name: String
    package var fields: [ExceptionFieldSpec]

    package init(name: String, fields: [ExceptionFieldSpec]) {
        self.name = name
        self.fields = fields
    }
}

/// One exception field: its comparison and, when fixed, its value (else the alert's value is used). Immutable and
/// shared by reference, so choosing it for an alert costs one reference count.
package final class ExceptionFieldSpec: Sendable {
    package let field: String
    package let comp: String
    package let fixedValue: String?
    /// The field's slot, when it is a `KnownField`.
    let known: KnownField?
    /// The field name and the comparison as YAML scalars, quoted once here rather than for every alert.
    let quotedField: [UInt8]
    let quotedComp: [UInt8]

    package init(field: String, comp: String, fixedValue: String?) {
        self.field = field
        self.comp = comp
        self.fixedValue = fixedValue
        self.known = KnownField(named: field)
        var quoted: [UInt8] = []
        Quoting.appendYAML(field, to: &quoted)
        quotedField = quoted
        quoted = []
        Quoting.appendYAML(comp, to: &quoted)
        quotedComp = quoted
    }
}

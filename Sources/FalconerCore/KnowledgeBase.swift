/// Everything Falconer knows: playbooks by rule name (and alias), shared snippets, the ATT&CK and field catalogs,
/// and what users' own rules files say about custom rules.
package struct KnowledgeBase: Sendable {
    package private(set) var playbooks: [Playbook] = []
    /// The same playbooks behind references, for the analyzer: handing out a `Playbook` copies a struct of some twenty
    /// references, once per alert.
    private var shared: [PlaybookRef] = []
    package var snippets: [String: Snippet] = [:]
    package var attack = AttackCatalog()
    package var fields = FieldCatalog()
    /// Rules read from Falco rules files (`--rules`, Falco's default paths), by name.
    package var rules: [String: RuleInfo] = [:]
    /// A stable identifier of the knowledge content (FNV-1a over every file), reported with each analysis.
    package var version = "none"
    private var index: [String: Int] = [:]

    package init() {}

    /// The playbook for a rule name or one of its aliases.
    package func playbook(for rule: String) -> Playbook? {
        index[rule].map { playbooks[$0] }
    }

    /// The playbook for a rule name or one of its aliases, by reference.
    package func sharedPlaybook(for rule: String) -> PlaybookRef? {
        index[rule].map { shared[$0] }
    }

    /// Adds or replaces (by rule name) a playbook, indexing its aliases.
    package mutating func add(_ playbook: Playbook) {
        if let existing = index[playbook.rule] {
            playbooks[existing] = playbook
            shared[existing] = PlaybookRef(playbook)
        } else {
            playbooks.append(playbook)
            shared.append(PlaybookRef(playbook))
        }
        let position = index[playbook.rule] ?? playbooks.count - 1
        index[playbook.rule] = position
        for alias in playbook.aliases where index[alias] == nil { index[alias] = position }
    }

    /// Rule name -> source, for inferring the source of alerts that lack one.
    package var ruleSources: [String: String] {
        var sources: [String: String] = [:]
        for (name, rule) in rules { sources[name] = rule.source }
        for playbook in playbooks {
            sources[playbook.rule] = playbook.source
            for alias in playbook.aliases { sources[alias] = playbook.source }
        }
        return sources
    }
}

/// A shared investigation step or mitigation, referenced by id from playbooks.
package enum Snippet: Sendable {
    case investigation(InvestigationStep)
    case mitigation(Mitigation)
}

/// What a Falco rules file says about one rule.
package struct RuleInfo: Sendable, Equatable {
    package var name: String
    package var source: String
    package var description: String
    package var priority: Priority?
    package var tags: [String]
    /// The `%field` references of the rule's output.
    package var outputFields: [String]
    /// The rule's output format, for recovering field values from alerts that carry only the text.
    package var output: OutputFormat?
    package var file: String
    package var line: Int
    /// True when the entry only appends to or overrides an existing rule.
    package var isOverride: Bool
}

/// A playbook behind a reference, with what the analyzer reads forwarded.
package final class PlaybookRef: Sendable {
    package let playbook: Playbook
    /// The recommendations with the generic `append_output` advice added, unless the playbook already gives it:
    /// for syscall alerts without a pid. Made once, not appended for every alert.
    let recommendationsWithAppendOutput: [Text]

    init(_ playbook: Playbook) {
        self.playbook = playbook
        let advises = playbook.recommendations.contains { $0.string.containsBytes("append_output") }
        recommendationsWithAppendOutput =
            advises ? playbook.recommendations : playbook.recommendations + [Analyzer.appendOutputAdvice]
    }

    package var rule: String { playbook.rule }
    package var version: Int { playbook.version }
    package var target: TargetSpec? { playbook.target }
    package var summary: Text { playbook.summary }
    package var attack: [AttackRef] { playbook.attack }
    package var benign: [Text] { playbook.benign }
    package var signals: [Signal] { playbook.signals }
    package var keptGenericSignals: [Int] { playbook.keptGenericSignals }
    package var investigation: [InvestigationStep] { playbook.investigation }
    package var mitigations: [Mitigation] { playbook.mitigations }
    package var tuning: TuningSpec { playbook.tuning }
    package var recommendations: [Text] { playbook.recommendations }
}

import Synchronization

/// Everything Falconer knows: playbooks by rule name (and alias), shared snippets, the ATT&CK and field catalogs,
/// and what users' own rules files say about custom rules.
package struct KnowledgeBase: Sendable {
    /// Every playbook, decoded (a deferred one is decoded here).
    package var playbooks: [Playbook] { entries.map { $0.resolved.playbook } }
    /// The playbooks behind references, for the analyzer: handing out a `Playbook` copies a struct of some twenty
    /// references, once per alert. A bundled playbook may still be deferred (`DeferredPlaybook`).
    private var entries: [PlaybookEntry] = []
    package var snippets: [String: Snippet] = [:]
    package var attack = AttackCatalog()
    package var fields = FieldCatalog()
    /// Rules read from Falco rules files (`--rules`, Falco's default paths), by name.
    package var rules: [String: RuleInfo] = [:]
    /// A stable identifier of the knowledge content (FNV-1a over every file), reported with each analysis.
    package var version = "none"
    private var index: [String: Int] = [:]

    package init() {}

    /// How many playbooks there are (without decoding deferred ones).
    package var playbookCount: Int { entries.count }

    /// The playbook for a rule name or one of its aliases.
    package func playbook(for rule: String) -> Playbook? {
        index[rule].map { entries[$0].resolved.playbook }
    }

    /// The playbook for a rule name or one of its aliases, by reference.
    package func sharedPlaybook(for rule: String) -> PlaybookRef? {
        index[rule].map { entries[$0].resolved }
    }

    /// Adds or replaces (by rule name) a playbook, indexing its aliases.
    package mutating func add(_ playbook: Playbook) {
        add(.ready(PlaybookRef(playbook)))
    }

    /// Adds or replaces (by rule name) a playbook that is decoded when first asked for.
    package mutating func add(deferred playbook: DeferredPlaybook) {
        add(.deferred(playbook))
    }

    /// Adds every playbook of `other` as it is (deferred ones stay deferred), replacing those of the same rule.
    package mutating func addPlaybooks(of other: KnowledgeBase) {
        for entry in other.entries { add(entry) }
    }

    private mutating func add(_ entry: PlaybookEntry) {
        let position: Int
        if let existing = index[entry.rule] {
            entries[existing] = entry
            position = existing
        } else {
            entries.append(entry)
            position = entries.count - 1
        }
        index[entry.rule] = position
        for alias in entry.aliases where index[alias] == nil { index[alias] = position }
    }

    /// Rule name -> source, for inferring the source of alerts that lack one.
    package var ruleSources: [String: String] {
        var sources: [String: String] = [:]
        for (name, rule) in rules { sources[name] = rule.source }
        for entry in entries {
            sources[entry.rule] = entry.source
            for alias in entry.aliases { sources[alias] = entry.source }
        }
        return sources
    }
}

/// A playbook in a knowledge base: decoded, or waiting to be.
private enum PlaybookEntry: Sendable {
    case ready(PlaybookRef)
    case deferred(DeferredPlaybook)

    var rule: String {
        switch self {
        case .ready(let ref): ref.rule
        case .deferred(let deferred): deferred.rule
        }
    }

    var aliases: [String] {
        switch self {
        case .ready(let ref): ref.playbook.aliases
        case .deferred(let deferred): deferred.aliases
        }
    }

    var source: String {
        switch self {
        case .ready(let ref): ref.playbook.source
        case .deferred(let deferred): deferred.source
        }
    }

    var resolved: PlaybookRef {
        switch self {
        case .ready(let ref): ref
        case .deferred(let deferred): deferred.playbook
        }
    }
}

/// A playbook whose rule, aliases and source are known but whose body is decoded the first time an alert of its rule
/// arrives: a run sees a few dozen of the two hundred and more bundled rules, and decoding every playbook at start-up
/// was most of the start-up time. Used only for the bundled knowledge, which the tests check with `kb lint`, so a
/// deferred decode has no diagnostics to report.
package final class DeferredPlaybook: Sendable {
    package let rule: String
    package let aliases: [String]
    package let source: String
    private let decode: @Sendable () -> Playbook
    /// The decoded playbook, once made; the lock is uncontended except when the incident correlator and a lane ask
    /// at the same moment.
    private let decoded = Mutex<PlaybookRef?>(nil)

    package init(rule: String, aliases: [String], source: String, decode: @escaping @Sendable () -> Playbook) {
        self.rule = rule
        self.aliases = aliases
        self.source = source
        self.decode = decode
    }

    var playbook: PlaybookRef {
        decoded.withLock { cached in
            if let cached { return cached }
            let made = PlaybookRef(decode())
            cached = made
            return made
        }
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

    /// The playbook's exception in YAML up to its values, for each place it may be scoped to (`ExceptionBuilder`).
    private let exceptionPrefixes: [[UInt8]]

    init(_ playbook: Playbook) {
        self.playbook = playbook
        exceptionPrefixes =
            playbook.tuning.exception.map { spec in
                [ExceptionLocation.asSpecified, .image, .host].map {
                    ExceptionBuilder.prefix(rule: playbook.rule, spec: spec, location: $0)
                }
            } ?? []
        let advises = playbook.recommendations.contains { $0.string.containsBytes("append_output") }
        recommendationsWithAppendOutput =
            advises ? playbook.recommendations : playbook.recommendations + [Analyzer.appendOutputAdvice]
    }

    /// The exception's YAML up to its values, scoped to `location`; nil for a playbook without an exception.
    func exceptionPrefix(_ location: ExceptionLocation) -> [UInt8]? {
        guard !exceptionPrefixes.isEmpty else { return nil }
        switch location {
        case .asSpecified: return exceptionPrefixes[0]
        case .image: return exceptionPrefixes[1]
        case .host: return exceptionPrefixes[2]
        }
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

/// Checks the whole knowledge base (`falconer kb lint`): every problem is a `Diagnostic` with its file.
package struct KnowledgeLinter {
    /// Placeholders every playbook may use besides its rule's output fields.
    package static let derivedPlaceholders: Set<String> = [
        "hostname", "target.pid", "target.path", "target.ip", "target.port", "time.iso", "time.since", "time.until",
        "login.uid",
    ]
    /// Fields Falco appends to syscall rule outputs (container/k8s) or that `append_output` commonly adds.
    package static let appendedSyscallFields: Set<String> = [
        "container.id", "container.name", "container.image.repository", "container.image.tag", "k8s.ns.name",
        "k8s.pod.name", "proc.pid", "proc.ppid",
    ]

    let knowledge: KnowledgeBase
    let yaml: any YAMLDocumentParser

    package init(knowledge: KnowledgeBase, yaml: any YAMLDocumentParser) {
        self.knowledge = knowledge
        self.yaml = yaml
    }

    package func lint() -> [Diagnostic] {
        var problems: [Diagnostic] = []
        if knowledge.attack.techniques.isEmpty {
            problems.append(Diagnostic(file: "attack.yaml", message: "the ATT&CK catalog is empty"))
        }
        if knowledge.fields.fields.isEmpty {
            problems.append(Diagnostic(file: "fields.yaml", message: "the field catalog is empty"))
        }
        problems += lintCatalogs()
        var names: [String: String] = [:]
        var sentences: [String: Set<String>] = [:]
        for playbook in knowledge.playbooks {
            problems += lint(playbook)
            for name in [playbook.rule] + playbook.aliases {
                if let other = names[name], other != playbook.file {
                    problems.append(
                        Diagnostic(
                            file: playbook.file, message: "rule name or alias '\(name)' is also claimed by \(other)"))
                }
                names[name] = playbook.file
            }
            for sentence in Self.sentences(of: playbook) { sentences[sentence, default: []].insert(playbook.file) }
            if !knowledge.rules.isEmpty, knowledge.rules[playbook.rule] == nil,
                !playbook.aliases.contains(where: { knowledge.rules[$0] != nil })
            {
                problems.append(
                    Diagnostic(file: playbook.file, message: "rule '\(playbook.rule)' is not in the rules files given"))
            }
        }
        for (sentence, files) in sentences where files.count > 1 {
            let list = files.sorted()
            problems.append(
                Diagnostic(
                    file: list[0],
                    message:
                        "text repeated verbatim in \(list.count) playbooks (\(list.joined(separator: ", "))); make it a shared snippet: \"\(sentence.prefix(70))...\""
                ))
        }
        return problems.sorted()
    }

    private func lintCatalogs() -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for technique in knowledge.attack.techniques.values {
            if let parent = technique.parent, knowledge.attack.techniques[parent] == nil {
                problems.append(
                    Diagnostic(file: "attack.yaml", message: "\(technique.id): parent \(parent) is not in the catalog"))
            }
            for tactic in technique.tactics where knowledge.attack.order(ofTactic: tactic) == nil {
                problems.append(Diagnostic(file: "attack.yaml", message: "\(technique.id): unknown tactic '\(tactic)'"))
            }
        }
        return problems
    }

    private func lint(_ playbook: Playbook) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func problem(_ message: String) { problems.append(Diagnostic(file: playbook.file, message: message)) }
        let source = playbook.source
        let knownSources: Set<String> = ["syscall", "k8s_audit", "aws_cloudtrail", "gcp_auditlog", "github", "okta"]
        if !knownSources.contains(source) { problem("unknown source '\(source)'") }
        if playbook.summary.string.isEmpty { problem("missing summary") }
        for field in playbook.outputFields where !knowledge.fields.isValid(field, forSource: source) {
            problem("output field '\(field)' is not a field of the \(source) source")
        }
        if let field = playbook.target?.field, !knowledge.fields.isValid(field, forSource: source) {
            problem("target.field '\(field)' is not a field of the \(source) source")
        }
        // ATT&CK
        if playbook.attack.isEmpty { problem("no ATT&CK technique") }
        let platforms = AttackCatalog.platforms(forSource: source)
        for ref in playbook.attack {
            guard let technique = knowledge.attack.techniques[ref.id] else {
                problem("unknown or revoked ATT&CK id \(ref.id)")
                continue
            }
            // Falco's own tags stay visible whatever their platform; what the playbook adds must fit the event.
            if ref.origin == .playbook, Set(technique.platforms).isDisjoint(with: platforms) {
                problem(
                    "\(ref.id) (\(technique.name)) is for \(technique.platforms.joined(separator: "/")), not for \(source) events"
                )
            }
            if ref.origin == .playbook && (ref.note?.string ?? "").isEmpty {
                problem("\(ref.id) is added by the playbook without a note saying why")
            }
            if let rule = knowledge.rules[playbook.rule], ref.origin == .ruleTag,
                !rule.tags.contains(where: { Analyzer.techniqueID(inTag: $0) == ref.id })
            {
                problem("\(ref.id) is marked rule_tag but the rule has no such tag")
            }
        }
        // Signals
        var signalIDs: Set<String> = []
        for signal in playbook.signals {
            if !signalIDs.insert(signal.id).inserted { problem("duplicate signal id '\(signal.id)'") }
            if !(-40...40).contains(signal.weight) {
                problem("signal '\(signal.id)': weight \(signal.weight) is outside -40...40")
            }
            if signal.detail.string.isEmpty { problem("signal '\(signal.id)' has no detail") }
            checkCondition(signal.condition, source: source, problem: problem)
        }
        // Investigation and mitigation
        let allowed = allowedPlaceholders(playbook)
        if playbook.investigation.count < 3 {
            problem("fewer than three investigation steps (\(playbook.investigation.count))")
        }
        for step in playbook.investigation {
            let label = step.snippet.map { "snippet '\($0)'" } ?? "step '\(step.title)'"
            if step.lookFor.isEmpty { problem("\(label): missing look_for") }
            checkReference(step.reference.string, label: label, problem: problem)
            checkTemplate(step.command.source, allowed: allowed, label: label, problem: problem)
            if let condition = step.condition { checkCondition(condition, source: source, problem: problem) }
        }
        if playbook.mitigations.isEmpty { problem("no mitigations") }
        for mitigation in playbook.mitigations {
            let label = mitigation.snippet.map { "snippet '\($0)'" } ?? "mitigation '\(mitigation.title)'"
            checkReference(mitigation.reference.string, label: label, problem: problem)
            if mitigation.reach.isEmpty { problem("\(label): missing reach (what it stops and what it does not)") }
            if mitigation.isDisruptive && (mitigation.undo?.source ?? "").isEmpty {
                problem("\(label): disruptive without undo")
            }
            if mitigation.commands.isEmpty && mitigation.config == nil {
                problem("\(label): neither commands nor config")
            }
            for command in mitigation.commands {
                checkTemplate(command.source, allowed: allowed, label: label, problem: problem)
            }
            if let undo = mitigation.undo {
                checkTemplate(undo.source, allowed: allowed, label: label, problem: problem)
            }
            if let condition = mitigation.condition { checkCondition(condition, source: source, problem: problem) }
            if let config = mitigation.config {
                for name in config.text.placeholders where !allowed.contains(name) {
                    problem("\(label): placeholder {\(name)} in config is not a field this rule's alerts carry")
                }
            }
        }
        // Tuning
        if let exception = playbook.tuning.exception {
            problems += lintException(exception, playbook: playbook)
        } else if playbook.tuning.macro == nil {
            problem("tuning needs an exception or the rule's own macro/list")
        }
        if playbook.tuning.notes.string.isEmpty { problem("tuning has no notes") }
        if playbook.references.isEmpty { problem("no references") }
        for reference in playbook.references { checkReference(reference, label: "references", problem: problem) }
        if playbook.recommendations.isEmpty { problem("no recommendations") }
        if playbook.benign.isEmpty { problem("no benign explanations") }
        return problems
    }

    private func allowedPlaceholders(_ playbook: Playbook) -> Set<String> {
        var allowed = Set(playbook.outputFields).union(Self.derivedPlaceholders)
        if playbook.source == "syscall" { allowed.formUnion(Self.appendedSyscallFields) }
        return allowed
    }

    private func checkTemplate(_ template: String, allowed: Set<String>, label: String, problem: (String) -> Void) {
        for name in Placeholders.names(in: template) where !allowed.contains(name) {
            problem("\(label): placeholder {\(name)} is not a field this rule's alerts carry nor a derived value")
        }
        for name in Placeholders.quotedPlaceholders(in: template) {
            problem("\(label): placeholder {\(name)} stands inside shell quotes; the value brings its own quoting")
        }
    }

    private func checkReference(_ reference: String, label: String, problem: (String) -> Void) {
        if reference.isEmpty {
            problem("\(label): no reference")
        } else if !(reference.hasPrefix("https://") || reference.hasPrefix("man:")) {
            problem("\(label): reference '\(reference.prefix(60))' must be an https URL or man:page(section)")
        }
    }

    private func checkCondition(_ condition: Condition, source: String, problem: (String) -> Void) {
        switch condition {
        case .fact(let fact):
            if !fact.isKnown { problem("unknown fact '\(fact.name)'") }
        case .all(let parts), .any(let parts):
            for part in parts { checkCondition(part, source: source, problem: problem) }
        case .not(let inner):
            checkCondition(inner, source: source, problem: problem)
        case .field(let name, _, _):
            if !Self.derivedPlaceholders.contains(name) && !knowledge.fields.isValid(name, forSource: source) {
                problem("condition field '\(name)' is not a field of the \(source) source")
            }
        }
    }

    private func lintException(_ exception: ExceptionSpec, playbook: Playbook) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        if exception.fields.count < 2 {
            problems.append(
                Diagnostic(
                    file: playbook.file,
                    message: "exception '\(exception.name)' needs at least two fields (actor and object or place)"))
        }
        if exception.fields.count == 1, exception.fields[0].field == "proc.name" {
            problems.append(Diagnostic(file: playbook.file, message: "exception on a bare proc.name is too broad"))
        }
        // Render it with hostile sample values and run it through the validator, as every generated one is.
        let sample = exception.fields.map { field in
            (field.field, field.comp, field.fixedValue ?? "sample: value # with 'quotes' and [brackets]")
        }
        let yamlText = ExceptionBuilder.render(rule: playbook.rule, name: exception.name, fields: sample)
        do {
            let documents = try yaml.parse(yamlText, origin: playbook.file)
            let validator = TuningValidator(knowledge: knowledge)
            problems += validator.validate(documents, origin: playbook.file)
            if let values = documents.first?.sequence?.first?["exceptions"]?.sequence?.first?["values"]?.sequence?
                .first?.sequence
            {
                for (cell, field) in zip(values, sample) where cell.string != field.2 {
                    problems.append(
                        Diagnostic(
                            file: playbook.file, message: "exception value for \(field.0) does not survive YAML quoting"
                        ))
                }
            }
        } catch {
            problems.append(Diagnostic(file: playbook.file, message: "generated exception is not valid YAML: \(error)"))
        }
        return problems
    }

    /// Sentences of 40+ characters in a playbook's own prose (not its snippets), for the repetition check.
    static func sentences(of playbook: Playbook) -> Set<String> {
        var texts: [String] = [playbook.summary.string, playbook.tuning.notes.string]
        texts += (playbook.benign + playbook.recommendations + playbook.signals.map(\.detail)).map(\.string)
        for step in playbook.investigation where step.snippet == nil {
            texts += [step.title.string, step.lookFor.string, step.command.source]
        }
        for mitigation in playbook.mitigations where mitigation.snippet == nil {
            texts += [mitigation.title.string, mitigation.reach.string, mitigation.undo?.source ?? ""]
            texts += mitigation.commands.map(\.source)
        }
        var result: Set<String> = []
        for text in texts {
            // Split after . ! ? followed by white space, as prose sentences end (not inside proc.name).
            let characters = Array(text)
            var current = ""
            for (index, character) in characters.enumerated() {
                current.append(character)
                let atBoundary = index + 1 == characters.count || characters[index + 1].isWhitespace
                if (character == "." || character == "!" || character == "?") && atBoundary {
                    let sentence = current.trimmingSpaces
                    if sentence.count >= 40 { result.insert(sentence) }
                    current = ""
                }
            }
            let sentence = current.trimmingSpaces
            if sentence.count >= 40 { result.insert(sentence) }
        }
        return result
    }
}

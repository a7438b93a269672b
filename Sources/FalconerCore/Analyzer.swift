import Synchronization

/// Analyses one alert: entities, target, ATT&CK, verdict, investigation, mitigation, tuning. Pure and deterministic:
/// the same alert and knowledge always give the same report.
package struct Analyzer: Sendable {
    package let knowledge: KnowledgeBase
    /// ATT&CK mappings already worked out, by rule and tags: a rule's alerts carry the same tags, so the mapping is
    /// the same for all of them.
    private let attackCache = AttackCache()
    /// Generic steps and mitigations by what picks them (source, target kind, container, Kubernetes): looking up
    /// their snippets for every alert without a playbook cost a dictionary lookup per snippet.
    private let genericCache = GenericContentCache()
    /// Buffers of reports already written out, for the next ones.
    private let reportBuffers = ReportBufferPool()

    package init(knowledge: KnowledgeBase) {
        self.knowledge = knowledge
    }

    /// Analyses `alert` into a report.
    package func analyze(_ received: Alert) -> Report {
        var assembler = ReportAssembler()
        analyze(received, into: &assembler)
        // The assembler has a report once `tail` ran, which `analyze(_:into:)` always calls.
        return assembler.report ?? lightReport(received)
    }

    /// Analyses `alert` straight into its JSON line (with the newline), byte for byte what rendering `analyze(_:)`
    /// with `JSONReportRenderer` gives, without building the `Report`.
    package func analyzeJSON(_ received: consuming Alert) -> ByteBlock {
        var json = writeJSON(basis(received))
        json.newline()
        return json.finishBlock()
    }

    /// The report object alone (no newline), as an incident embeds it: the same bytes as `JSONReportRenderer`
    /// writes for `analyze(_:)`.
    package func analyzeJSONObject(_ received: consuming Alert) -> [UInt8] { writeJSON(basis(received)).bytes }

    /// The report object of everything that follows from `basis`, in a writer of its own.
    private func writeJSON(_ basis: consuming Basis) -> JSONWriter {
        var writer = JSONReportWriter(json: .forReport(from: reportBuffers))
        complete(basis, into: &writer)
        return writer.finish()
    }

    /// The alert as the analysis sees it: a text-only alert completed from its rule in a `--rules` file (`complete`),
    /// else unchanged. Completing it again changes nothing.
    package func completedFromRules(_ alert: consuming Alert) -> Alert {
        guard !knowledge.rules.isEmpty, let custom = knowledge.rules[alert.rule] else { return alert }
        return Self.complete(alert, from: custom)
    }

    /// What the correlator needs of an alert, and no more: the report without investigation, mitigations, tuning,
    /// recommendations, summary or prose, for a fraction of the cost. Analysing the same alert in full later gives
    /// the same verdict, entities and ATT&CK mapping.
    package func analyzeForCorrelation(_ received: Alert) -> Report { lightReport(received) }

    /// The parts every analysis starts from.
    private struct Basis {
        var playbook: PlaybookRef?
        var custom: RuleInfo?
        var context: AlertContext
        var caveats: [String]
        var attack: [AttackMapping]
        /// `attack` as the report's JSON array, when the cache had it.
        var attackJSON: [UInt8]?
        var verdict: Verdict
        var entities: Entities
    }

    private func basis(_ received: consuming Alert) -> Basis {
        let playbook = knowledge.sharedPlaybook(for: received.rule)
        let custom = knowledge.rules.isEmpty ? nil : knowledge.rules[received.rule]
        let context =
            if let custom {
                AlertContext(
                    alert: Self.complete(received, from: custom), targetSpec: playbook?.target, ruleTags: custom.tags)
            } else {
                AlertContext(alert: received, targetSpec: playbook?.target)
            }
        let alert = context.alert
        var caveats = decodingCaveats(alert)
        if alert.tags.isEmpty, let custom, !custom.tags.isEmpty {
            caveats.append("The alert carries no tags; the rule's tags were taken from \(custom.file).")
        }
        let (attack, attackJSON) = mapAttack(context, playbook: playbook, caveats: &caveats)
        let verdict = assess(context, playbook: playbook)
        let entities = extractEntities(context)
        if let pid = context.target.pid, context.holds(.inContainer) {
            // A pid the tracer names (its command line, the ptrace argument) is a number in the container's pid
            // namespace; Falco's own proc.pid is the host's. Say so, or a responder kills the wrong process.
            caveats.append(
                "Target pid \(pid) is as seen inside the container's pid namespace; on the node the same process has another pid, so look it up inside the container."
            )
        }
        return Basis(
            playbook: playbook, custom: custom, context: context, caveats: caveats, attack: attack,
            attackJSON: attackJSON, verdict: verdict, entities: entities)
    }

    private func lightReport(_ received: Alert) -> Report {
        let basis = basis(received)
        return Report(
            alert: basis.context.alert, summary: "", verdict: basis.verdict, entities: basis.entities,
            attack: basis.attack, investigation: [], mitigations: [],
            tuning: TuningAdvice(exceptionYAML: nil, macro: nil, notes: ""), recommendations: [],
            caveats: basis.caveats, ruleDescription: nil, benign: [], playbook: basis.playbook?.rule,
            playbookVersion: basis.playbook?.version, knowledgeVersion: knowledge.version)
    }

    /// The full analysis, handed to `sink` part by part in report order.
    package func analyze<Sink: ReportSink & ~Copyable>(_ received: consuming Alert, into sink: inout Sink) {
        complete(basis(received), into: &sink)
    }

    /// The JSON object (no newline) of the full analysis of an alert whose slim report
    /// (`analyzeForCorrelation`) is at hand: its verdict, entities, ATT&CK and caveats are taken from it rather than
    /// worked out again. The same bytes as `analyzeJSONObject(slim.alert)`.
    package func analyzeJSONObject(continuing slim: Report) -> [UInt8] {
        let playbook = knowledge.sharedPlaybook(for: slim.alert.rule)
        let custom = knowledge.rules.isEmpty ? nil : knowledge.rules[slim.alert.rule]
        // The slim report's alert is already completed from the rules file: it is used as it is.
        let context = AlertContext(alert: slim.alert, targetSpec: playbook?.target, ruleTags: custom?.tags ?? [])
        let basis = Basis(
            playbook: playbook, custom: custom, context: context, caveats: slim.caveats, attack: slim.attack,
            attackJSON: nil, verdict: slim.verdict, entities: slim.entities)
        return writeJSON(basis).bytes
    }

    /// Hands `basis` and everything that follows from it to `sink`.
    private func complete<Sink: ReportSink & ~Copyable>(_ basis: consuming Basis, into sink: inout Sink) {
        var basis = basis
        let context = basis.context
        let playbook = basis.playbook
        let custom = basis.custom
        sink.head(
            alert: context.alert, summary: summarize(context, verdict: basis.verdict),
            description: playbook?.summary ?? custom.map { Text($0.description) },
            verdict: basis.verdict, entities: basis.entities, attack: basis.attack, attackJSON: basis.attackJSON,
            benign: playbook?.benign ?? [])
        // The placeholder each left-out step lacked, one entry per step.
        var skipped: [String] = []
        investigation(context, playbook: playbook, into: &sink, skipped: &skipped)
        mitigations(context, playbook: playbook, into: &sink, skipped: &skipped)
        // A Kubernetes value missing outside Kubernetes (or a container value on the host) means the step does not
        // apply here, not that the alert lacks something Falco could add.
        skipped.removeAll { name in
            (name.hasPrefix("k8s.") && !context.holds(.inKubernetes))
                || (name.hasPrefix("container.") && context.holds(.onHost))
        }
        if !skipped.isEmpty {
            var text = TextBuilder(capacity: 192)
            text.add(skipped.count)
            text += " investigation or mitigation step(s) were left out because the alert lacks the values they need ("
            for index in skipped.indices where !skipped[..<index].contains(skipped[index]) {
                if index > 0 { text += ", " }
                text += skipped[index]
            }
            text += ")."
            basis.caveats.append(text.string)
        }
        if playbook == nil {
            basis.caveats.append(
                custom == nil
                    ? "Falconer has no playbook for this rule; the analysis is generic (tags, fields and event type)."
                    : "No playbook for this rule; its description and tags come from the rules file \(custom?.file ?? "")."
            )
        }
        var tuning = ExceptionBuilder(knowledge: knowledge).advice(for: context, playbook: playbook)
        let assessment = basis.verdict.assessment
        if assessment == .suspicious || assessment == .malicious, tuning.exceptionYAML != nil {
            var text = TextBuilder(capacity: 512)
            text += "This alert looks "
            text += assessment.rawValue
            text += ": confirm it is benign before adding any exception, or the exception will hide the next attack. "
            text += tuning.notes
            tuning.notes = text.string
        }
        sink.tail(
            tuning: tuning, recommendations: recommend(context, playbook: playbook), caveats: basis.caveats,
            playbook: playbook?.rule, playbookVersion: playbook?.version, knowledgeVersion: knowledge.version)
    }

    // MARK: - Caveats from decoding

    /// Fills what a text-only alert lacks from the rule's definition in a rules file: field values recovered from
    /// `output` with the rule's output format, and the rule's priority.
    static func complete(_ alert: Alert, from rule: RuleInfo) -> Alert {
        var alert = alert
        if alert.fields.isEmpty, let format = rule.output, let output = alert.output,
            let values = format.values(in: output),
            !values.isEmpty
        {
            for (field, value) in values where alert.fields[field] == nil {
                alert.fields[field] = .string(value)
            }
            alert.completionCaveats.append(
                "The alert carries no output_fields; \(values.count) field value(s) were read from its output text with the rule's output format in \(rule.file), and a value that contains the text following it in the format may be cut short."
            )
        }
        if alert.priority == nil, let priority = rule.priority {
            alert.priority = priority
            alert.completionCaveats.append(
                "The alert carries no valid priority; the rule's priority \(priority.rawValue) in \(rule.file) was used."
            )
        }
        return alert
    }

    private func decodingCaveats(_ alert: Alert) -> [String] {
        var caveats: [String] = []
        if alert.isSourceInferred {
            caveats.append(
                "The alert carries no source; it was inferred as \(alert.source) from the rule name and field names.")
        }
        if alert.priority == nil { caveats.append("The alert carries no valid Falco priority.") }
        if alert.time == nil {
            caveats.append("The alert carries no usable event time, so time-bounded commands are left out.")
        } else if let field = alert.timeField, field != "time" {
            caveats.append(
                "The event time was taken from `\(field)` because `time` was missing or unusable; integer times may have been rounded by tools that passed the alert on."
            )
        }
        let unknown = alert.unknownFields.filter { !$0.hasPrefix("proc.aname[") && !$0.hasPrefix("proc.apid[") }
        if !unknown.isEmpty {
            let shown = unknown.prefix(8).joined(separator: ", ")
            caveats.append(
                "Falco could not resolve \(unknown.count) field(s) (\(shown)\(unknown.count > 8 ? ", ..." : "")), so the analysis has less context."
            )
        }
        for note in alert.notes { caveats.append("Input: \(note).") }
        caveats += alert.completionCaveats
        return caveats
    }

    // MARK: - ATT&CK

    /// The mappings and, written once with them, their JSON.
    private func mapAttack(_ context: AlertContext, playbook: PlaybookRef?, caveats: inout [String]) -> (
        [AttackMapping], [UInt8]
    ) {
        // The mapping depends only on the tags and the playbook: a rule's alerts all carry the same tags.
        let rule = context.alert.rule
        if let cached = attackCache.lookup(rule: rule, tags: context.tags) {
            if let caveat = cached.caveat { caveats.append(caveat) }
            return (cached.mappings, cached.json)
        }
        var invalidCaveat: String?
        let mappings = mapAttack(tags: context.tags, playbook: playbook, invalidCaveat: &invalidCaveat)
        let json = attackCache.store(mappings, caveat: invalidCaveat, rule: rule, tags: context.tags)
        if let invalidCaveat { caveats.append(invalidCaveat) }
        return (mappings, json)
    }

    private func mapAttack(tags: [String], playbook: PlaybookRef?, invalidCaveat: inout String?) -> [AttackMapping] {
        var result: [AttackMapping] = []
        var seen: Set<String> = []
        let catalog = knowledge.attack
        func add(_ id: String, _ origin: AttackMapping.Origin, _ note: Text?) {
            guard !seen.contains(id), let technique = catalog.techniques[id] else { return }
            seen.insert(id)
            result.append(
                AttackMapping(
                    id: id, name: technique.name, fullName: catalog.fullName(of: id) ?? technique.name,
                    tactics: technique.tactics, origin: origin, note: note))
        }
        var invalid: [String] = []
        for tag in tags {
            guard let id = Self.techniqueID(inTag: tag) else { continue }
            if catalog.techniques[id] != nil {
                add(id, .ruleTag, nil)
            } else {
                invalid.append(tag)
            }
        }
        for ref in playbook?.attack ?? [] {
            add(ref.id, ref.origin == .ruleTag ? .ruleTag : .playbook, ref.note)
        }
        if !invalid.isEmpty {
            invalidCaveat =
                "The rule's tag(s) \(invalid.joined(separator: ", ")) are not current ATT&CK Enterprise techniques in Falconer's catalog (\(catalog.version)); they are not shown as facts."
        }
        return result
    }

    /// The technique id a tag names: `T1055.008`, `T1562-impair-defenses` -> `T1562`; nil for other tags.
    package static func techniqueID(inTag tag: String) -> String? {
        let bytes = Array(tag.utf8)
        guard bytes.count >= 5, bytes[0] == UInt8(ascii: "T"),
            bytes[1...4].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        var end = 5
        if bytes.count >= 9, bytes[5] == UInt8(ascii: "."),
            bytes[6...8].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        {
            end = 9
        }
        if end < bytes.count, bytes[end] != UInt8(ascii: "-") && bytes[end] != UInt8(ascii: "_") { return nil }
        return String(decoding: bytes[0..<end], as: UTF8.self)
    }

    /// Tactics named by `mitre_*` tags (kill-chain shortnames), for incidents and reports.
    package func tactics(fromTags tags: [String]) -> [String] {
        tags.compactMap { knowledge.attack.tactic(forFalcoTag: $0)?.shortname }
    }

    // MARK: - Verdict

    private func assess(_ context: AlertContext, playbook: PlaybookRef?) -> Verdict {
        var reasons: [Reason] = []
        reasons.reserveCapacity(12)
        let alert = context.alert
        reasons.append(Reason(signal: "base", weight: 20, detail: Self.baseDetail))
        let priorityWeight: Int =
            switch alert.priority {
            case .emergency: 20
            case .alert: 18
            case .critical: 16
            case .error: 13
            case .warning: 10
            case .notice: 6
            case .informational: 3
            case .debug: 0
            case nil: 5
            }
        reasons.append(
            Reason(
                signal: "falco_priority", weight: priorityWeight,
                detail: Self.priorityDetails[alert.priority?.rank ?? 8]))
        // A playbook signal that tests the same fact or field as a generic one replaces it (no double counting).
        for index in playbook?.keptGenericSignals ?? Self.allGenericSignals {
            let signal = GenericSignals.all[index]
            if let weight = signal.weight(context) {
                reasons.append(Reason(signal: signal.id, weight: weight, detail: signal.detail(context)))
            }
        }
        for signal in playbook?.signals ?? [] where context.evaluate(signal.condition) {
            reasons.append(Reason(signal: signal.id, weight: signal.weight, detail: signal.detail))
        }
        let total = reasons.reduce(0) { $0 + $1.weight }
        let score = min(100, max(0, total))
        let assessment: Verdict.Assessment =
            score < 30 ? .likelyBenign : score < 50 ? .needsReview : score < 70 ? .suspicious : .malicious
        let severity: Verdict.Severity =
            score < 20 ? .info : score < 40 ? .low : score < 60 ? .medium : score < 80 ? .high : .critical
        return Verdict(assessment: assessment, riskScore: score, severity: severity, reasons: reasons)
    }

    private static let allGenericSignals = Array(GenericSignals.all.indices)

    private static let baseDetail = Text("A Falco rule matched; every alert starts at 20 points.")
    /// One sentence per priority rank (index 8: no priority), built once.
    private static let priorityDetails: [Text] =
        Priority.allCases.map { Text("Falco priority \($0.rawValue) (at most 20 points come from priority).") }
        + [Text("Falco priority unknown (at most 20 points come from priority).")]

    // MARK: - Entities

    private func extractEntities(_ context: AlertContext) -> Entities {
        let alert = context.alert
        var process: Entities.Process?
        if alert[.procName] != nil || alert[.procCmdline] != nil || alert[.procExepath] != nil {
            var ancestors: [(name: String, pid: Int64?)] = []
            for level in 2...9 {
                guard let field = KnownField.ancestorNames[level], let name = alert[field] else { break }
                ancestors.append((name, KnownField.ancestorPIDs[level].flatMap { alert.integer($0) }))
            }
            var parent: Entities.Parent?
            if alert[.procPname] != nil || alert[.procPpid] != nil || alert[.procPcmdline] != nil {
                parent = Entities.Parent(
                    name: alert[.procPname], pid: alert.integer(.procPpid),
                    exepath: alert[.procPexepath] ?? alert[.procPexe], cmdline: alert[.procPcmdline])
            }
            process = Entities.Process(
                name: alert[.procName], pid: alert.integer(.procPid),
                exepath: alert[.procExepath] ?? alert[.procExe], cmdline: alert[.procCmdline],
                cwd: alert[.procCwd], parent: parent, ancestors: ancestors)
        }
        var user: Entities.User?
        if alert[.userName] != nil || alert[.userUid] != nil || alert[.userLoginuid] != nil {
            let login = alert.integer(.userLoginuid)
            user = Entities.User(
                name: alert[.userName], uid: alert.integer(.userUid), loginuid: login,
                loginname: alert[.userLoginname], attribution: attribution(context, loginuid: login))
        }
        var container: Entities.Container?
        if context.holds(.inContainer) {
            var image = alert[.containerImageRepository]
            if let repository = image, let tag = alert[.containerImageTag] {
                var text = TextBuilder(capacity: repository.utf8.count + tag.utf8.count + 1)
                text += repository
                text += ":"
                text += tag
                image = text.string
            }
            container = Entities.Container(
                id: alert[.containerId], name: alert[.containerName], image: image ?? alert[.containerImage],
                privileged: alert[.containerPrivileged].map { $0 == "true" })
        }
        var kubernetes: Entities.Kubernetes?
        if context.holds(.inKubernetes) {
            kubernetes = Entities.Kubernetes(namespace: alert[.k8sNsName], pod: alert[.k8sPodName])
        }
        let isHost: Bool? = context.holds(.onHost) ? true : context.holds(.inContainer) ? false : nil
        return Entities(
            process: process, user: user, container: container, kubernetes: kubernetes, actor: actor(alert),
            hostname: alert.hostname, isHost: isHost, target: context.target)
    }

    private func attribution(_ context: AlertContext, loginuid: Int64?) -> String? {
        guard let loginuid else { return nil }
        let name = context.alert[.userName] ?? "the effective user"
        if loginuid < 0 || loginuid == 4_294_967_295 {
            return
                "No login session is behind this process (login uid unset): it was started by a service, a container runtime or `kubectl exec`, not by someone who logged in to the host."
        }
        // Built piece by piece: string interpolation cost several times as much, for every alert with a login uid.
        var text = TextBuilder(capacity: 192)
        if let uid = context.alert.integer(.userUid), uid == loginuid {
            text += "The process runs as the same account that logged in (uid "
            text.add(loginuid)
            text += ")."
            return text.string
        }
        text += "Login uid "
        text.add(loginuid)
        text += " is the account that logged in (audit login uid); it then acted as "
        text += name
        text += ", for example through sudo or su. Attribute the action to uid "
        text.add(loginuid)
        text += "."
        return text.string
    }

    /// The principal fields of the non-syscall sources, with the kind of actor and the field of its address.
    private static let actorFields: [(field: KnownField, kind: String, ip: KnownField?)] = [
        (.kaUserName, "kubernetes_user", nil), (.ctUser, "aws_identity", .ctSrcip),
        (.gcpUser, "gcp_principal", .gcpCallerIP), (.githubUser, "github_user", nil),
        (.oktaActorName, "okta_user", .oktaClientIp),
    ]

    private func actor(_ alert: Alert) -> Entities.Actor? {
        for candidate in Self.actorFields {
            guard let name = alert[candidate.field] else { continue }
            return Entities.Actor(name: name, kind: candidate.kind, sourceIP: candidate.ip.flatMap { alert[$0] })
        }
        return nil
    }

    // MARK: - Investigation and mitigation

    private func investigation<Sink: ReportSink & ~Copyable>(
        _ context: AlertContext, playbook: PlaybookRef?, into sink: inout Sink, skipped: inout [String]
    ) {
        guard let playbook else {
            steps(
                genericSteps(context), context, sink: &sink,
                skipped: &skipped)
            return
        }
        steps(playbook.investigation, context, sink: &sink, skipped: &skipped)
        // When the alert lacks the values most playbook steps need, generic steps that do apply fill in.
        if sink.stepCount < 3 {
            steps(
                genericSteps(context), context, sink: &sink,
                skipped: &skipped)
        }
    }

    /// Offers the steps that apply to this alert; a step whose values the alert lacks is counted in `skipped`.
    /// (Indexes the array rather than iterating copies: each step holds a dozen references.)
    private func steps<Sink: ReportSink & ~Copyable>(
        _ steps: [InvestigationStep], _ context: AlertContext, sink: inout Sink, skipped: inout [String]
    ) {
        for index in steps.indices where GenericContent.applies(steps[index], to: context) {
            if case .missing(let name) = sink.step(steps[index], context: context) { skipped.append(name) }
        }
    }

    private func genericSteps(_ context: AlertContext) -> [InvestigationStep] {
        let key = GenericContentCache.Key(context)
        if let steps = genericCache.steps(for: key) { return steps }
        let steps = GenericContent.steps(for: context, snippets: knowledge.snippets)
        genericCache.store(steps: steps, for: key)
        return steps
    }

    private func genericMitigations(_ context: AlertContext) -> [Mitigation] {
        let key = GenericContentCache.Key(context)
        if let mitigations = genericCache.mitigations(for: key) { return mitigations }
        let mitigations = GenericContent.mitigations(for: context, snippets: knowledge.snippets)
        genericCache.store(mitigations: mitigations, for: key)
        return mitigations
    }

    private func mitigations<Sink: ReportSink & ~Copyable>(
        _ context: AlertContext, playbook: PlaybookRef?, into sink: inout Sink, skipped: inout [String]
    ) {
        let list = playbook?.mitigations ?? genericMitigations(context)
        // Container-only advice does not apply on the host, and host-only advice not in a container.
        for index in list.indices where GenericContent.applies(list[index], to: context) {
            if case .missing(let name) = sink.mitigation(list[index], context: context) { skipped.append(name) }
        }
    }

    // MARK: - Summary and recommendations

    private func summarize(_ context: AlertContext, verdict: Verdict) -> String {
        let alert = context.alert
        var text = TextBuilder(capacity: 512)
        text += "Falco rule \""
        text += alert.rule
        text += "\""
        if let priority = alert.priority {
            text += " ("
            text += priority.rawValue
            text += ")"
        }
        text += " fired"
        if context.holds(.onHost) {
            text += " on host "
            text += alert.hostname ?? "(unknown host)"
            text += ", outside any container"
        } else if context.holds(.inContainer) {
            text += " in container "
            text += alert[.containerName] ?? alert[.containerId] ?? "unknown"
            if let image = alert[.containerImageRepository] {
                text += " (image "
                text += image
                text += ")"
            }
            if let ns = alert[.k8sNsName], let pod = alert[.k8sPodName] {
                text += ", pod "
                text += ns
                text += "/"
                text += pod
            }
            if let host = alert.hostname {
                text += " on "
                text += host
            }
        } else if let host = alert.hostname {
            text += " on "
            text += host
        }
        text += "."
        if let name = alert[.procName] ?? alert[.procExepath] {
            text += " Process "
            text += name
            if let cmdline = alert[.procCmdline], cmdline != name {
                text += " (command line: "
                text.add(cmdline, maxCharacters: 200)
                text += ")"
            }
            if let parent = alert[.procPname] {
                text += ", child of "
                text += parent
                text += ","
            }
            if let user = alert[.userName] {
                text += " ran as "
                text += user
                if let login = context.loginUID, alert[.userUid] != login {
                    text += " on behalf of login uid "
                    text += login
                }
            }
            addTargetPhrase(context.target, to: &text)
            text += "."
        } else if let actor = actor(alert) {
            text += " "
            text += actor.name
            if let ip = actor.sourceIP {
                text += " (from "
                text += ip
                text += ")"
            }
            if let verb = alert[.kaVerb] {
                text += " made a "
                text += verb
                text += " request"
            } else {
                text += " acted"
            }
            addTargetPhrase(context.target, to: &text)
            if let code = alert[.kaResponseCode] {
                text += ", answered "
                text += code
            }
            text += "."
        }
        text += " Assessment: "
        text += verdict.assessment.label
        text += ", risk "
        text.add(verdict.riskScore)
        text += "/100 ("
        text += verdict.severity.rawValue
        text += ")."
        return text.string
    }

    private func addTargetPhrase(_ target: Target, to text: inout TextBuilder) {
        switch target.kind {
        case .process:
            if let pid = target.pid {
                text += ", targeting process "
                text.add(pid)
            }
        case .file:
            if let path = target.path {
                text += ", on file "
                text.add(path, maxCharacters: 200)
            }
        case .network:
            guard let ip = target.ip else { return }
            text += ", connecting to "
            text += ip
            if let port = target.port {
                text += ":"
                text += port
            }
        case .k8sObject:
            var first = true
            for part in [target.resource, target.namespace, target.name] {
                guard let part else { continue }
                text += first ? " on " : " "
                text += part
                first = false
            }
        case .cloudResource:
            if let name = target.name {
                text += " on "
                text.add(name, maxCharacters: 200)
            }
        case .none:
            break
        }
    }

    static let appendOutputAdvice = Text(
        "Add proc.pid, proc.ppid, proc.sid and proc.vpgid to Falco's output with `append_output` (falco.yaml) so alerts can be tied to a process and its session."
    )

    private func recommend(_ context: AlertContext, playbook: PlaybookRef?) -> [Text] {
        let alert = context.alert
        // The generic append_output advice, unless the playbook already gives its own.
        let needsAppendOutput = alert.source == "syscall" && alert[.procPid] == nil
        if let playbook {
            return needsAppendOutput ? playbook.recommendationsWithAppendOutput : playbook.recommendations
        }
        let write = Text(
            "Write a playbook for \"\(alert.rule)\" (docs/knowledge-base.md) so its alerts get rule-specific signals, steps and tuning."
        )
        return needsAppendOutput ? [Self.appendOutputAdvice, write] : [write]
    }
}

/// A small cache of ATT&CK mappings by rule name and tag list (the playbook follows from the rule). Bounded: the
/// oldest entry goes when it is full. Each lane has its own analyzer, so the lock is uncontended.
final class AttackCache: Sendable {
    private struct Entry {
        let rule: String
        let tags: [String]
        let mappings: [AttackMapping]
        let caveat: String?
        /// The mappings as the report's `attack` array, written once.
        let json: [UInt8]
    }

    private let entries = Mutex<[Entry]>([])
    private static let capacity = 64

    func lookup(rule: String, tags: [String]) -> (mappings: [AttackMapping], caveat: String?, json: [UInt8])? {
        entries.withLock { entries in
            entries.first { $0.rule == rule && $0.tags == tags }.map { ($0.mappings, $0.caveat, $0.json) }
        }
    }

    /// Stores the mappings, and returns their JSON.
    func store(_ mappings: [AttackMapping], caveat: String?, rule: String, tags: [String]) -> [UInt8] {
        var json = JSONWriter(capacity: 512)
        JSONReportRenderer.writeAttack(mappings, to: &json)
        let rendered = json.bytes
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeFirst() }
            entries.append(Entry(rule: rule, tags: tags, mappings: mappings, caveat: caveat, json: rendered))
        }
        return rendered
    }
}

/// Generic content by everything `GenericContent` chooses it by. Unbounded in principle, but the key has a handful
/// of values per source.
final class GenericContentCache: Sendable {
    struct Key: Hashable, Sendable {
        let source: String
        let kind: TargetKind
        let inContainer: Bool
        let inKubernetes: Bool

        init(_ context: AlertContext) {
            source = context.alert.source
            kind = context.target.kind
            inContainer = context.holds(.inContainer)
            inKubernetes = context.holds(.inKubernetes)
        }
    }

    private let entries = Mutex<(steps: [Key: [InvestigationStep]], mitigations: [Key: [Mitigation]])>(([:], [:]))

    func steps(for key: Key) -> [InvestigationStep]? { entries.withLock { $0.steps[key] } }
    func mitigations(for key: Key) -> [Mitigation]? { entries.withLock { $0.mitigations[key] } }

    func store(steps: [InvestigationStep], for key: Key) {
        entries.withLock { if $0.steps.count < 256 { $0.steps[key] = steps } }
    }

    func store(mitigations: [Mitigation], for key: Key) {
        entries.withLock { if $0.mitigations.count < 256 { $0.mitigations[key] = mitigations } }
    }
}

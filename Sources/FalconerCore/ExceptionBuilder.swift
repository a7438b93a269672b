/// Where a syscall exception is scoped beyond the fields its playbook names.
package enum ExceptionLocation: Sendable {
    case asSpecified, image, host
}

/// Builds the Falco exception for an alert: the playbook's field choice filled with the alert's values, scoped to
/// where it happened, and written as a rules-file snippet Falco accepts (`override: exceptions: append`).
package struct ExceptionBuilder: Sendable {
    let knowledge: KnowledgeBase

    package init(knowledge: KnowledgeBase) { self.knowledge = knowledge }

    /// Fields that say where something happened rather than who did it.
    private static func isLocation(_ field: String) -> Bool {
        switch field {
        case "container.image.repository", "container.id", "k8s.ns.name", "container.name", "ka.target.namespace":
            true
        default: false
        }
    }

    package func advice(for context: AlertContext, playbook: PlaybookRef?) -> TuningAdvice {
        let alert = context.alert
        let spec = playbook?.tuning.exception ?? Self.genericSpec(for: alert)
        var notes = playbook?.tuning.notes.string ?? ""
        guard let spec else {
            return TuningAdvice(exceptionYAML: nil, macro: playbook?.tuning.macro, notes: notes)
        }
        var chosen: [(spec: ExceptionFieldSpec, value: String)] = []
        var location = ExceptionLocation.asSpecified
        chosen.reserveCapacity(spec.fields.count + 1)
        var dropped: [String] = []
        var hasLocation = false
        var hasImage = false
        for field in spec.fields {
            let value = field.fixedValue ?? (field.known.map { alert[$0] } ?? alert[field.field])
            guard let value else {
                dropped.append(field.field)
                continue
            }
            chosen.append((field, value))
            hasLocation = hasLocation || Self.isLocation(field.field)
            hasImage = hasImage || field.field == "container.image.repository"
        }
        // Syscall exceptions are scoped to where the alert happened: in a container always to its image (a namespace
        // alone admits every image deployed there), on the host to the host, unless the playbook chose a place.
        if alert.source == "syscall" {
            if context.holds(.inContainer), let repository = alert[.containerImageRepository], !hasImage {
                chosen.append((Self.imageField, repository))
                location = .image
            } else if context.holds(.onHost), !hasLocation {
                chosen.append((Self.hostField, "host"))
                location = .host
            }
        }
        var actorCount = 0
        for entry in chosen where !Self.isLocation(entry.spec.field) && entry.spec.field != "proc.tty" {
            actorCount += 1
        }
        guard chosen.count >= 2, actorCount >= 1 else {
            let missing = dropped.isEmpty ? "" : " (missing: \(dropped.joined(separator: ", ")))"
            notes =
                (notes.isEmpty ? "" : notes + " ")
                + "This alert lacks the values to scope an exception narrowly\(missing); a broader one would hide real attacks, so none is proposed."
            return TuningAdvice(exceptionYAML: nil, macro: playbook?.tuning.macro, notes: notes)
        }
        if !dropped.isEmpty {
            notes =
                (notes.isEmpty ? "" : notes + " ")
                + "Left out of the exception because the alert has no value for them: \(dropped.joined(separator: ", "))."
        }
        var yaml: [UInt8] = []
        yaml.reserveCapacity(384)
        if dropped.isEmpty, let playbook, alert.rule == playbook.rule, let prefix = playbook.exceptionPrefix(location) {
            // The common case: every field the playbook names has a value, so all but the values was written once.
            yaml.append(contentsOf: prefix)
        } else {
            Self.appendPrefix(rule: alert.rule, name: spec.name, fields: chosen.map(\.spec), to: &yaml)
        }
        Self.appendValues(chosen, to: &yaml)
        return TuningAdvice(
            exceptionYAML: String(decoding: yaml, as: UTF8.self), macro: playbook?.tuning.macro, notes: notes)
    }

    /// The YAML of an exception up to its values: the rule, the exception's name, its fields and comparisons.
    static func prefix(rule: String, spec: ExceptionSpec, location: ExceptionLocation) -> [UInt8] {
        var fields = spec.fields
        switch location {
        case .asSpecified: break
        case .image: fields.append(imageField)
        case .host: fields.append(hostField)
        }
        var yaml: [UInt8] = []
        appendPrefix(rule: rule, name: spec.name, fields: fields, to: &yaml)
        return yaml
    }

    private static let imageField = ExceptionFieldSpec(field: "container.image.repository", comp: "=", fixedValue: nil)
    private static let hostField = ExceptionFieldSpec(field: "container.id", comp: "=", fixedValue: nil)

    /// Renders the exception as a Falco rules-file snippet; every alert value is YAML-quoted.
    package static func render(rule: String, name: String, fields: [(field: String, comp: String, value: String)])
        -> String
    {
        let chosen = fields.map {
            (spec: ExceptionFieldSpec(field: $0.field, comp: $0.comp, fixedValue: nil), $0.value)
        }
        var yaml: [UInt8] = []
        appendPrefix(rule: rule, name: name, fields: chosen.map(\.spec), to: &yaml)
        appendValues(chosen, to: &yaml)
        return String(decoding: yaml, as: UTF8.self)
    }

    private static func appendPrefix(rule: String, name: String, fields: [ExceptionFieldSpec], to yaml: inout [UInt8]) {
        Self.append("- rule: ", to: &yaml)
        Quoting.appendYAML(rule, to: &yaml)
        Self.append("\n  exceptions:\n    - name: ", to: &yaml)
        Quoting.appendYAML(name, to: &yaml)
        Self.append("\n      fields: [", to: &yaml)
        for index in fields.indices {
            if index > 0 { append(", ", to: &yaml) }
            yaml.append(contentsOf: fields[index].quotedField)
        }
        Self.append("]\n      comps: [", to: &yaml)
        for index in fields.indices {
            if index > 0 { append(", ", to: &yaml) }
            yaml.append(contentsOf: fields[index].quotedComp)
        }
        Self.append("]\n      values:\n        - [", to: &yaml)
    }

    private static func appendValues(_ fields: [(spec: ExceptionFieldSpec, value: String)], to yaml: inout [UInt8]) {
        for index in fields.indices {
            if index > 0 { append(", ", to: &yaml) }
            Quoting.appendYAML(fields[index].value, to: &yaml)
        }
        Self.append("]\n  override:\n    exceptions: append\n", to: &yaml)
    }

    private static func append(_ text: StaticString, to yaml: inout [UInt8]) {
        text.withUTF8Buffer { yaml.append(contentsOf: $0) }
    }

    /// A generic exception for rules without a playbook: the actor's executable or user, plus the place.
    private static func genericSpec(for alert: Alert) -> ExceptionSpec? {
        let actorFields: [ExceptionFieldSpec]
        switch alert.source {
        case "syscall": actorFields = syscallActor
        case "k8s_audit": actorFields = k8sActor
        case "aws_cloudtrail": actorFields = awsActor
        case "gcp_auditlog": actorFields = gcpActor
        case "github": actorFields = githubActor
        case "okta": actorFields = oktaActor
        default: return nil
        }
        let fields = actorFields.filter { field in (field.known.map { alert[$0] } ?? alert[field.field]) != nil }
        guard !fields.isEmpty else { return nil }
        return ExceptionSpec(name: "known_activity", fields: fields)
    }

    private static func equalityFields(_ names: [String]) -> [ExceptionFieldSpec] {
        names.map { ExceptionFieldSpec(field: $0, comp: "=", fixedValue: nil) }
    }

    private static let syscallActor = equalityFields(["proc.exepath", "user.name"])
    private static let k8sActor = equalityFields(["ka.user.name", "ka.target.namespace"])
    private static let awsActor = equalityFields(["ct.user", "ct.region"])
    private static let gcpActor = equalityFields(["gcp.user", "gcp.projectId"])
    private static let githubActor = equalityFields(["github.user", "github.repo"])
    private static let oktaActor = equalityFields(["okta.actor.name", "okta.client.ip"])
}

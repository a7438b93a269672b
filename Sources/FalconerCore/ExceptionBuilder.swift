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
        let spec = playbook?.tuning.exception ?? genericSpec(for: alert)
        var notes = playbook?.tuning.notes.string ?? ""
        guard let spec else {
            return TuningAdvice(exceptionYAML: nil, macro: playbook?.tuning.macro, notes: notes)
        }
        var chosen: [(field: String, comp: String, value: String)] = []
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
            chosen.append((field.field, field.comp, value))
            hasLocation = hasLocation || Self.isLocation(field.field)
            hasImage = hasImage || field.field == "container.image.repository"
        }
        // Syscall exceptions are scoped to where the alert happened: in a container always to its image (a namespace
        // alone admits every image deployed there), on the host to the host, unless the playbook chose a place.
        if alert.source == "syscall" {
            if context.holds(.inContainer), let repository = alert[.containerImageRepository], !hasImage {
                chosen.append(("container.image.repository", "=", repository))
            } else if context.holds(.onHost), !hasLocation {
                chosen.append(("container.id", "=", "host"))
            }
        }
        var actorCount = 0
        for entry in chosen where !Self.isLocation(entry.field) && entry.field != "proc.tty" { actorCount += 1 }
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
        let yaml = Self.render(rule: alert.rule, name: spec.name, fields: chosen)
        return TuningAdvice(exceptionYAML: yaml, macro: playbook?.tuning.macro, notes: notes)
    }

    /// Renders the exception as a Falco rules-file snippet; every alert value is YAML-quoted.
    package static func render(rule: String, name: String, fields: [(field: String, comp: String, value: String)])
        -> String
    {
        var yaml: [UInt8] = []
        yaml.reserveCapacity(256)
        Self.append("- rule: ", to: &yaml)
        Quoting.appendYAML(rule, to: &yaml)
        Self.append("\n  exceptions:\n    - name: ", to: &yaml)
        Quoting.appendYAML(name, to: &yaml)
        Self.append("\n      fields: ", to: &yaml)
        Self.appendList(fields, part: 0, to: &yaml)
        Self.append("      comps: ", to: &yaml)
        Self.appendList(fields, part: 1, to: &yaml)
        Self.append("      values:\n        - ", to: &yaml)
        Self.appendList(fields, part: 2, to: &yaml)
        Self.append("  override:\n    exceptions: append\n", to: &yaml)
        return String(decoding: yaml, as: UTF8.self)
    }

    private static func append(_ text: StaticString, to yaml: inout [UInt8]) {
        text.withUTF8Buffer { yaml.append(contentsOf: $0) }
    }

    /// One flow list of the field names (part 0), comparisons (1) or values (2), and its line end.
    private static func appendList(
        _ fields: [(field: String, comp: String, value: String)], part: Int, to yaml: inout [UInt8]
    ) {
        yaml.append(UInt8(ascii: "["))
        for index in fields.indices {
            if index > 0 { append(", ", to: &yaml) }
            let entry = fields[index]
            Quoting.appendYAML(part == 0 ? entry.field : part == 1 ? entry.comp : entry.value, to: &yaml)
        }
        append("]\n", to: &yaml)
    }

    /// A generic exception for rules without a playbook: the actor's executable or user, plus the place.
    private func genericSpec(for alert: Alert) -> ExceptionSpec? {
        let actorFields: [String]
        switch alert.source {
        case "syscall": actorFields = ["proc.exepath", "user.name"]
        case "k8s_audit": actorFields = ["ka.user.name", "ka.target.namespace"]
        case "aws_cloudtrail": actorFields = ["ct.user", "ct.region"]
        case "gcp_auditlog": actorFields = ["gcp.user", "gcp.projectId"]
        case "github": actorFields = ["github.user", "github.repo"]
        case "okta": actorFields = ["okta.actor.name", "okta.client.ip"]
        default: return nil
        }
        let fields = actorFields.filter { alert[$0] != nil }
        guard !fields.isEmpty else { return nil }
        return ExceptionSpec(
            name: "known_activity", fields: fields.map { ExceptionFieldSpec(field: $0, comp: "=", fixedValue: nil) })
    }
}

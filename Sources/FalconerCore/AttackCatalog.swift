/// The built-in MITRE ATT&CK Enterprise catalog: the techniques Falconer's playbooks and Falco's rule tags use, and
/// the 14 tactics in kill-chain order. Loaded from `knowledge/attack.yaml`.
package struct AttackCatalog: Sendable {
    package struct Technique: Sendable, Equatable {
        package var id: String
        package var name: String
        package var parent: String?
        /// Tactic shortnames (`privilege-escalation`) in kill-chain order.
        package var tactics: [String]
        package var platforms: [String]
    }

    package struct Tactic: Sendable, Equatable {
        package var id: String
        package var shortname: String
        package var name: String
    }

    package var version: String
    package var techniques: [String: Technique]
    /// Tactics in kill-chain order.
    package var tactics: [Tactic]

    package init(version: String = "", techniques: [String: Technique] = [:], tactics: [Tactic] = []) {
        self.version = version
        self.techniques = techniques
        self.tactics = tactics
    }

    /// "Parent Name: Sub Name" for sub-techniques, the name for techniques; nil for unknown ids.
    package func fullName(of id: String) -> String? {
        guard let technique = techniques[id] else { return nil }
        if let parent = technique.parent, let parentName = techniques[parent]?.name {
            return "\(parentName): \(technique.name)"
        }
        return technique.name
    }

    /// Kill-chain position of a tactic shortname (0 = reconnaissance), or nil.
    package func order(ofTactic shortname: String) -> Int? {
        tactics.firstIndex { $0.shortname == shortname }
    }

    /// The tactic for a Falco `mitre_*` tag (`mitre_privilege_escalation` -> `privilege-escalation`), or nil.
    package func tactic(forFalcoTag tag: String) -> Tactic? {
        guard tag.hasPrefix("mitre_") else { return nil }
        let shortname = tag.dropFirst("mitre_".count).replacingUnderscores
        // Falco spells command-and-control as mitre_command_and_control and also uses mitre_exfiltration etc.
        return tactics.first { $0.shortname == shortname }
    }

    /// Platforms that fit alerts of a Falco source (ATT&CK platform names).
    package static func platforms(forSource source: String) -> Set<String> {
        switch source {
        case "syscall": ["Linux", "Containers"]
        case "k8s_audit": ["Containers"]
        case "aws_cloudtrail", "gcp_auditlog": ["IaaS", "Identity Provider", "SaaS"]
        case "github": ["SaaS", "Identity Provider"]
        case "okta": ["Identity Provider", "SaaS"]
        default: ["Linux", "Containers", "IaaS", "SaaS", "Identity Provider"]
        }
    }
}

extension Substring {
    var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}

/// The built-in Falco field catalog: every field that rules, playbooks and exceptions use, with its sources and type.
/// Loaded from `knowledge/fields.yaml`.
package struct FieldCatalog: Sendable {
    package struct Field: Sendable, Equatable {
        package var name: String
        /// Falco's source names: `syscall`, `all` (generic evt fields), `container plugin`, `k8s_audit`, ...
        package var sources: [String]
        package var type: String
        /// True when the field takes an argument (`proc.aname[2]`, `evt.arg.flags`).
        package var takesArgument: Bool
    }

    package var fields: [String: Field]

    package init(fields: [String: Field] = [:]) { self.fields = fields }

    /// The catalog entry for a field reference, after removing an argument (`[2]`, `.flags` of `evt.arg`).
    package func entry(for reference: String) -> Field? {
        if let field = fields[reference] { return field }
        let base = Self.baseName(of: reference)
        guard base != reference, let field = fields[base], field.takesArgument else { return nil }
        return field
    }

    /// True when `reference` is a field a rule of `source` may use in conditions and exceptions.
    package func isValid(_ reference: String, forSource source: String) -> Bool {
        guard let field = entry(for: reference) else { return false }
        let allowed = Self.sourcesUsable(by: source)
        return field.sources.contains { allowed.contains($0) }
    }

    /// Field sources usable by rules of a source: syscall rules may use the generic, container-plugin and k8smeta
    /// fields; plugin sources may use the generic and json-plugin fields.
    package static func sourcesUsable(by source: String) -> Set<String> {
        switch source {
        case "syscall": ["syscall", "all", "container plugin", "k8smeta", "anomalydetection plugin", "krsi plugin"]
        default: [source, "all", "json plugin"]
        }
    }

    /// The field name without its argument: `proc.aname[2]` -> `proc.aname`, `evt.arg.flags` -> `evt.arg`.
    package static func baseName(of reference: String) -> String {
        var name = Substring(reference)
        if let bracket = name.firstIndex(of: "[") { name = name[..<bracket] }
        for prefix in ["evt.arg.", "evt.rawarg.", "evt.type.is.", "thread.cgroup.", "evt.abspath."]
        where name.hasPrefix(prefix) {
            return String(prefix.dropLast())
        }
        return String(name)
    }
}

/// What an incident report says: the facts the correlator gathered, scored and narrated deterministically.
package struct IncidentView: Sendable {
    package var incident: Incident
    package var score: Int
    package var severity: Verdict.Severity
    /// Tactic shortnames in kill-chain order.
    package var tactics: [String]
    package var narrative: String
    package var timeline: [IncidentMember]
    package var groupedBy: [String]
    package var hosts: [String]
    package var containers: [String]
    package var images: [String]
    package var pods: [String]
    package var users: [String]
    package var loginUIDs: [String]
    package var principals: [String]
    package var processes: [String]
    package var targets: [String]
    package var scoreReasons: [String]

    /// Scores and narrates a closed incident. Score: the highest member risk, plus 5 for each alert that moves the
    /// incident to a later ATT&CK tactic than any before it (at most +25), plus 3 for each further distinct rule (at
    /// most +15), capped at 100.
    package init(_ incident: Incident, attack: AttackCatalog) {
        self.incident = incident
        let timeline = incident.timeline
        self.timeline = timeline
        let base = timeline.map(\.report.verdict.riskScore).max() ?? 0
        var furthest = -1
        var progression = 0
        var reasons = ["highest member risk \(base)"]
        // Each member's tactics, worked out once here (they are derived from its report).
        let memberTactics = timeline.map(\.tactics)
        for (index, member) in timeline.enumerated() {
            let positions = memberTactics[index].compactMap { attack.order(ofTactic: $0) }
            guard let top = positions.max() else { continue }
            if index > 0 && furthest >= 0 && top > furthest {
                progression += 5
                reasons.append("+5: \(member.report.alert.rule) moves to \(attack.tactics[top].name)")
            }
            furthest = max(furthest, top)
        }
        progression = min(progression, 25)
        let rules = Set(timeline.map(\.report.alert.rule)).count
        let breadth = min(15, max(0, rules - 1) * 3)
        if breadth > 0 { reasons.append("+\(breadth): \(rules) distinct rules") }
        score = min(100, base + progression + breadth)
        severity = score < 20 ? .info : score < 40 ? .low : score < 60 ? .medium : score < 80 ? .high : .critical
        scoreReasons = reasons
        var tacticSet: Set<String> = []
        for tactics in memberTactics { tacticSet.formUnion(tactics) }
        tactics = tacticSet.sorted { (attack.order(ofTactic: $0) ?? 99, $0) < (attack.order(ofTactic: $1) ?? 99, $1) }

        var grouped: [String] = []
        for member in timeline where member.reason != "first alert" && !grouped.contains(member.reason) {
            grouped.append(member.reason)
        }
        groupedBy = grouped
        func collect(_ values: [String?]) -> [String] {
            var seen: [String] = []
            for value in values { if let value, !seen.contains(value) { seen.append(value) } }
            return seen
        }
        /// One value per member, read from its alert in place (no copy of the alerts).
        func values(_ read: (Alert) -> String?) -> [String?] {
            var result: [String?] = []
            result.reserveCapacity(timeline.count)
            for index in timeline.indices { result.append(read(timeline[index].report.alert)) }
            return result
        }
        hosts = collect(values(\.hostname))
        containers = collect(
            values { alert in
                guard let id = alert[.containerId], id != "host" else { return nil }
                return alert[.containerName].map { "\(id) (\($0))" } ?? id
            })
        images = collect(values { $0["container.image.repository"] })
        pods = collect(
            values { alert in
                if let ns = alert[.k8sNsName], let pod = alert[.k8sPodName] { return "\(ns)/\(pod)" }
                if alert[.kaTargetResource] == "pods", let ns = alert[.kaTargetNamespace],
                    let name = alert[.kaTargetName]
                {
                    return "\(ns)/\(name)"
                }
                return nil
            })
        users = collect(values { $0["user.name"] })
        loginUIDs = collect(
            values { alert in
                guard let login = alert.integer(.userLoginuid), login >= 0, login != 4_294_967_295 else { return nil }
                return String(login)
            })
        principals = collect(
            values {
                $0["ka.user.name"] ?? $0["ct.user"] ?? $0["gcp.user"] ?? $0["github.user"] ?? $0["okta.actor.name"]
            })
        processes = collect(values { $0["proc.name"] })
        targets = collect(timeline.map { Self.targetText($0.report.entities.target) })
        narrative = Self.narrate(timeline, storms: incident.storms, overflow: incident.overflow)
    }

    static func targetText(_ target: Target) -> String? {
        switch target.kind {
        case .process: return target.pid.map { "process \($0)" }
        case .file: return target.path
        case .network: return target.ip.map { ip in target.port.map { "\(ip):\($0)" } ?? ip }
        case .k8sObject:
            let text = [target.resource, target.namespace, target.name].compactMap { $0 }.joined(separator: " ")
            return text.isEmpty ? nil : text
        case .cloudResource: return target.name
        case .none: return nil
        }
    }

    /// One clause per distinct alert in time order, joined with "then": facts only, no guesses.
    static func narrate(_ timeline: [IncidentMember], storms: [StormSummary], overflow: Int) -> String {
        var clauses: [String] = []
        for member in timeline {
            let alert = member.report.alert
            var clause: String
            if let user = alert[.kaUserName] {
                let ns = alert[.kaTargetNamespace] ?? ""
                let name = alert[.kaTargetName] ?? ""
                switch alert[.kaTargetSubresource] {
                case "exec"?:
                    clause = "\(user) exec'd into pod \(ns)/\(name)"
                    if let command = alert["ka.uri.param[command]"] { clause += " (command \(command))" }
                case "attach"?:
                    clause = "\(user) attached to pod \(ns)/\(name)"
                default:
                    let verb = alert[.kaVerb] ?? "acted on"
                    let object = [alert[.kaTargetResource], ns.isEmpty ? nil : ns, name.isEmpty ? nil : name]
                        .compactMap { $0 }
                    clause = "\(user) \(verb) \(object.joined(separator: " ")) (\(alert.rule))"
                }
            } else if alert.source == "syscall" || alert[.procName] != nil {
                let process = alert[.procName] ?? "a process"
                var place = ""
                if let container = alert[.containerId], container != "host" {
                    place = " in container \(alert[.containerName] ?? String(container.prefix(12)))"
                } else if let host = alert.hostname {
                    place = " on \(host)"
                }
                clause = "\(process)\(place): \(alert.rule)"
                if let target = targetText(member.report.entities.target) { clause += " (\(target))" }
            } else {
                let actor = member.report.entities.actor?.name ?? "someone"
                clause = "\(actor): \(alert.rule)"
                if let target = targetText(member.report.entities.target) { clause += " on \(target)" }
            }
            if member.count > 1 { clause += " x\(member.count)" }
            clauses.append(clause)
        }
        var text = clauses.isEmpty ? "" : clauses[0]
        for clause in clauses.dropFirst() { text += "; then " + clause }
        if overflow > 0 { text += "; and \(overflow) more distinct alert(s)" }
        text += "."
        for storm in storms { text += " Storm: \(storm.summary)." }
        return text
    }
}

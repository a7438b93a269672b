/// Renders a report as Markdown in the shape users asked for (Summary, Detailed analysis, Verdict, ATT&CK,
/// Investigation, Mitigation, Falco tuning, Recommendations, Caveats). Every alert value is escaped or fenced.
package struct MarkdownReportRenderer: Sendable {
    package init() {}

    package func render(_ report: Report) -> String {
        var md = ""
        let alert = report.alert
        md += "# Alert analysis: \(Quoting.markdown(alert.rule))\n\n"
        md += "| | |\n|---|---|\n"
        md += "| Priority | \(Quoting.markdown(alert.priority?.rawValue ?? "unknown")) |\n"
        md += "| Time | \(Quoting.markdownCode(alert.timeText ?? "unknown")) |\n"
        md += "| Source | \(Quoting.markdown(alert.source))\(alert.isSourceInferred ? " (inferred)" : "") |\n"
        md += "| Host | \(Quoting.markdown(alert.hostname ?? "unknown")) |\n"
        if let uuid = alert.uuid { md += "| Alert id | \(Quoting.markdownCode(uuid)) |\n" }
        md += "| Input | \(Quoting.markdownCode(alert.origin)) |\n\n"

        md += "## Summary\n\n\(Quoting.markdown(report.summary))\n\n"
        if let description = report.ruleDescription {
            md += "**What this rule detects.** \(description.markdown)\n\n"
        }

        md += "## Detailed analysis\n\n"
        md += entityTable(report.entities)
        if let attribution = report.entities.user?.attribution {
            md += "\n**Who.** \(Quoting.markdown(attribution))\n"
        }
        md += "\n**Where.** \(Quoting.markdown(placeSentence(report.entities)))\n"
        md += "\n**Target.** \(Quoting.markdown(targetSentence(report.entities.target)))\n\n"

        md += "## Verdict\n\n"
        let verdict = report.verdict
        md += "**\(verdict.assessment.label)**: risk score \(verdict.riskScore)/100, "
        md += "severity \(verdict.severity.rawValue).\n\n"
        md += "| Signal | Weight | Why |\n|---|---:|---|\n"
        for reason in verdict.reasons {
            md +=
                "| \(Quoting.markdown(reason.signal)) | \(reason.weight > 0 ? "+" : "")\(reason.weight) | \(reason.detail.markdown) |\n"
        }
        if !report.benign.isEmpty {
            md += "\nCommon benign explanations:\n\n"
            for item in report.benign { md += "- \(item.markdown)\n" }
        }
        md += "\n## MITRE ATT&CK\n\n"
        if report.attack.isEmpty {
            md += "No ATT&CK technique is established for this alert.\n\n"
        } else {
            md += "| Technique | Name | Tactics | From |\n|---|---|---|---|\n"
            for item in report.attack {
                let from = item.origin.rawValue + (item.note.map { ": \($0.markdown)" } ?? "")
                md +=
                    "| \(item.id) | \(Quoting.markdown(item.fullName)) | \(item.tactics.joined(separator: ", ")) | \(from) |\n"
            }
            md += "\n"
        }

        md += "## Investigation\n\nRead-only commands, filled with this alert's values.\n\n"
        if report.investigation.isEmpty { md += "No step applies with the values this alert carries.\n\n" }
        for (index, step) in report.investigation.enumerated() {
            md += "\(index + 1). **\(step.title.markdown)**\n\n"
            md += indent(Quoting.markdownFence(step.command, language: "sh")) + "\n\n"
            md +=
                "   Look for: \(step.lookFor.markdown) (\(step.reference.markdown))\n\n"
        }

        md += "## Mitigation\n\n"
        if report.mitigations.isEmpty { md += "No mitigation applies with the values this alert carries.\n\n" }
        for mitigation in report.mitigations {
            let label = mitigation.kind + (mitigation.isDisruptive ? ", disruptive" : "")
            md += "### \(mitigation.title.markdown) (\(label))\n\n"
            for command in mitigation.commands { md += Quoting.markdownFence(command, language: "sh") + "\n\n" }
            if let config = mitigation.config {
                md += Quoting.markdownFence(config.text.trimmingSpaces, language: config.language) + "\n\n"
            }
            md += "Reach: \(mitigation.reach.markdown)\n\n"
            if let undo = mitigation.undo { md += "Undo: \(Quoting.markdown(undo))\n\n" }
            md += "Reference: \(mitigation.reference.markdown)\n\n"
        }

        md += "## Falco tuning\n\n"
        if let yaml = report.tuning.exceptionYAML {
            md += "Add to a rules file loaded after Falco's own (for example /etc/falco/rules.d/):\n\n"
            md += Quoting.markdownFence(yaml.trimmingSpaces, language: "yaml") + "\n\n"
        }
        if let macro = report.tuning.macro {
            md += "The rule also has a tuning hook: \(Quoting.markdownCode(macro)).\n\n"
        }
        if !report.tuning.notes.isEmpty { md += "\(Quoting.markdown(report.tuning.notes))\n\n" }

        md += "## Recommendations\n\n"
        for item in report.recommendations { md += "- \(item.markdown)\n" }
        if report.recommendations.isEmpty { md += "None beyond the steps above.\n" }
        md += "\n## Caveats\n\n"
        for item in report.caveats { md += "- \(Quoting.markdown(item))\n" }
        if report.caveats.isEmpty { md += "None.\n" }
        md += "\n---\nPlaybook: \(report.playbook.map(Quoting.markdown) ?? "none (generic analysis)")"
        if let version = report.playbookVersion { md += " v\(version)" }
        md += "; knowledge \(report.knowledgeVersion).\n"
        return md
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "   " + $0 }.joined(separator: "\n")
    }

    private func entityTable(_ entities: Entities) -> String {
        var rows: [(String, String)] = []
        if let process = entities.process {
            if let name = process.name {
                rows.append(("Process", Quoting.markdownCode(name) + (process.pid.map { " (pid \($0))" } ?? "")))
            }
            if let exe = process.exepath { rows.append(("Executable", Quoting.markdownCode(exe))) }
            if let cmdline = process.cmdline { rows.append(("Command line", Quoting.markdownCode(cmdline))) }
            if let cwd = process.cwd { rows.append(("Working directory", Quoting.markdownCode(cwd))) }
            if let parent = process.parent {
                var text = parent.name.map(Quoting.markdownCode) ?? "unknown"
                if let pid = parent.pid { text += " (pid \(pid))" }
                if let cmdline = parent.cmdline, cmdline != parent.name { text += ": " + Quoting.markdownCode(cmdline) }
                rows.append(("Parent", text))
            }
            if !process.ancestors.isEmpty {
                rows.append(
                    ("Ancestors", process.ancestors.map { Quoting.markdownCode($0.name) }.joined(separator: " ← ")))
            }
        }
        if let user = entities.user {
            var text = user.name.map(Quoting.markdownCode) ?? "unknown"
            if let uid = user.uid { text += " (uid \(uid))" }
            rows.append(("User", text))
            if let login = user.loginuid {
                rows.append(("Login uid", login < 0 || login == 4_294_967_295 ? "none (\(login))" : "\(login)"))
            }
        }
        if let actor = entities.actor {
            rows.append(("Actor", Quoting.markdownCode(actor.name) + " (\(actor.kind.replacing("_", with: " ")))"))
            if let ip = actor.sourceIP { rows.append(("Source address", Quoting.markdownCode(ip))) }
        }
        if let container = entities.container {
            if let id = container.id {
                rows.append(
                    (
                        "Container",
                        Quoting.markdownCode(id) + (container.name.map { " " + Quoting.markdownCode($0) } ?? "")
                    ))
            }
            if let image = container.image { rows.append(("Image", Quoting.markdownCode(image))) }
            if let privileged = container.privileged { rows.append(("Privileged", privileged ? "yes" : "no")) }
        } else if entities.isHost == true {
            rows.append(("Container", "none: the host itself (container.id is `host`)"))
        }
        if let kubernetes = entities.kubernetes {
            rows.append(
                (
                    "Kubernetes",
                    [kubernetes.namespace, kubernetes.pod].compactMap { $0.map(Quoting.markdownCode) }.joined(
                        separator: " / ")
                ))
        }
        guard !rows.isEmpty else { return "The alert carries no process, user or actor fields.\n" }
        return "| Entity | Value |\n|---|---|\n" + rows.map { "| \($0.0) | \($0.1) |\n" }.joined()
    }

    private func placeSentence(_ entities: Entities) -> String {
        let host = entities.hostname ?? "an unknown host"
        switch entities.isHost {
        case true?: return "On the host \(host) itself, outside any container."
        case false?:
            let name = entities.container?.name ?? entities.container?.id ?? "unknown"
            return "Inside container \(name) on \(host)."
        case nil: return "On \(host)."
        }
    }

    private func targetSentence(_ target: Target) -> String {
        let from = target.source.map { $0.hasPrefix("parsed") ? " (\($0))" : " (from \($0))" } ?? ""
        switch target.kind {
        case .process:
            return target.pid.map { "Process \($0)\(from): find out what it is before anything else." }
                ?? "A process, whose pid the alert does not say."
        case .file: return target.path.map { "File \($0)\(from)." } ?? "A file the alert does not name."
        case .network:
            return target.ip.map { "Remote endpoint \($0)\(target.port.map { ":\($0)" } ?? "")\(from)." }
                ?? "A network peer the alert does not name."
        case .k8sObject:
            let object = [target.resource, target.namespace, target.name].compactMap { $0 }.joined(separator: " ")
            return object.isEmpty ? "A Kubernetes object the alert does not name." : "Kubernetes object \(object)."
        case .cloudResource:
            return target.name.map { "Resource \($0)\(from)." } ?? "A cloud or SaaS resource the alert does not name."
        case .none: return "No separate target: the action itself is the finding."
        }
    }
}

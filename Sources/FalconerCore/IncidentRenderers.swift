/// Renders incidents as `falconer.incident/v1` NDJSON lines (docs/report-schema.md).
package struct JSONIncidentRenderer: Sendable {
    package init() {}

    package func render(_ view: IncidentView, into out: inout [UInt8]) {
        var json = JSONWriter(capacity: 16_384)
        let incident = view.incident
        json.beginObject()
        json.key("schema")
        json.string("falconer.incident/v1")
        json.key("id")
        json.string(incident.id)
        json.key("score")
        json.int(view.score)
        json.key("severity")
        json.string(view.severity.rawValue)
        json.key("score_reasons")
        json.strings(view.scoreReasons)
        json.key("first_seen")
        json.string(incident.firstSeen.map { RFC3339.format($0, fraction: true) })
        json.key("last_seen")
        json.string(incident.lastSeen.map { RFC3339.format($0, fraction: true) })
        json.key("alert_count")
        json.int(incident.alertCount)
        json.key("tactics")
        json.strings(view.tactics)
        json.key("narrative")
        json.string(view.narrative)
        json.key("entities")
        json.beginObject()
        let lists: [(StaticString, [String])] = [
            ("hosts", view.hosts), ("containers", view.containers), ("images", view.images), ("pods", view.pods),
            ("users", view.users), ("login_uids", view.loginUIDs), ("principals", view.principals),
            ("processes", view.processes), ("targets", view.targets),
        ]
        for (name, values) in lists {
            json.key(name)
            json.strings(values)
        }
        json.endObject()
        json.key("grouped_by")
        json.strings(view.groupedBy)
        json.key("alerts")
        json.beginArray()
        for member in view.timeline {
            json.beginObject()
            json.key("uuid")
            json.string(member.id)
            json.key("rule")
            json.string(member.report.alert.rule)
            json.key("priority")
            json.string(member.report.alert.priority?.rawValue)
            json.key("time")
            json.string(member.report.alert.timeText)
            json.key("count")
            json.int(member.count)
            json.key("first_seen")
            json.string(member.firstSeen.map { RFC3339.format($0, fraction: true) })
            json.key("last_seen")
            json.string(member.lastSeen.map { RFC3339.format($0, fraction: true) })
            json.key("reason")
            json.string(member.reason)
            json.key("assessment")
            json.string(member.report.verdict.assessment.rawValue)
            json.key("risk_score")
            json.int(member.report.verdict.riskScore)
            json.key("tactics")
            json.strings(member.tactics)
            json.endObject()
        }
        json.endArray()
        json.key("overflow")
        json.int(incident.overflow)
        json.key("storms")
        json.beginArray()
        for storm in incident.storms {
            json.beginObject()
            json.key("rule")
            json.string(storm.rule)
            json.key("workload")
            json.string(storm.workload)
            json.key("count")
            json.int(storm.count)
            json.key("pods")
            json.int(storm.pods.count)
            json.key("containers")
            json.int(storm.containers.count)
            json.key("hosts")
            json.int(storm.hosts.count)
            json.key("first_seen")
            json.string(storm.firstSeen.map { RFC3339.format($0, fraction: true) })
            json.key("last_seen")
            json.string(storm.lastSeen.map { RFC3339.format($0, fraction: true) })
            json.key("summary")
            json.string(storm.summary)
            json.endObject()
        }
        json.endArray()
        json.key("caveats")
        json.strings(incident.caveats)
        json.key("reports")
        json.beginArray()
        let renderer = JSONReportRenderer()
        for member in view.timeline {
            if let rendered = member.rendered {
                json.raw(rendered)
            } else {
                renderer.write(member.report, to: &json)
            }
        }
        json.endArray()
        json.endObject()
        json.append(to: &out)
        out.append(0x0A)
    }
}

/// Renders an incident as Markdown: narrative, timeline, entities, tactics, why grouped, storms, caveats, then the
/// member alert reports.
package struct MarkdownIncidentRenderer: Sendable {
    package init() {}

    package func render(_ view: IncidentView) -> String {
        let incident = view.incident
        var md = "# Incident \(incident.id): score \(view.score)/100 (\(view.severity.rawValue))\n\n"
        md += "\(Quoting.markdown(view.narrative))\n\n"
        md += "| | |\n|---|---|\n"
        md +=
            "| First seen | \(Quoting.markdownCode(incident.firstSeen.map { RFC3339.format($0, fraction: true) } ?? "unknown")) |\n"
        md +=
            "| Last seen | \(Quoting.markdownCode(incident.lastSeen.map { RFC3339.format($0, fraction: true) } ?? "unknown")) |\n"
        md += "| Alerts | \(incident.alertCount) (\(view.timeline.count) distinct) |\n"
        md += "| Tactics | \(view.tactics.isEmpty ? "none established" : view.tactics.joined(separator: " → ")) |\n"
        md += "| Score | \(Quoting.markdown(view.scoreReasons.joined(separator: "; "))) |\n\n"
        md += "## Timeline\n\n| Time | Rule | Count | Verdict | Why it joined |\n|---|---|---:|---|---|\n"
        for member in view.timeline {
            let time = member.firstSeen.map { RFC3339.format($0, fraction: true) } ?? "unknown"
            md += "| \(Quoting.markdownCode(time)) | \(Quoting.markdown(member.report.alert.rule)) | \(member.count) | "
            md +=
                "\(member.report.verdict.assessment.rawValue) (\(member.report.verdict.riskScore)) | \(Quoting.markdown(member.reason)) |\n"
        }
        md += "\n## Entities\n\n"
        let lists: [(String, [String])] = [
            ("Hosts", view.hosts), ("Containers", view.containers), ("Images", view.images), ("Pods", view.pods),
            ("Users", view.users), ("Login uids", view.loginUIDs), ("Principals", view.principals),
            ("Processes", view.processes), ("Targets", view.targets),
        ]
        for (name, values) in lists where !values.isEmpty {
            md += "- \(name): \(values.map(Quoting.markdownCode).joined(separator: ", "))\n"
        }
        md += "\n## Why these alerts are one incident\n\n"
        if view.groupedBy.isEmpty { md += "A single alert (and its repeats).\n" }
        for reason in view.groupedBy { md += "- \(Quoting.markdown(reason))\n" }
        if !incident.storms.isEmpty {
            md += "\n## Storms\n\n"
            for storm in incident.storms { md += "- \(Quoting.markdown(storm.summary))\n" }
        }
        md += "\n## Caveats\n\n"
        if incident.caveats.isEmpty { md += "None.\n" }
        for caveat in incident.caveats { md += "- \(Quoting.markdown(caveat))\n" }
        md += "\n## Alert reports\n\n"
        for member in view.timeline {
            md += member.rendered.map { String(decoding: $0, as: UTF8.self) } ?? MemberReport.markdown(member.report)
        }
        return md
    }

    /// Moves every Markdown heading two levels down, so member reports nest under the incident.
    static func demote(_ markdown: String) -> String {
        var inFence = false
        return markdown.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            if line.hasPrefix("```") { inFence.toggle() }
            return !inFence && line.hasPrefix("#") ? "##" + line : String(line)
        }.joined(separator: "\n")
    }
}

/// A member alert's report as an incident embeds it, so callers can render it in parallel ahead of the incident.
package enum MemberReport {
    /// The report in Markdown with its headings moved under the incident's, followed by a blank line.
    package static func markdown(_ report: Report) -> String {
        MarkdownIncidentRenderer.demote(MarkdownReportRenderer().render(report)) + "\n"
    }
}

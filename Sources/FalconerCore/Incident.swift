/// Settings of the correlator (docs/incidents.md).
package struct IncidentSettings: Sendable, Equatable {
    /// An incident closes after this much event time without a new alert.
    package var idleWindowSeconds: Int64 = 900
    /// The longest event-time span of one incident; a later alert starts a new one.
    package var maxSpanSeconds: Int64 = 14_400
    /// More than this many alerts of one rule and workload within the idle window become one storm summary.
    package var stormThreshold = 50
    /// Open incidents kept at most; past it the least recently active one is closed early.
    package var maxOpenIncidents = 20_000
    /// Distinct member alerts kept per incident; further distinct alerts are only counted.
    package var maxMembers = 200

    package init() {}
}

/// One distinct alert of an incident: repeats with the same fingerprint are collapsed into it with a count.
package struct IncidentMember: Sendable {
    package var report: Report
    package var fingerprint: FingerprintKey
    package var count: Int
    package var firstSeen: EventTime?
    package var lastSeen: EventTime?
    /// Why it joined: "first alert", "same container 3f2a… on node-a", ...
    package var reason: String

    /// falcosidekick's uuid, else a stable id derived from the alert (`fa-` + FNV-1a). Worked out when asked for
    /// (when the incident is rendered, off the correlating thread), from the member's first alert.
    package var id: String { report.alert.uuid ?? Correlator.memberID(report.alert, fingerprint: fingerprint.stable) }

    /// ATT&CK tactic shortnames of this alert, worked out when asked for.
    package var tactics: [String] { Correlator.tactics(of: report) }
    /// The member's report rendered in the incident's format (`MemberReport`), when the caller rendered it before
    /// writing the incident (e.g. from a full analysis of a slim report); nil renders `report` itself.
    package var rendered: [UInt8]?
}

/// Many alerts of one rule and workload, summarised instead of reported one by one.
package struct StormSummary: Sendable {
    package var rule: String
    /// The workload: `namespace/image`, `image`, `host NAME`, or the principal for audit and cloud rules.
    package var workload: String
    package var count: Int
    package var pods: Set<String>
    package var containers: Set<String>
    package var hosts: Set<String>
    package var firstSeen: EventTime?
    package var lastSeen: EventTime?

    /// "Terminal shell in container x1,240 from 3 pods of shop/web in 10 min".
    package var summary: String {
        var text = "\(rule) x\(Self.grouped(count))"
        if pods.count > 1 {
            text += " from \(pods.count) pods of \(workload)"
        } else if containers.count > 1 {
            text += " from \(containers.count) containers of \(workload)"
        } else {
            text += " in \(workload)"
        }
        if hosts.count > 1 { text += " on \(hosts.count) hosts" }
        if let first = firstSeen, let last = lastSeen {
            let minutes = max(1, Int((last.nanoseconds - first.nanoseconds) / 60_000_000_000))
            text += " in \(minutes) min"
        }
        return text
    }

    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }
}

/// Related alerts grouped into one story.
package struct Incident: Sendable {
    package var id: String
    package var members: [IncidentMember]
    package var firstSeen: EventTime?
    package var lastSeen: EventTime?
    package var storms: [StormSummary]
    package var caveats: [String]
    /// Distinct alerts beyond `maxMembers`, counted only.
    package var overflow: Int
    /// Total alerts, repeats and storm alerts included.
    package var alertCount: Int
    var fingerprints: [FingerprintKey: Int]
    var keys: Set<HashedKey>
    var stormKeys: Set<HashedKey>

    init(id: String) {
        self.id = id
        members = []
        storms = []
        caveats = []
        overflow = 0
        alertCount = 0
        fingerprints = [:]
        keys = []
        stormKeys = []
    }

    /// Members in event-time order (stable for equal times).
    package var timeline: [IncidentMember] {
        // Members usually arrive in time order: then the array is the timeline as it is, with nothing copied.
        var ordered = true
        for index in members.indices.dropFirst()
        where (members[index - 1].firstSeen?.nanoseconds ?? .max) > (members[index].firstSeen?.nanoseconds ?? .max) {
            ordered = false
            break
        }
        if ordered { return members }
        return members.enumerated().sorted { lhs, rhs in
            let left = lhs.element.firstSeen?.nanoseconds ?? .max
            let right = rhs.element.firstSeen?.nanoseconds ?? .max
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
    }
}

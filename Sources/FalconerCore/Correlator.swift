/// Groups analysed alerts into incidents by shared entities within an event-time window (docs/incidents.md).
/// A pure state machine: it reads only the alerts' own event times, so a replay from a file and a live feed agree.
/// Callers get back the incidents that closed; `finish` closes the rest.
package struct Correlator: Sendable {
    package let settings: IncidentSettings
    private var open: [String: Incident] = [:]
    /// Each open incident's first and last event time, kept beside `open`: the lookups and the sweep read only these,
    /// and reading an incident out of `open` copies it, retaining and releasing everything it holds.
    private var activity: [String: (first: Int64?, last: Int64?)] = [:]
    /// The open incidents that summarise a storm.
    private var stormIncidents: Set<String> = []
    /// Join key -> incident id.
    private var keyIndex: [HashedKey: String] = [:]
    private var storms: [HashedKey: StormState] = [:]
    /// The latest event time seen: the correlator's clock.
    private var watermark: EventTime?
    private var lastSweep: EventTime?
    private var telemetry: [Telemetry] = []
    private let window: Int64
    private let maxSpan: Int64

    private struct StormState {
        var windowStart: EventTime?
        var count: Int
        var incidentID: String?
        var lastSeen: EventTime?
    }

    package init(settings: IncidentSettings = IncidentSettings()) {
        self.settings = settings
        window = settings.idleWindowSeconds * 1_000_000_000
        maxSpan = settings.maxSpanSeconds * 1_000_000_000
    }

    package var openCount: Int { open.count }

    /// What the correlator holds, for tests that check memory stays bounded.
    package var footprint: [String: Int64] {
        let oldest = open.values.compactMap { $0.firstSeen?.nanoseconds }.min() ?? 0
        return [
            "incidents": Int64(open.count), "members": Int64(open.values.reduce(0) { $0 + $1.members.count }),
            "keys": Int64(keyIndex.count), "storm_summaries": Int64(open.values.reduce(0) { $0 + $1.storms.count }),
            "oldest_age_s": ((watermark?.nanoseconds ?? 0) - oldest) / 1_000_000_000,
        ]
    }

    /// Records a Falco telemetry event; those with drops become caveats of incidents on the same host and time.
    package mutating func receive(_ event: Telemetry) {
        guard event.isCaveat else { return }
        telemetry.append(event)
        if telemetry.count > 1000 { telemetry.removeFirst(telemetry.count - 1000) }
    }

    /// Adds one analysed alert; returns the incidents this closed (idle, too long, or over the open limit).
    /// `precomputed` must be `CorrelationKeys.of(report.alert)` when given (callers compute it in parallel).
    package mutating func receive(_ report: Report, keys precomputed: CorrelationKeys? = nil) -> [Incident] {
        receive(report.alert, keys: precomputed) { report }
    }

    /// `receive(_:keys:)` for an alert whose slim report (`Analyzer.analyzeForCorrelation`) is only made, by
    /// `report`, when the alert becomes a new member: most alerts repeat a member or belong to a storm, which are only
    /// counted, so their analysis would be thrown away.
    package mutating func receive(
        _ alert: Alert, keys precomputed: CorrelationKeys? = nil, report: () -> Report
    ) -> [Incident] {
        let time = alert.time ?? watermark
        if let time, watermark.map({ time > $0 }) ?? true { watermark = time }
        var closed = sweep()

        let derived = precomputed ?? CorrelationKeys.of(alert)
        let keys = derived.keys
        let fingerprint = derived.fingerprint
        let stormKey = derived.stormKey

        // Storms: a rule and workload over the threshold within the window is summarised, not reported one by one.
        if let stormID = stormIncident(for: stormKey, alert: alert, time: time, closed: &closed) {
            // Taken out while it changes (two lookups instead of one per field), and mutated in place.
            if var storm = open.removeValue(forKey: stormID) {
                defer { store(storm) }
                storm.alertCount += 1
                if let time {
                    if storm.firstSeen.map({ time < $0 }) ?? true { storm.firstSeen = time }
                    if storm.lastSeen.map({ time > $0 }) ?? true { storm.lastSeen = time }
                }
                if let index = storm.storms.firstIndex(where: { $0.rule == alert.rule }) {
                    storm.storms[index].add(alert, time: time)
                }
            }
            return closed
        }

        // Which open incidents share a key with this alert?
        var matches: [(id: String, key: JoinKeys.Key)] = []
        for key in keys where key.lookup {
            // Only the first-seen time is read: copying the whole incident out would retain all it holds.
            guard let id = keyIndex[key.value], let times = activity[id] else { continue }
            if let time, let first = times.first, time.nanoseconds - first > maxSpan { continue }
            if !matches.contains(where: { $0.id == id }) { matches.append((id, key)) }
        }
        let id: String
        let reason: String
        if let first = matches.first {
            // Several incidents share a key with this alert: they become one. The largest absorbs the others, so
            // a merge costs the size of the small incidents, not of the big one each time.
            let largest = matches.max { (open[$0.id]?.keys.count ?? 0) < (open[$1.id]?.keys.count ?? 0) } ?? first
            id = largest.id
            reason = first.key.reason
            for other in matches where other.id != id { merge(other.id, into: id, reason: other.key.reason) }
        } else {
            id = Self.incidentID(alert: alert, fingerprint: fingerprint.stable)
            if open[id] != nil {
                // The same first alert twice (a replayed duplicate): keep joining the existing incident.
            } else {
                store(Incident(id: id))
            }
            reason = "first alert"
        }
        add(report, fingerprint: fingerprint, keys: keys, stormKey: stormKey, reason: reason, to: id, time: time)
        for key in keys where key.register { keyIndex[key.value] = id }
        if let stormKey { countForStorm(stormKey, incidentID: id, time: time) }
        if open.count > settings.maxOpenIncidents, let oldest = leastRecentlyActive() {
            closed.append(close(oldest))
        }
        return closed
    }

    /// Closes every incident idle at `time`.
    package mutating func expire(at time: EventTime) -> [Incident] {
        if watermark.map({ time > $0 }) ?? true { watermark = time }
        lastSweep = nil
        return sweep()
    }

    /// Closes every open incident, in first-seen order.
    package mutating func finish() -> [Incident] {
        let ids = open.values.sorted { lhs, rhs in
            let left = lhs.firstSeen?.nanoseconds ?? .max
            let right = rhs.firstSeen?.nanoseconds ?? .max
            return left != right ? left < right : lhs.id < rhs.id
        }.map(\.id)
        return ids.map { close($0) }
    }

    // MARK: - Internals

    private mutating func add(
        _ report: () -> Report, fingerprint: FingerprintKey, keys: [JoinKeys.Key], stormKey: HashedKey?,
        reason: String, to id: String, time: EventTime?
    ) {
        // Taken out of the dictionary while it changes, so its arrays and sets are mutated in place, not copied.
        guard var incident = open.removeValue(forKey: id) else { return }
        defer { store(incident) }
        for key in keys where key.register { incident.keys.insert(key.value) }
        if let stormKey { incident.stormKeys.insert(stormKey) }
        incident.alertCount += 1
        if let index = incident.fingerprints[fingerprint] {
            incident.members[index].count += 1
            if let time {
                if incident.members[index].firstSeen.map({ time < $0 }) ?? true {
                    incident.members[index].firstSeen = time
                }
                if incident.members[index].lastSeen.map({ time > $0 }) ?? true {
                    incident.members[index].lastSeen = time
                }
            }
        } else if incident.members.count >= settings.maxMembers {
            incident.overflow += 1
        } else {
            let member = IncidentMember(
                report: report(), fingerprint: fingerprint, count: 1, firstSeen: time, lastSeen: time, reason: reason,
                rendered: nil)
            incident.fingerprints[fingerprint] = incident.members.count
            incident.members.append(member)
        }
        if let time {
            if incident.firstSeen.map({ time < $0 }) ?? true { incident.firstSeen = time }
            if incident.lastSeen.map({ time > $0 }) ?? true { incident.lastSeen = time }
        }
    }

    /// Puts an incident back into `open`, recording its times.
    private mutating func store(_ incident: Incident) {
        activity[incident.id] = (incident.firstSeen?.nanoseconds, incident.lastSeen?.nanoseconds)
        open[incident.id] = incident
    }

    private mutating func merge(_ source: String, into target: String, reason: String) {
        guard source != target, open[target] != nil, let from = open.removeValue(forKey: source),
            var into = open.removeValue(forKey: target)
        else { return }
        for var member in from.members {
            if let index = into.fingerprints[member.fingerprint] {
                into.members[index].count += member.count
                continue
            }
            guard into.members.count < settings.maxMembers else {
                into.overflow += member.count
                continue
            }
            if member.reason == "first alert" { member.reason = "merged: \(reason)" }
            into.fingerprints[member.fingerprint] = into.members.count
            into.members.append(member)
        }
        into.alertCount += from.alertCount
        into.overflow += from.overflow
        into.storms += from.storms
        into.keys.formUnion(from.keys)
        into.stormKeys.formUnion(from.stormKeys)
        if let first = from.firstSeen, into.firstSeen.map({ first < $0 }) ?? true { into.firstSeen = first }
        if let last = from.lastSeen, into.lastSeen.map({ last > $0 }) ?? true { into.lastSeen = last }
        for key in from.keys { keyIndex[key] = target }
        for (key, state) in storms where state.incidentID == source { storms[key]?.incidentID = target }
        activity[source] = nil
        if stormIncidents.remove(source) != nil || !into.storms.isEmpty { stormIncidents.insert(target) }
        store(into)
    }

    private mutating func countForStorm(_ key: HashedKey, incidentID: String, time: EventTime?) {
        var state = storms[key] ?? StormState(windowStart: time, count: 0, incidentID: nil, lastSeen: time)
        if let time, let start = state.windowStart, time.nanoseconds - start.nanoseconds > window {
            state = StormState(windowStart: time, count: 0, incidentID: nil, lastSeen: time)
        }
        state.count += 1
        state.lastSeen = time ?? state.lastSeen
        storms[key] = state
    }

    /// When `key` is over the threshold, returns the storm's incident (creating it and folding in the open
    /// incidents that hold nothing but this storm's alerts).
    private mutating func stormIncident(for key: HashedKey?, alert: Alert, time: EventTime?, closed: inout [Incident])
        -> String?
    {
        guard let key, var state = storms[key] else { return nil }
        if let time, let start = state.windowStart, time.nanoseconds - start.nanoseconds > window {
            storms[key] = nil
            return nil
        }
        guard state.count >= settings.stormThreshold else { return nil }
        if let id = state.incidentID, stormIncidents.contains(id) { return id }
        // The storm starts now: collect the pure-noise incidents of this key into one. An incident already as long as
        // the maximum span is left to close (else a workload that storms all day would keep one incident, and its
        // summaries, open forever).
        let noise = open.values.filter { incident in
            guard incident.stormKeys.count == 1, incident.stormKeys.contains(key),
                incident.members.allSatisfy({ $0.report.alert.rule == alert.rule })
            else { return false }
            guard let time, let first = incident.firstSeen else { return true }
            return time.nanoseconds - first.nanoseconds <= maxSpan
        }
        .sorted { ($0.firstSeen?.nanoseconds ?? .max, $0.id) < ($1.firstSeen?.nanoseconds ?? .max, $1.id) }
        let stormID = noise.first?.id ?? Self.incidentID(alert: alert, fingerprint: Self.hashed("storm|" + key.text))
        if open[stormID] == nil { store(Incident(id: stormID)) }
        var summary = StormSummary(
            rule: alert.rule, workload: Fingerprint.workload(of: alert), count: 0, pods: [], containers: [], hosts: [],
            firstSeen: nil, lastSeen: nil)
        for incident in noise {
            for member in incident.members {
                summary.add(member.report.alert, time: member.firstSeen)
                summary.count += member.count - 1
                if let last = member.lastSeen, summary.lastSeen.map({ last > $0 }) ?? true { summary.lastSeen = last }
            }
            if incident.id != stormID { merge(incident.id, into: stormID, reason: "same storm (\(alert.rule))") }
        }
        // One example alert of the storm stays a member; the summary stands for the rest.
        if var storm = open.removeValue(forKey: stormID) {
            var keptExample = false
            storm.members = storm.members.filter { member in
                guard member.report.alert.rule == alert.rule else { return true }
                defer { keptExample = true }
                return !keptExample
            }
            storm.fingerprints = [:]
            for (index, member) in storm.members.enumerated() { storm.fingerprints[member.fingerprint] = index }
            storm.storms.append(summary)
            store(storm)
            stormIncidents.insert(stormID)
        }
        state.incidentID = stormID
        storms[key] = state
        return stormID
    }

    private mutating func sweep() -> [Incident] {
        guard let watermark else { return [] }
        // Sweeping every alert would be O(open incidents); once per 10 s of event time is enough.
        if let last = lastSweep, watermark.nanoseconds - last.nanoseconds < 10_000_000_000 { return [] }
        lastSweep = watermark
        var idle: [(first: Int64, id: String)] = []
        for (id, times) in activity {
            guard let last = times.last, watermark.nanoseconds - last > window else { continue }
            idle.append((times.first ?? .max, id))
        }
        idle.sort { ($0.first, $0.id) < ($1.first, $1.id) }
        let closed = idle.map { close($0.id) }
        storms = storms.filter { _, state in
            guard let last = state.lastSeen else { return true }
            return watermark.nanoseconds - last.nanoseconds <= window
        }
        return closed
    }

    private func leastRecentlyActive() -> String? {
        activity.min { ($0.value.last ?? .min, $0.key) < ($1.value.last ?? .min, $1.key) }?.key
    }

    private mutating func close(_ id: String) -> Incident {
        activity[id] = nil
        stormIncidents.remove(id)
        guard var incident = open.removeValue(forKey: id) else { return Incident(id: id) }
        for key in incident.keys where keyIndex[key] == id { keyIndex[key] = nil }
        let hosts = Set(incident.members.compactMap { $0.report.alert.hostname })
        for event in telemetry {
            guard let host = event.hostname, hosts.contains(host) || hosts.isEmpty else { continue }
            if let time = event.time, let first = incident.firstSeen, let last = incident.lastSeen {
                guard time.nanoseconds >= first.nanoseconds - window, time.nanoseconds <= last.nanoseconds + window
                else { continue }
            }
            let counters = event.counters.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
            incident.caveats.append(
                "Falco reported dropped events on \(host) at \(event.timeText ?? "an unknown time") (\(counters)): alerts of this incident may be missing."
            )
        }
        return incident
    }

    // MARK: - Ids

    /// FNV-1a of one text added as a part: where incident ids start from.
    static func hashed(_ text: String) -> FNV1a {
        var hash = FNV1a()
        hash.add(text)
        return hash
    }

    /// `fingerprint` is FNV-1a after the fingerprint text (`FingerprintKey.stable`).
    static func incidentID(alert: Alert, fingerprint: FNV1a) -> String {
        var hash = fingerprint
        hash.add(alert.time.map { String($0.nanoseconds) } ?? alert.timeText ?? "")
        return "inc-" + hash.hex.prefix(12)
    }

    static func memberID(_ alert: Alert, fingerprint: FNV1a) -> String {
        var hash = fingerprint
        hash.add(alert.timeText ?? "")
        alert.fields.hashMembers(into: &hash)
        return hash.hex(prefix: "fa-")
    }

    static func tactics(of report: Report) -> [String] {
        var tactics: [String] = []
        for mapping in report.attack {
            for tactic in mapping.tactics where !tactics.contains(tactic) { tactics.append(tactic) }
        }
        for tag in report.alert.tags {
            // `mitre_privilege_escalation` -> `privilege-escalation`, by bytes (by Characters it cost thousands of
            // instructions per tag).
            var tag = tag
            let tactic = tag.withUTF8 { bytes -> String? in
                guard bytes.count > 6, bytes.starts(with: "mitre_".utf8) else { return nil }
                var converted = Array(bytes[6...])
                for index in converted.indices where converted[index] == UInt8(ascii: "_") {
                    converted[index] = UInt8(ascii: "-")
                }
                return String(decoding: converted, as: UTF8.self)
            }
            if let tactic, !tactics.contains(tactic) { tactics.append(tactic) }
        }
        return tactics
    }
}

extension StormSummary {
    /// Counts one more alert of the storm and widens its pods, containers, hosts and time span.
    mutating func add(_ alert: Alert, time: EventTime?) {
        count += 1
        if let ns = alert[.k8sNsName], let pod = alert[.k8sPodName], pods.count < 1000 {
            pods.insert("\(ns)/\(pod)")
        }
        if let container = alert[.containerId], container != "host", containers.count < 1000 {
            containers.insert(container)
        }
        if let host = alert.hostname, hosts.count < 1000 { hosts.insert(host) }
        if let time {
            if firstSeen.map({ time < $0 }) ?? true { firstSeen = time }
            if lastSeen.map({ time > $0 }) ?? true { lastSeen = time }
        }
    }
}

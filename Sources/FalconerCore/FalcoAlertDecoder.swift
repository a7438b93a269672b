/// Turns a parsed alert document into an `Alert` (or `Telemetry` for Falco internal events), normalising what real
/// alerts get wrong: missing `source`, unknown values, several spellings of the event time, stray spaces in keys.
package struct FalcoAlertDecoder: Sendable {
    /// Rule name -> source, from the knowledge base and the user's rules; the first way to infer a missing source.
    private let ruleSources: [String: String]

    package init(ruleSources: [String: String] = [:]) {
        self.ruleSources = ruleSources
    }

    /// Decodes one document; `origin` names it in errors and in the alert.
    package func decode(_ document: AlertDocument, origin: String) throws(DecodeError) -> DecodedEvent {
        var rule: String?
        var priorityText: String?
        var timeText: String?
        var source: String?
        var hostname: String?
        var output: String?
        var uuid: String?
        for (_, member, value) in document.top {
            guard member != .other, let value, !value.meansUnknown else { continue }
            switch member {
            case .rule:
                guard case .string(let text) = value else {
                    throw DecodeError(reason: .wrongType(field: "rule", expected: "a string"), origin: origin)
                }
                rule = text
            case .priority: priorityText = value.text
            case .time: timeText = value.text
            case .source: source = value.text
            case .hostname: hostname = value.text
            case .output: output = value.text
            case .uuid: uuid = value.text
            case .other: break
            }
        }
        guard let rule, !rule.isEmpty else { throw DecodeError(reason: .missingField("rule"), origin: origin) }

        let fields = document.fields

        if source == "internal" || rule.hasPrefix("Falco internal") {
            return .telemetry(
                makeTelemetry(
                    rule: rule, hostname: hostname, timeText: timeText, fields: fields, origin: origin))
        }

        var notes: [String] = []
        var priority: Priority?
        if let priorityText {
            priority = Priority(parsing: priorityText)
            if priority == nil { notes.append("unknown priority '\(priorityText.prefix(40))' ignored") }
        }
        let time = chooseTime(timeText: timeText, fields: fields, notes: &notes)
        return .alert(
            Alert(
                uuid: uuid, rule: rule, priority: priority, timeText: time.text, time: time.time, timeField: time.field,
                source: source ?? inferSource(rule: rule, fieldNames: fields.names), isSourceInferred: source == nil,
                hostname: hostname ?? fields[.evtHostname]?.text, tags: document.tags, output: output, fields: fields,
                unknownFields: document.unknownFields, origin: origin, notes: notes))
    }

    /// Infers a missing source: the rule's known source first, else the field classes present.
    package func inferSource(rule: String, fieldNames: [String]) -> String {
        if let known = ruleSources[rule] { return known }
        var votes: [String: Int] = [:]
        for name in fieldNames {
            if let source = Self.sourceOfFieldClass(name) { votes[source, default: 0] += 1 }
        }
        // Ties are broken by name so the answer never depends on dictionary order.
        return votes.max { lhs, rhs in lhs.value != rhs.value ? lhs.value < rhs.value : lhs.key > rhs.key }?.key
            ?? "unknown"
    }

    /// The source a field's class implies; `evt.` fields exist in every source and imply nothing.
    package static func sourceOfFieldClass(_ name: String) -> String? {
        guard let dot = name.firstIndex(of: ".") else { return nil }
        switch name[..<dot] {
        case "ka", "jevt": return "k8s_audit"
        case "ct", "s3", "ec2", "ecr", "iam": return "aws_cloudtrail"
        case "gcp": return "gcp_auditlog"
        case "github": return "github"
        case "okta": return "okta"
        case "proc", "fd", "container", "thread", "user", "group", "fs", "fdlist", "k8s", "proc.aname",
            "spawned_process":
            return "syscall"
        default: return nil
        }
    }

    /// The event time and the text and field it came from: `time` when it is RFC 3339, else the first of Falco's
    /// time fields that reads as one.
    private func chooseTime(timeText: String?, fields: FieldTable, notes: inout [String]) -> (
        text: String?, time: EventTime?, field: String?
    ) {
        if let timeText {
            if let parsed = RFC3339.parse(timeText) { return (timeText, parsed, "time") }
            notes.append("the alert's time '\(timeText.prefix(40))' is not RFC 3339; another time field was used")
        }
        for name in ["evt.time", "evt.time.iso8601", "jevt.time.iso8601", "jevt.time"] {
            guard let value = fields[name], let time = Self.eventTime(value) else { continue }
            return (timeText ?? RFC3339.format(time, fraction: true), time, name)
        }
        return (timeText, nil, nil)
    }

    /// Reads an event time from an integer (epoch nanoseconds, or seconds when small), a float, or RFC 3339 text.
    package static func eventTime(_ value: FieldValue) -> EventTime? {
        switch value {
        case .number(let text), .string(let text):
            if let integer = Int64(text) {
                return epochTime(integer)
            }
            if let double = Double(text), double.isFinite, double > 0, double < 9.2e18 {
                return double > 1e14
                    ? EventTime(nanoseconds: Int64(double)) : EventTime(nanoseconds: Int64(double * 1e9))
            }
            return RFC3339.parse(text)
        default:
            return nil
        }
    }

    /// An integer epoch time in the unit its magnitude implies: Falco writes nanoseconds, but tools that passed the
    /// alert on write seconds, milliseconds or microseconds. Below 1e10 (year 2286 in seconds) it is seconds, below
    /// 1e13 milliseconds, below 1e16 microseconds, else nanoseconds. Negative values are not event times.
    static func epochTime(_ value: Int64) -> EventTime? {
        guard value >= 0 else { return nil }
        let scale: Int64 =
            value < 10_000_000_000
            ? 1_000_000_000 : value < 10_000_000_000_000 ? 1_000_000 : value < 10_000_000_000_000_000 ? 1_000 : 1
        let (nanoseconds, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : EventTime(nanoseconds: nanoseconds)
    }

    private func makeTelemetry(
        rule: String, hostname: String?, timeText: String?, fields: FieldTable,
        origin: String
    ) -> Telemetry {
        let kind: Telemetry.Kind =
            rule.contains("metrics snapshot")
            ? .metricsSnapshot : rule.contains("event drop") ? .syscallEventDrop : .other
        var counters: [(name: String, value: String)] = []
        var positive = false
        for (name, value) in fields where name.contains("drop") {
            counters.append((name, value.text))
            if let number = Double(value.text), number > 0 { positive = true }
        }
        var time: EventTime?
        if let timeText { time = RFC3339.parse(timeText) }
        if time == nil, let value = fields[.evtTime] { time = Self.eventTime(value) }
        // A drop alert is a caveat by definition; a metrics snapshot only when a drop counter is above zero.
        let isCaveat = kind == .syscallEventDrop || positive
        return Telemetry(
            kind: kind, rule: rule, hostname: hostname ?? fields[.evtHostname]?.text, timeText: timeText, time: time,
            counters: counters, isCaveat: isCaveat, origin: origin)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    package var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

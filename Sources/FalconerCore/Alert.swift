/// One Falco alert, normalised: unknown values removed, the event time chosen, the source known or inferred.
package struct Alert: Sendable {
    /// falcosidekick's `uuid`, when the alert came through it.
    package var uuid: String?
    package var rule: String
    /// Falco's priority; nil when the alert carried none (or one Falco does not define).
    package var priority: Priority?
    /// The `time` field exactly as received (nanoseconds kept), or nil.
    package var timeText: String?
    /// The event time Falconer uses, and which field it came from.
    package var time: EventTime?
    package var timeField: String?
    package var source: String
    package var isSourceInferred: Bool
    package var hostname: String?
    /// The rule's tags, empty strings removed.
    package var tags: [String]
    package var output: String?
    /// Known field values by field name (keys trimmed of stray spaces), in the order they arrived.
    package var fields: FieldTable
    /// Field names in the order they arrived, for output.
    package var fieldOrder: [String] { fields.names }
    /// Fields the alert carried with a value meaning "unknown" (`null`, `"<NA>"`, `""`).
    package var unknownFields: [String]
    /// Where the alert came from, e.g. `alerts.jsonl:17` or `webhook`.
    package var origin: String
    /// Problems noticed while decoding that did not stop it (e.g. an unparseable `time`).
    package var notes: [String]
    /// Caveats from completing a text-only alert with its rule's definition (`Analyzer`), kept on the alert so that
    /// analysing the completed alert again says them again.
    package var completionCaveats: [String] = []

    package init(
        rule: String, priority: Priority?, source: String, origin: String, fields: [String: FieldValue] = [:],
        fieldOrder: [String]? = nil
    ) {
        self.uuid = nil
        self.rule = rule
        self.priority = priority
        self.timeText = nil
        self.time = nil
        self.timeField = nil
        self.source = source
        self.isSourceInferred = false
        self.hostname = nil
        self.tags = []
        self.output = nil
        self.fields = FieldTable(fields, order: fieldOrder)
        self.unknownFields = []
        self.origin = origin
        self.notes = []
    }

    /// An alert with every part given (the decoder's path).
    package init(
        uuid: String?, rule: String, priority: Priority?, timeText: String?, time: EventTime?, timeField: String?,
        source: String, isSourceInferred: Bool, hostname: String?, tags: [String], output: String?,
        fields: FieldTable, unknownFields: [String], origin: String, notes: [String]
    ) {
        self.uuid = uuid
        self.rule = rule
        self.priority = priority
        self.timeText = timeText
        self.time = time
        self.timeField = timeField
        self.source = source
        self.isSourceInferred = isSourceInferred
        self.hostname = hostname
        self.tags = tags
        self.output = output
        self.fields = fields
        self.unknownFields = unknownFields
        self.origin = origin
        self.notes = notes
    }

    /// An alert whose fields are already in a table.
    package init(rule: String, source: String, origin: String, fields: FieldTable) {
        self.init(rule: rule, priority: nil, source: source, origin: origin)
        self.fields = fields
    }

    /// The text of a field's value, or nil when the alert does not carry a known value.
    package subscript(field: String) -> String? { fields[field]?.text }

    /// The text of a known field's value (one array read), or nil.
    package subscript(field: KnownField) -> String? { fields[field]?.text }

    /// A known field's integer value, or nil.
    package func integer(_ field: KnownField) -> Int64? { fields[field]?.integer }

    /// A field's integer value, or nil.
    package func integer(_ field: String) -> Int64? { fields[field]?.integer }
}

/// A Falco internal event: telemetry about Falco itself, never a threat.
package struct Telemetry: Sendable {
    package enum Kind: String, Sendable {
        case syscallEventDrop = "syscall_event_drop", metricsSnapshot = "metrics_snapshot", other = "internal"
    }
    package var kind: Kind
    package var rule: String
    package var hostname: String?
    package var timeText: String?
    package var time: EventTime?
    /// Drop counters and their values, in input order.
    package var counters: [(name: String, value: String)]
    /// True when this event means alerts may be missing (drops above zero).
    package var isCaveat: Bool
    package var origin: String

    package init(
        kind: Kind, rule: String, hostname: String?, timeText: String?, time: EventTime?,
        counters: [(name: String, value: String)], isCaveat: Bool, origin: String
    ) {
        self.kind = kind
        self.rule = rule
        self.hostname = hostname
        self.timeText = timeText
        self.time = time
        self.counters = counters
        self.isCaveat = isCaveat
        self.origin = origin
    }
}

/// What decoding one JSON value produced.
package enum DecodedEvent: Sendable {
    case alert(Alert)
    case telemetry(Telemetry)
}

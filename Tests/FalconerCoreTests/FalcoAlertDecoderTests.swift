import FalconerCore
import TestSupport
import Testing

@Suite struct FalcoAlertDecoderTests {
    func decode(_ json: String, knowledge: KnowledgeBase = bundledKnowledge) throws -> DecodedEvent {
        var parser = SwiftAlertDocumentParser()
        let document = try parser.parse(Array(json.utf8), origin: "t:1")
        return try FalcoAlertDecoder(ruleSources: knowledge.ruleSources).decode(document, origin: "t:1")
    }

    func alert(_ json: String) throws -> Alert {
        guard case .alert(let alert) = try decode(json) else { throw TestFailure("not an alert") }
        return alert
    }

    @Test("null, <NA> and empty strings mean unknown, never a value")
    func unknownValues() throws {
        let alert = try alert(
            #"{"rule":"r","priority":"Notice","time":"2026-01-01T00:00:00Z","output_fields":{"a":null,"b":"<NA>","c":"","d":"x","proc.tty":0}}"#
        )
        #expect(alert["a"] == nil && alert["b"] == nil && alert["c"] == nil)
        #expect(alert["d"] == "x")
        #expect(alert["proc.tty"] == "0")
        #expect(alert.unknownFields == ["a", "b", "c"])
    }

    @Test("time keeps its nanoseconds verbatim and wins over a rounded evt.time")
    func timePreference() throws {
        let alert = try alert(
            #"{"rule":"r","priority":"Notice","time":"2024-08-28T21:35:04.518808525Z","output_fields":{"evt.time":1724880904518808600}}"#
        )
        #expect(alert.timeText == "2024-08-28T21:35:04.518808525Z")
        #expect(alert.time?.nanoseconds == 1_724_880_904_518_808_525)
        #expect(alert.timeField == "time")
    }

    @Test("without time, evt.time, evt.time.iso8601 and legacy jevt.time.iso8601 are used in that order")
    func timeFallbacks() throws {
        #expect(
            try alert(#"{"rule":"r","output_fields":{"evt.time":1739178957508657000}}"#).time?.nanoseconds
                == 1_739_178_957_508_657_000)
        let iso = try alert(#"{"rule":"r","output_fields":{"evt.time.iso8601":1715108060008519431}}"#)
        #expect(iso.timeField == "evt.time.iso8601")
        let legacy = try alert(
            #"{"rule":"r","output_fields":{"jevt.time.iso8601":"2022-02-15T14:03:12.123639040+0000"}}"#)
        #expect(legacy.time == RFC3339.parse("2022-02-15T14:03:12.12363904Z"))
        #expect(try alert(#"{"rule":"r","time":"not a time"}"#).time == nil)
    }

    @Test("integer epoch times in seconds, milliseconds, microseconds and nanoseconds mean the same instant")
    func epochUnits() throws {
        for value in ["1739178957", "1739178957000", "1739178957000000", "1739178957000000000"] {
            let decoded = try alert(#"{"rule":"r","output_fields":{"evt.time":\#(value)}}"#)
            #expect(decoded.time?.nanoseconds == 1_739_178_957_000_000_000, "\(value)")
        }
        #expect(try alert(#"{"rule":"r","output_fields":{"evt.time":-5}}"#).time == nil)
        #expect(try alert(#"{"rule":"r","output_fields":{"evt.time":9223372036854775807}}"#).time?.nanoseconds == .max)
    }

    @Test("a missing source is inferred from the rule name first, else from field classes")
    func sourceInference() throws {
        let known = try alert(#"{"rule":"Terminal shell in container","output_fields":{"evt.time":1}}"#)
        #expect(known.source == "syscall" && known.isSourceInferred)
        let audit = try alert(#"{"rule":"custom","output_fields":{"ka.user.name":"u","evt.type":"x"}}"#)
        #expect(audit.source == "k8s_audit")
        let cloud = try alert(#"{"rule":"custom","output_fields":{"ct.user":"u","ct.region":"r","proc.name":"x"}}"#)
        #expect(cloud.source == "aws_cloudtrail")
        let none = try alert(#"{"rule":"custom","output_fields":{"evt.time":1}}"#)
        #expect(none.source == "unknown")
        let given = try alert(#"{"rule":"custom","source":"okta","output_fields":{"ka.user.name":"u"}}"#)
        #expect(given.source == "okta" && !given.isSourceInferred)
    }

    @Test("keys with stray spaces are trimmed; indexed keys are kept; empty tags are dropped")
    func keysAndTags() throws {
        let alert = try alert(
            #"{"rule":"r"," hostname ":"h","tags":["","T1555"," "],"output_fields":{" proc.name ":"cat","proc.aname[2]":"sudo"}}"#
        )
        #expect(alert.hostname == "h")
        #expect(alert["proc.name"] == "cat")
        #expect(alert["proc.aname[2]"] == "sudo")
        #expect(alert.tags == ["T1555"])
    }

    @Test("a missing or non-string rule is an error that names the field")
    func missingRule() {
        #expect(throws: DecodeError(reason: .missingField("rule"), origin: "t:1")) {
            try decode(#"{"priority":"Notice"}"#)
        }
        #expect(throws: DecodeError(reason: .wrongType(field: "rule", expected: "a string"), origin: "t:1")) {
            try decode(#"{"rule":42}"#)
        }
    }

    @Test("an unknown priority is kept as a note, not a crash")
    func unknownPriority() throws {
        let alert = try alert(#"{"rule":"r","priority":"Loud"}"#)
        #expect(alert.priority == nil)
        #expect(alert.notes.count == 1)
        #expect(try self.alert(#"{"rule":"r","priority":"WARNING"}"#).priority == .warning)
    }

    @Test("Falco internal events become telemetry; a metrics snapshot is a caveat only with drops")
    func telemetry() throws {
        guard
            case .telemetry(let quiet) = try decode(
                #"{"rule":"Falco internal: metrics snapshot","source":"internal","hostname":"h","output_fields":{"falco.outputs_queue_num_drops":0,"scap.n_drops_perc":0.0,"falco.num_evts":5}}"#
            )
        else { throw TestFailure("not telemetry") }
        #expect(quiet.kind == .metricsSnapshot && !quiet.isCaveat && quiet.counters.count == 2)
        guard
            case .telemetry(let dropping) = try decode(
                #"{"rule":"Falco internal: metrics snapshot","output_fields":{"scap.n_drops":12}}"#)
        else { throw TestFailure("not telemetry") }
        #expect(dropping.isCaveat)
        guard
            case .telemetry(let drop) = try decode(
                String(decoding: try fixture("falco_internal_syscall_event_drop.json"), as: UTF8.self))
        else { throw TestFailure("not telemetry") }
        #expect(drop.kind == .syscallEventDrop && drop.isCaveat && drop.hostname == "node-7")
    }

    @Test("RFC 3339 parsing handles offsets, fractions and rejects garbage")
    func rfc3339() {
        #expect(RFC3339.parse("1970-01-01T00:00:00Z")?.nanoseconds == 0)
        #expect(RFC3339.parse("1970-01-01T01:00:00+01:00")?.nanoseconds == 0)
        #expect(RFC3339.parse("2024-05-07T18:54:20.008519431+0000")?.nanoseconds == 1_715_108_060_008_519_431)
        #expect(RFC3339.parse("2024-02-30") == nil)
        #expect(RFC3339.parse("2024-05-07T18:54:20") == nil)
        let time = EventTime(nanoseconds: 1_715_108_060_008_519_431)
        #expect(RFC3339.format(time, fraction: true) == "2024-05-07T18:54:20.008519431Z")
        #expect(RFC3339.formatForJournal(time) == "2024-05-07 18:54:20 UTC")
        #expect(RFC3339.format(EventTime(nanoseconds: 0), fraction: false) == "1970-01-01T00:00:00Z")
    }

    @Test("formatted times parse back to themselves, and the journal form is the same instant")
    func formatRoundTrip() {
        var generator = FuzzTests.SplitMix(state: 7)
        // Every time an EventTime holds (nanoseconds since 1970, up to the year 2262).
        let limit = UInt64(Int64.max)
        for _ in 0..<2000 {
            let time = EventTime(nanoseconds: Int64(generator.next() % limit))
            let text = RFC3339.format(time, fraction: true)
            #expect(RFC3339.parse(text) == time, "\(text)")
            let whole = RFC3339.format(time, fraction: false)
            let journal = String(whole.map { $0 == "T" ? " " : $0 }.dropLast()) + " UTC"
            #expect(RFC3339.formatForJournal(time) == journal)
        }
    }
}

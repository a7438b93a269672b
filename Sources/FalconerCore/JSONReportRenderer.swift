/// Renders reports as one compact JSON line each: schema `falconer.report/v1` (docs/report-schema.md).
package struct JSONReportRenderer: Sendable {
    package init() {}

    /// Appends the report's line (with its newline) to `out`.
    package func render(_ report: Report, into out: inout [UInt8]) {
        var json = JSONWriter(capacity: 6144)
        write(report, to: &json)
        json.append(to: &out)
        out.append(0x0A)
    }

    package func render(_ report: Report) -> String {
        var out: [UInt8] = []
        render(report, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the report object (no newline) into an open writer, so incidents can embed member reports. The report
    /// is replayed through `JSONReportWriter`, the same code that writes reports straight from the analysis.
    package func write(_ report: Report, to json: inout JSONWriter) {
        var writer = JSONReportWriter(json: json)
        writer.head(
            alert: report.alert, summary: report.summary, description: report.ruleDescription,
            verdict: report.verdict, entities: report.entities, attack: report.attack, attackJSON: nil,
            benign: report.benign)
        for step in report.investigation { writer.take(step) }
        for mitigation in report.mitigations { writer.take(mitigation) }
        writer.tail(
            tuning: report.tuning, recommendations: report.recommendations, caveats: report.caveats,
            playbook: report.playbook, playbookVersion: report.playbookVersion,
            knowledgeVersion: report.knowledgeVersion)
        json = writer.finish()
    }

    static func writeAlert(_ alert: Alert, to json: inout JSONWriter) {
        json.beginObject()
        json.key("uuid")
        json.string(alert.uuid)
        json.key("rule")
        json.string(alert.rule)
        json.key("priority")
        json.string(alert.priority?.rawValue)
        json.key("time")
        json.string(alert.timeText)
        json.key("source")
        json.string(alert.source)
        json.key("source_inferred")
        json.bool(alert.isSourceInferred)
        json.key("hostname")
        json.string(alert.hostname)
        json.key("tags")
        json.strings(alert.tags)
        json.key("fields")
        json.beginObject()
        alert.fields.writeMembers(to: &json)
        json.endObject()
        json.key("origin")
        json.string(alert.origin)
        json.endObject()
    }

    /// The report's `attack` array.
    static func writeAttack(_ attack: [AttackMapping], to json: inout JSONWriter) {
        json.beginArray()
        for item in attack {
            json.beginObject()
            json.key("id")
            json.string(item.id)
            json.key("name")
            json.string(item.name)
            json.key("full_name")
            json.string(item.fullName)
            json.key("tactics")
            json.strings(item.tactics)
            json.key("from")
            json.string(item.origin.rawValue)
            json.key("note")
            json.text(item.note)
            json.endObject()
        }
        json.endArray()
    }

    static func writeVerdict(_ verdict: Verdict, to json: inout JSONWriter) {
        json.beginObject()
        json.key("assessment")
        json.string(verdict.assessment.rawValue)
        json.key("risk_score")
        json.int(verdict.riskScore)
        json.key("severity")
        json.string(verdict.severity.rawValue)
        json.key("reasons")
        json.beginArray()
        for reason in verdict.reasons {
            json.beginObject()
            json.key("signal")
            json.string(reason.signal)
            json.key("weight")
            json.int(reason.weight)
            json.key("detail")
            json.text(reason.detail)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    static func writeEntities(_ entities: Entities, to json: inout JSONWriter) {
        json.beginObject()
        json.key("process")
        if let process = entities.process {
            json.beginObject()
            json.key("name")
            json.string(process.name)
            json.key("pid")
            json.int(process.pid)
            json.key("exepath")
            json.string(process.exepath)
            json.key("cmdline")
            json.string(process.cmdline)
            json.key("cwd")
            json.string(process.cwd)
            json.key("parent")
            if let parent = process.parent {
                json.beginObject()
                json.key("name")
                json.string(parent.name)
                json.key("pid")
                json.int(parent.pid)
                json.key("exepath")
                json.string(parent.exepath)
                json.key("cmdline")
                json.string(parent.cmdline)
                json.endObject()
            } else {
                json.null()
            }
            json.key("ancestors")
            json.beginArray()
            for ancestor in process.ancestors {
                json.beginObject()
                json.key("name")
                json.string(ancestor.name)
                json.key("pid")
                json.int(ancestor.pid)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        } else {
            json.null()
        }
        json.key("user")
        if let user = entities.user {
            json.beginObject()
            json.key("name")
            json.string(user.name)
            json.key("uid")
            json.int(user.uid)
            json.key("loginuid")
            json.int(user.loginuid)
            json.key("loginname")
            json.string(user.loginname)
            json.key("attribution")
            json.string(user.attribution)
            json.endObject()
        } else {
            json.null()
        }
        json.key("container")
        if let container = entities.container {
            json.beginObject()
            json.key("id")
            json.string(container.id)
            json.key("name")
            json.string(container.name)
            json.key("image")
            json.string(container.image)
            json.key("privileged")
            json.bool(container.privileged)
            json.endObject()
        } else {
            json.null()
        }
        json.key("kubernetes")
        if let kubernetes = entities.kubernetes {
            json.beginObject()
            json.key("namespace")
            json.string(kubernetes.namespace)
            json.key("pod")
            json.string(kubernetes.pod)
            json.endObject()
        } else {
            json.null()
        }
        json.key("actor")
        if let actor = entities.actor {
            json.beginObject()
            json.key("name")
            json.string(actor.name)
            json.key("kind")
            json.string(actor.kind)
            json.key("source_ip")
            json.string(actor.sourceIP)
            json.endObject()
        } else {
            json.null()
        }
        json.key("host")
        json.beginObject()
        json.key("name")
        json.string(entities.hostname)
        json.key("is_host")
        json.bool(entities.isHost)
        json.endObject()
        json.key("target")
        Self.writeTarget(entities.target, to: &json)
        json.endObject()
    }

    private static func writeTarget(_ target: Target, to json: inout JSONWriter) {
        json.beginObject()
        json.key("kind")
        json.string(target.kind.rawValue)
        if let pid = target.pid {
            json.key("pid")
            json.int(pid)
        }
        // Each present text in schema order (no array of them is built for every report).
        func text(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            json.key(name)
            json.string(value)
        }
        text("path", target.path)
        text("ip", target.ip)
        text("port", target.port)
        text("resource", target.resource)
        text("namespace", target.namespace)
        text("name", target.name)
        text("source", target.source)
        json.endObject()
    }
}

/// The byte ranges of the commands a report took, the first sixteen without an allocation.
struct CommandRanges: ~Copyable {
    private var inline = InlineArray<16, Range<Int>>(repeating: 0..<0)
    private var more: [Range<Int>] = []
    private(set) var count = 0

    mutating func append(_ range: Range<Int>) {
        if count < 16 { inline[count] = range } else { more.append(range) }
        count += 1
    }

    func contains(where test: (Range<Int>) -> Bool) -> Bool {
        for index in 0..<min(count, 16) where test(inline[index]) { return true }
        return more.contains(where: test)
    }
}

/// Writes one `falconer.report/v1` object as the analysis produces its parts (`ReportSink`): the JSON path of
/// `falconer analyze`, with no `Report` built, and the writer behind `JSONReportRenderer`.
package struct JSONReportWriter: ReportSink, ~Copyable {
    private var json: JSONWriter
    /// Where the commands of the steps taken so far were written: the duplicate check. The first few are kept
    /// inline (a writer is made for every report, and never copied).
    private var commands = CommandRanges()
    /// Room for one alert value being quoted.
    private var scratch: [UInt8] = []

    package init(json: consuming JSONWriter) {
        self.json = json
    }

    /// The writer, with the report object written (no newline).
    package consuming func finish() -> JSONWriter { json }

    package mutating func head(
        alert: Alert, summary: String, description: Text?, verdict: Verdict, entities: Entities,
        attack: [AttackMapping], attackJSON: [UInt8]?, benign: [Text]
    ) {
        json.beginObject()
        json.key("schema")
        json.string("falconer.report/v1")
        json.key("alert")
        JSONReportRenderer.writeAlert(alert, to: &json)
        json.key("summary")
        json.string(summary)
        json.key("description")
        json.text(description)
        json.key("verdict")
        JSONReportRenderer.writeVerdict(verdict, to: &json)
        json.key("entities")
        JSONReportRenderer.writeEntities(entities, to: &json)
        json.key("attack")
        if let attackJSON {
            json.raw(attackJSON)
        } else {
            JSONReportRenderer.writeAttack(attack, to: &json)
        }
        json.key("benign")
        json.texts(benign)
        json.key("investigation")
        json.beginArray()
    }

    package var stepCount: Int { commands.count }

    package mutating func step(_ step: InvestigationStep, context: borrowing AlertContext) -> PartOutcome {
        guard let template = step.json else {
            // The general path, for prose that holds a template sentinel.
            guard let command = step.command.fill(style: .shell, from: context) else {
                return .missing(step.command.firstMissing(from: context) ?? "?")
            }
            return take(
                RenderedStep(title: step.title, command: command, lookFor: step.lookFor, reference: step.reference))
        }
        let mark = json.mark
        var command = 0..<0
        if case .missing(let name) = template.write(into: &json, from: context, scratch: &scratch, command: &command) {
            return .missing(name)
        }
        if commands.contains(where: { json.bytesEqual($0, command) }) {
            json.rollback(to: mark)
            return .duplicate
        }
        commands.append(command)
        return .taken
    }

    package mutating func mitigation(_ mitigation: Mitigation, context: borrowing AlertContext) -> PartOutcome {
        startMitigations()
        guard let template = mitigation.json else {
            switch ReportAssembler.fill(mitigation, from: context) {
            case .success(let rendered): return take(rendered)
            case .failure(let missing): return .missing(missing.name)
            }
        }
        var unused = 0..<0
        if case .missing(let name) = template.write(into: &json, from: context, scratch: &scratch, command: &unused) {
            return .missing(name)
        }
        return .taken
    }

    /// Writes a step whose command is already filled (a `Report` replayed), unless its command was written already.
    @discardableResult
    package mutating func take(_ step: RenderedStep) -> PartOutcome {
        let mark = json.mark
        var command = 0..<0
        Self.write(step, to: &json, command: &command)
        if commands.contains(where: { json.bytesEqual($0, command) }) {
            json.rollback(to: mark)
            return .duplicate
        }
        commands.append(command)
        return .taken
    }

    /// Writes a mitigation whose texts are already filled (a `Report` replayed).
    @discardableResult
    package mutating func take(_ mitigation: RenderedMitigation) -> PartOutcome {
        startMitigations()
        Self.write(mitigation, to: &json)
        return .taken
    }

    /// A step object: the one layout both the pre-rendered templates and replayed reports use.
    static func write(_ step: RenderedStep, to json: inout JSONWriter) {
        var command = 0..<0
        write(step, to: &json, command: &command)
    }

    /// A step object; `command` is set to where the command's text (inside its quotes) was written.
    static func write(_ step: RenderedStep, to json: inout JSONWriter, command: inout Range<Int>) {
        json.beginObject()
        json.key("title")
        json.text(step.title)
        json.key("command")
        let start = json.byteCount + 1
        json.string(step.command)
        command = start..<(json.byteCount - 1)
        json.key("look_for")
        json.text(step.lookFor)
        json.key("reference")
        json.text(step.reference)
        json.endObject()
    }

    /// A mitigation object: the one layout both the pre-rendered templates and replayed reports use.
    static func write(_ mitigation: RenderedMitigation, to json: inout JSONWriter) {
        json.beginObject()
        json.key("title")
        json.text(mitigation.title)
        json.key("kind")
        json.string(mitigation.kind)
        json.key("disruptive")
        json.bool(mitigation.isDisruptive)
        json.key("commands")
        json.strings(mitigation.commands)
        json.key("config")
        if let config = mitigation.config {
            json.beginObject()
            json.key("language")
            json.string(config.language)
            json.key("text")
            json.string(config.text)
            json.endObject()
        } else {
            json.null()
        }
        json.key("undo")
        json.string(mitigation.undo)
        json.key("reach")
        json.text(mitigation.reach)
        json.key("reference")
        json.text(mitigation.reference)
        json.endObject()
    }

    private var inMitigations = false

    /// Closes the investigation list and opens the mitigations, once.
    private mutating func startMitigations() {
        guard !inMitigations else { return }
        inMitigations = true
        json.endArray()
        json.key("mitigations")
        json.beginArray()
    }

    package mutating func tail(
        tuning: TuningAdvice, recommendations: [Text], caveats: [String], playbook: String?, playbookVersion: Int?,
        knowledgeVersion: String
    ) {
        startMitigations()
        json.endArray()
        json.key("tuning")
        json.beginObject()
        json.key("falco_exception")
        json.string(tuning.exceptionYAML)
        json.key("macro")
        json.string(tuning.macro)
        json.key("notes")
        json.string(tuning.notes)
        json.endObject()
        json.key("recommendations")
        json.texts(recommendations)
        json.key("caveats")
        json.strings(caveats)
        json.key("knowledge")
        json.beginObject()
        json.key("playbook")
        json.string(playbook)
        json.key("playbook_version")
        json.int(playbookVersion.map(Int64.init))
        json.key("version")
        json.string(knowledgeVersion)
        json.endObject()
        json.endObject()
    }
}

/// Renders Falco internal events as `falconer.telemetry/v1` lines.
package struct TelemetryRenderer: Sendable {
    package init() {}

    package func render(_ telemetry: Telemetry, into out: inout [UInt8]) {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.key("schema")
        json.string("falconer.telemetry/v1")
        json.key("kind")
        json.string(telemetry.kind.rawValue)
        json.key("rule")
        json.string(telemetry.rule)
        json.key("host")
        json.string(telemetry.hostname)
        json.key("time")
        json.string(telemetry.timeText ?? telemetry.time.map { RFC3339.format($0, fraction: true) })
        json.key("dropped")
        json.beginObject()
        for counter in telemetry.counters {
            json.key(dynamic: counter.name)
            json.number(text: counter.value)
        }
        json.endObject()
        json.key("caveat")
        json.bool(telemetry.isCaveat)
        json.key("origin")
        json.string(telemetry.origin)
        json.endObject()
        json.append(to: &out)
        out.append(0x0A)
    }
}

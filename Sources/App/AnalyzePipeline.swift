import Dispatch
import FalconerCore
import Foundation
import SimdJSONParser
import Synchronization

/// What one JSON value became.
///
/// A batch holds thousands of outcomes, written by the lanes and moved out whole, so each case stays small: a report
/// (about a kilobyte) and telemetry travel in boxes, or every outcome would be as large as a report.
enum Outcome {
    /// Incident mode: the alert and the keys the correlator joins it by, computed on the lane. Its slim report is made
    /// only if it becomes a new member (most alerts repeat one, and are only counted).
    case report(Boxed<Alert>, keys: CorrelationKeys)
    /// A report already rendered; only the alert's time and rule (for file names) travel on with it, so the alert
    /// itself is released on the lane's thread.
    case rendered(ByteBlock, time: EventTime?, rule: String)
    case telemetry(Boxed<Telemetry>, rendered: [UInt8])
    case belowMinimum
    case failed(DecodeError)
}

/// A value on the heap, taken out once by the thread that handles it (`take`), so it moves rather than copies.
final class Boxed<Value> {
    private var value: Value?

    init(_ value: consuming Value) { self.value = value }

    /// The value, moved out; nil once taken.
    func take() -> Value? { value.take() }

    /// The value, unless taken.
    var peek: Value? { value }
}

/// One worker's private state: a simdjson parser is not thread-safe, so each lane owns one.
// SAFETY: a lane is only ever used by one thread at a time (BatchProcessor gives each concurrent iteration its own
// lane and waits for all of them before the next batch), so its mutable parser is never shared.
final class Lane: @unchecked Sendable {
    private var parser: any AlertDocumentParser
    private let decoder: FalcoAlertDecoder
    private let analyzer: Analyzer
    private let format: ReportFormat
    private let minimum: Priority?
    private let keepReports: Bool
    private let telemetryFormat: ReportFormat

    init(
        knowledge: KnowledgeBase, format: ReportFormat, minimum: Priority?, maxValueBytes: Int, keepReports: Bool,
        telemetryFormat: ReportFormat
    ) {
        if let simd = SimdJSONDocumentParser(maxBytes: maxValueBytes + 64) {
            parser = simd
        } else {
            parser = SwiftAlertDocumentParser()
        }
        decoder = FalcoAlertDecoder(ruleSources: knowledge.ruleSources)
        analyzer = Analyzer(knowledge: knowledge)
        self.format = format
        self.minimum = minimum
        self.keepReports = keepReports
        self.telemetryFormat = telemetryFormat
    }

    /// Parses, decodes, analyses and renders one value.
    func process(_ bytes: [UInt8], origin: String) -> Outcome {
        do {
            let document = try parser.parse(bytes, origin: origin)
            switch try decoder.decode(document, origin: origin) {
            case .telemetry(let telemetry):
                var out: [UInt8] = []
                switch telemetryFormat {
                case .json: TelemetryRenderer().render(telemetry, into: &out)
                case .markdown: out = Array(MarkdownTelemetry.render(telemetry).utf8)
                }
                return .telemetry(Boxed(telemetry), rendered: out)
            case .alert(let alert):
                if let minimum, (alert.priority ?? .debug) < minimum { return .belowMinimum }
                if keepReports {
                    // Incident mode: only what the correlator reads. Most alerts are repeats or storm members, which
                    // it only counts; a new member gets its slim report when it joins, and its full analysis when
                    // its incident is written.
                    let keys = CorrelationKeys.of(alert)
                    return .report(Boxed(analyzer.completedFromRules(alert)), keys: keys)
                }
                let out: ByteBlock
                let time = alert.time
                let rule = alert.rule
                switch format {
                case .json: out = analyzer.analyzeJSON(alert)
                case .markdown:
                    out = ByteBlock(copying: Array(MarkdownReportRenderer().render(analyzer.analyze(alert)).utf8))
                }
                return .rendered(out, time: time, rule: rule)
            }
        } catch {
            return .failed(error)
        }
    }
}

/// Report output formats.
enum ReportFormat: String {
    case markdown, json
}

/// A short Markdown note for Falco's own telemetry events (never a report).
enum MarkdownTelemetry {
    static func render(_ telemetry: Telemetry) -> String {
        let counters = telemetry.counters.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
        let verdict = telemetry.isCaveat ? "alerts may be missing for this period" : "no drops"
        var line =
            "> Falco telemetry (\(telemetry.kind.rawValue)) from \(Quoting.markdown(telemetry.hostname ?? "unknown host"))"
        let time = telemetry.timeText ?? telemetry.time.map { RFC3339.format($0, fraction: true) } ?? "unknown time"
        line += " at \(Quoting.markdownCode(time)): \(verdict)"
        if !counters.isEmpty { line += " (\(Quoting.markdown(counters)))" }
        return line + ".\n\n"
    }
}

/// Runs lanes over batches of values in parallel and keeps input order. A batch starts on the worker lanes and
/// `process` returns at once, so the calling thread reads and splits the next batch, and handles the outcomes of the
/// batch before (correlating, writing), while the workers analyse; at the next call it joins the running batch with
/// lane 0. No core idles during the serial part, and no more threads run than there are lanes.
final class BatchProcessor {
    private let lanes: [Lane]
    /// The batch the worker lanes are analysing.
    private var running: Job?
    /// Outcomes already handled, waiting to be released on a worker.
    private var handled: [Outcome] = []

    init(lanes: [Lane]) { self.lanes = lanes }

    /// Starts analysing `batch`; first finishes the batch before it and hands its outcomes to `handle`. The outcomes
    /// of `batch` are handed over on the next call or by `finish`.
    func process(
        _ batch: [(bytes: [UInt8], line: Int)], source: String, handle: (inout [Outcome]) throws(CLIError) -> Void
    ) throws(CLIError) {
        let done = complete()
        let job = Job(batch, source: source)
        // The outcomes handled last time are released by a worker: their memory came from the workers' malloc
        // arenas, and freeing it here contended with the workers' own allocations.
        job.garbage = handled
        handled = []
        for (index, lane) in lanes.dropFirst().enumerated() where batch.count > Job.chunk {
            job.group.enter()
            DispatchQueue.global().async {
                if index == 0 { job.garbage = [] }
                job.work(lane)
                job.group.leave()
            }
        }
        running = job
        if var done {
            try handle(&done)
            handled = done
        }
    }

    /// Finishes the running batch and hands over its outcomes.
    func finish(handle: (inout [Outcome]) throws(CLIError) -> Void) throws(CLIError) {
        guard var done = complete() else { return }
        try handle(&done)
    }

    /// Joins the running batch with lane 0, waits for the workers, and returns its outcomes.
    private func complete() -> [Outcome]? {
        guard let job = running else { return nil }
        running = nil
        job.work(lanes[0])
        job.group.wait()
        return job.outcomes()
    }

    /// One batch shared by the lanes, which take chunks of it in turn.
    // SAFETY: every index of `results` is written by exactly one lane (chunks are handed out by an atomic counter),
    // each lane is used by one thread, and `outcomes()` reads the results only after all lanes are done
    // (`group.wait()`). `garbage` is set before any worker starts and cleared only by the first worker.
    private final class Job: @unchecked Sendable {
        static let chunk = 32
        let batch: [(bytes: [UInt8], line: Int)]
        /// The input the batch came from (a file name or `<stdin>`), for origins like `alerts.jsonl:17`.
        let source: String
        let results: UnsafeMutableBufferPointer<Outcome>
        let next = Atomic<Int>(0)
        let group = DispatchGroup()
        /// Released by the first worker to start (or with the job).
        var garbage: [Outcome] = []

        init(_ batch: [(bytes: [UInt8], line: Int)], source: String) {
            self.batch = batch
            self.source = source
            results = .allocate(capacity: batch.count)
            results.initialize(repeating: .belowMinimum)
        }

        /// True once `outcomes()` has moved the results out.
        private var moved = false

        deinit {
            if !moved { results.deinitialize() }
            results.deallocate()
        }

        func work(_ lane: Lane) {
            while true {
                let start = next.wrappingAdd(Self.chunk, ordering: .relaxed).oldValue
                guard start < batch.count else { return }
                for index in start..<min(start + Self.chunk, batch.count) {
                    // The origin is made here, on the lane, not by the thread that splits the input.
                    var origin = TextBuilder(capacity: source.utf8.count + 24)
                    origin += source
                    origin += ":"
                    origin.add(batch[index].line)
                    results[index] = lane.process(batch[index].bytes, origin: origin.string)
                }
            }
        }

        /// Moves the results out (a copy would retain, then release, every report once more). Called once.
        func outcomes() -> [Outcome] {
            guard !moved else { return [] }
            moved = true
            return [Outcome](unsafeUninitializedCapacity: results.count) { buffer, initialized in
                initialized = buffer.moveInitialize(fromContentsOf: results)
            }
        }
    }
}

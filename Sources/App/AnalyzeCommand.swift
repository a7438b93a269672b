import FalconerCore
import Foundation
import Synchronization

/// `falconer analyze`: streams every input through split -> parse -> decode -> analyse -> render -> write.
struct AnalyzeCommand {
    let options: AnalyzeOptions

    /// Counts for the closing summary and the exit code.
    struct Counts {
        var reports = 0
        var telemetry = 0
        var statusLines = 0
        var skippedBelowMinimum = 0
        var errors = 0
        var incidents = 0
    }

    func run() throws(CLIError) -> Int32 {
        // Each lane gets a knowledge base of its own: the playbooks' strings and arrays are reference-counted, and
        // lanes sharing one copy contend on the same counters (atomic increments on one cache line), which made a
        // second core add almost nothing. The lanes' copies are loaded at the same time, one per core.
        let laneKnowledge = try Self.loadKnowledge(options.knowledge, copies: max(1, options.jobs))
        let knowledge = laneKnowledge[0].knowledge
        for diagnostic in laneKnowledge[0].diagnostics { warn("warning: \(diagnostic)") }
        // The knowledge bases live until the process exits: freeing some hundred thousand objects one by one at the
        // end only delays the exit.
        KnowledgeLoading.keepUntilExit(laneKnowledge.map(\.knowledge))
        let output = try OutputWriter(directory: options.outDirectory)
        let lanes = laneKnowledge.map(\.knowledge).map { knowledge in
            Lane(
                knowledge: knowledge, format: options.format, minimum: options.minimumPriority,
                maxValueBytes: options.maxValueBytes, keepReports: options.incidents,
                // telemetry.jsonl in an --out directory holds JSON lines whatever the report format.
                telemetryFormat: options.outDirectory == nil ? options.format : .json)
        }
        let processor = BatchProcessor(lanes: lanes)
        let incidents =
            options.incidents
            ? IncidentSession(settings: options.incidentSettings, knowledge: knowledge, format: options.format) : nil
        var counts = Counts()
        var missingInput = false
        let progress = Progress(enabled: options.showProgress && isatty(STDERR_FILENO) == 1)
        var markdownSeparatorNeeded = false

        /// Handles outcomes in order. In incident mode an alert is moved out of `outcomes` (leaving a placeholder)
        /// into the correlator, so nothing it holds is copied, and the incidents it closes are rendered together at
        /// the end. Everything else stays in the batch, which a worker releases (memory allocated by a worker and
        /// freed by this thread made jemalloc keep about 30 MiB more).
        func handle(_ outcomes: inout [Outcome]) throws(CLIError) {
            for index in outcomes.indices {
                if case .report = outcomes[index] {
                    var outcome = Outcome.belowMinimum
                    swap(&outcome, &outcomes[index])
                    guard case .report(let box, let keys) = consume outcome, let alert = box.take() else { continue }
                    counts.reports += 1
                    incidents?.add(alert, keys: keys)
                    continue
                }
                switch outcomes[index] {
                case .report:
                    break
                case .rendered(let rendered, let time, let rule):
                    counts.reports += 1
                    if options.format == .markdown && options.outDirectory == nil && markdownSeparatorNeeded {
                        try output.write(
                            report: ByteBlock(copying: [0x0A]), time: time, rule: rule, fileExtension: "md")
                    }
                    markdownSeparatorNeeded = true
                    try output.write(
                        report: rendered, time: time, rule: rule, fileExtension: options.format == .json ? "json" : "md"
                    )
                case .telemetry(let telemetry, let rendered):
                    counts.telemetry += 1
                    if incidents != nil, let telemetry = telemetry.peek {
                        incidents?.add(telemetry)
                        if options.format == .markdown { continue }
                        // Incidents that closed before this event are written before it.
                        try incidents?.drain(output: output)
                    }
                    try output.write(telemetry: rendered)
                case .belowMinimum:
                    counts.skippedBelowMinimum += 1
                case .failed(let error):
                    counts.errors += 1
                    warn(error.description)
                }
            }
            try incidents?.flush(output: output)
        }

        for input in options.inputs {
            let name = input == "-" ? "<stdin>" : input
            let fd: Int32
            if input == "-" {
                fd = STDIN_FILENO
            } else {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                    warn("\(input): is a directory")
                    missingInput = true
                    continue
                }
                fd = open(input, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else {
                    warn("\(input): cannot open (\(String(cString: strerror(errno))))")
                    missingInput = true
                    continue
                }
            }
            defer { if fd != STDIN_FILENO { close(fd) } }
            var splitter = JSONStreamSplitter(maxValueBytes: options.maxValueBytes)
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            var events: [JSONStreamSplitter.Event] = []
            var batch: [(bytes: [UInt8], line: Int)] = []
            func drain(final: Bool) throws(CLIError) {
                for event in events {
                    switch event {
                    case .value(let bytes, let line):
                        batch.append((bytes, line))
                    case .statusLine:
                        counts.statusLines += 1
                    case .malformed(let reason, let line):
                        // Keep order: process what came before the error first.
                        try processor.process(batch, source: name, handle: handle)
                        try processor.finish(handle: handle)
                        batch.removeAll(keepingCapacity: true)
                        counts.errors += 1
                        warn(DecodeError(reason: Self.reason(reason), origin: "\(name):\(line)").description)
                    }
                }
                events.removeAll(keepingCapacity: true)
                if batch.count >= 1024 || (final && !batch.isEmpty) {
                    try processor.process(batch, source: name, handle: handle)
                    batch.removeAll(keepingCapacity: true)
                    progress.update(counts)
                }
                if final { try processor.finish(handle: handle) }
            }
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    warn("\(name): read failed (\(String(cString: strerror(errno))))")
                    missingInput = true
                    break
                }
                if count == 0 { break }
                chunk.withUnsafeBytes { splitter.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count]), into: &events) }
                try drain(final: false)
            }
            splitter.finish(into: &events)
            try drain(final: true)
        }
        if let incidents { counts.incidents = try incidents.finish(output: output) }
        try output.close()
        progress.finish()
        var summary = "falconer: \(counts.reports) alert(s) analysed"
        if options.incidents { summary += " into \(counts.incidents) incident(s)" }
        summary += ", \(counts.telemetry) telemetry event(s), \(counts.statusLines) status line(s) skipped"
        if counts.skippedBelowMinimum > 0 { summary += ", \(counts.skippedBelowMinimum) below --min-priority" }
        summary += ", \(counts.errors) error(s)"
        warn(summary)
        if missingInput { return 66 }
        return counts.errors > 0 ? 65 : 0
    }

    /// Loads `copies` independent knowledge bases in parallel; the first one's diagnostics are the ones to show.
    static func loadKnowledge(_ loading: KnowledgeLoading, copies: Int) throws(CLIError) -> [KnowledgeLoading.Loaded] {
        let results = Mutex<[Result<KnowledgeLoading.Loaded, CLIError>?]>(Array(repeating: nil, count: copies))
        DispatchQueue.concurrentPerform(iterations: copies) { index in
            let result: Result<KnowledgeLoading.Loaded, CLIError>
            do throws(CLIError) {
                result = .success(try loading.load(deferPlaybooks: true))
            } catch {
                result = .failure(error)
            }
            results.withLock { $0[index] = result }
        }
        var loaded: [KnowledgeLoading.Loaded] = []
        for result in results.withLock({ $0 }) {
            guard let result else { continue }
            loaded.append(try result.get())
        }
        return loaded
    }

    static func reason(_ reason: JSONStreamSplitter.MalformedReason) -> DecodeError.Reason {
        switch reason {
        case .tooLarge(let limit): .tooLarge(limit: limit)
        case .truncated: .truncated
        case .strayText: .strayText
        case .newlineInString: .notJSON("a string is broken by a line break")
        }
    }
}

/// Writes one line to standard error.
func warn(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Progress on a terminal: alerts done, alerts per second, errors; rewritten in place at most twice a second.
final class Progress {
    private let enabled: Bool
    private let start = DispatchTime.now()
    private var last = DispatchTime.now()
    private var printed = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ counts: AnalyzeCommand.Counts) {
        guard enabled else { return }
        let now = DispatchTime.now()
        guard now.uptimeNanoseconds - last.uptimeNanoseconds > 500_000_000 else { return }
        last = now
        let seconds = Double(now.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let rate = seconds > 0 ? Int(Double(counts.reports) / seconds) : 0
        FileHandle.standardError.write(
            Data("\r\u{1B}[K\(counts.reports) alerts, \(rate)/s, \(counts.errors) errors".utf8))
        printed = true
    }

    func finish() {
        if enabled && printed { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// Splits a byte stream into top-level JSON values, whatever mix of layouts arrives: one object per line (Falco's
/// `json_output`), a JSON array of alerts, concatenated pretty-printed objects (`jq .`), with Falco's own log and
/// status lines in between.
///
/// A pure state machine: feed it chunks of any size and it reports each value with the line it starts on. Memory is
/// bounded by `maxValueBytes`: a larger value is scanned to its end without being kept, then reported as too large.
/// Recovery: a raw newline inside a string, or a `{`/`[` in column 0 while a value is still open, ends the broken
/// value with an error and the scan goes on, so one bad line never swallows the rest of the input.
package struct JSONStreamSplitter: Sendable {
    /// What the splitter found, in input order.
    package enum Event: Sendable, Equatable {
        /// A complete JSON value (an alert, or an element of a top-level array) and the line it starts on.
        case value(bytes: [UInt8], line: Int)
        /// A line of Falco's own logging or status output, skipped.
        case statusLine(line: Int)
        /// Something that is not a usable JSON value, with the line it starts on.
        case malformed(reason: MalformedReason, line: Int)
    }

    /// Why a stretch of input was rejected before any JSON parsing.
    package enum MalformedReason: Sendable, Equatable {
        case tooLarge(limit: Int)
        case truncated
        case strayText
        case newlineInString
    }

    private enum Mode: Sendable {
        case between  // at top level, before a value
        case inArrayBetween  // inside a top-level array, before an element or `]`
        case value  // inside a value (top level or an array element)
        case skippingLine(isStatus: Bool, line: Int, sawJSONPunctuation: Bool)
    }

    private let maxValueBytes: Int
    private var mode: Mode = .between
    private var line = 1
    private var column = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var valueLine = 1
    private var valueInArray = false
    private var oversize = false
    private var buffer: [UInt8] = []

    /// Makes a splitter that rejects values larger than `maxValueBytes`.
    package init(maxValueBytes: Int) {
        self.maxValueBytes = max(16, maxValueBytes)
    }

    /// Scans `chunk` and appends what it completes to `events`.
    package mutating func feed(_ chunk: UnsafeRawBufferPointer, into events: inout [Event]) {
        let bytes = chunk.bindMemory(to: UInt8.self)
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch mode {
            case .value:
                index = scanValue(bytes, from: index, into: &events)
                continue
            case .between, .inArrayBetween:
                handleStructural(byte, into: &events)
            case .skippingLine(let isStatus, let startLine, let sawPunctuation):
                if byte == 0x0A {
                    events.append(
                        isStatus && !sawPunctuation
                            ? .statusLine(line: startLine) : .malformed(reason: .strayText, line: startLine))
                    mode = .between
                } else if byte == UInt8(ascii: ":"), index > 0, bytes[index - 1] == UInt8(ascii: "\"") {
                    mode = .skippingLine(isStatus: isStatus, line: startLine, sawJSONPunctuation: true)
                }
            }
            advance(byte)
            index += 1
        }
    }

    /// Ends the stream: a value still open is reported as truncated.
    package mutating func finish(into events: inout [Event]) {
        switch mode {
        case .value:
            events.append(.malformed(reason: oversize ? .tooLarge(limit: maxValueBytes) : .truncated, line: valueLine))
        case .skippingLine(let isStatus, let startLine, let sawPunctuation):
            events.append(
                isStatus && !sawPunctuation
                    ? .statusLine(line: startLine) : .malformed(reason: .strayText, line: startLine))
        case .inArrayBetween:
            events.append(.malformed(reason: .truncated, line: line))
        case .between:
            break
        }
        mode = .between
        buffer = []
    }

    private mutating func advance(_ byte: UInt8) {
        if byte == 0x0A {
            line += 1
            column = 0
        } else {
            column += 1
        }
    }

    private mutating func handleStructural(_ byte: UInt8, into events: inout [Event]) {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF:  // whitespace, and a UTF-8 byte-order mark
            return
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            if case .between = mode, byte == UInt8(ascii: "[") {
                mode = .inArrayBetween
                return
            }
            startValue(byte, inArray: isInArray)
        case UInt8(ascii: ","):
            if isInArray { return }
            mode = .skippingLine(isStatus: false, line: line, sawJSONPunctuation: true)
        case UInt8(ascii: "]"):
            if isInArray {
                mode = .between
                return
            }
            mode = .skippingLine(isStatus: false, line: line, sawJSONPunctuation: true)
        default:
            if isInArray {
                // A scalar element of an array: take it as a value so the decoder can say it is not an object.
                startValue(byte, inArray: true)
                return
            }
            let looksLikeJSON =
                byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: ":")
            mode = .skippingLine(isStatus: !looksLikeJSON, line: line, sawJSONPunctuation: looksLikeJSON)
        }
    }

    private var isInArray: Bool {
        if case .inArrayBetween = mode { return true }
        return false
    }

    private mutating func startValue(_ byte: UInt8, inArray: Bool) {
        mode = .value
        valueInArray = inArray
        valueLine = line
        depth = 0
        inString = false
        escaped = false
        oversize = false
        buffer.removeAll(keepingCapacity: true)
        if buffer.capacity > maxValueBytes * 2 { buffer = [] }
        consumeValueByte(byte)
    }

    /// A high bit in each byte of `word` (read little-endian) that is `"`, `\\` or a newline; the lowest one set is
    /// the first such byte (bits above it may be false alarms from the borrow). SWAR zero-byte tests.
    @inline(__always)
    private static func stringBoundaries(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func zeros(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        return zeros(word ^ (ones &* 0x22)) | zeros(word ^ (ones &* 0x5C)) | zeros(word ^ (ones &* 0x0A))
    }

    /// Scans bytes of an open value; returns the index after the last byte it consumed.
    /// The scanner's state lives in locals while it runs (stored back on every way out), so the compiler keeps it in
    /// registers instead of writing `self` for every byte.
    private mutating func scanValue(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into events: inout [Event])
        -> Int
    {
        var index = start
        let count = bytes.count
        var runStart = index
        var inString = self.inString
        var escaped = self.escaped
        var depth = self.depth
        var column = self.column
        var line = self.line
        defer {
            self.inString = inString
            self.escaped = escaped
            self.depth = depth
            self.column = column
            self.line = line
        }
        guard let base = bytes.baseAddress else { return index }
        while index < count {
            if inString {
                if !escaped {
                    // Eight bytes at a time through string contents to the next quote, backslash or newline: the
                    // lowest flagged byte of a word is exact, so the scan lands on it directly.
                    var skipped = index
                    while skipped + 8 <= count {
                        let flags = Self.stringBoundaries(
                            UnsafeRawPointer(base + skipped).loadUnaligned(as: UInt64.self))
                        if flags != 0 {
                            skipped += flags.trailingZeroBitCount >> 3
                            break
                        }
                        skipped += 8
                    }
                    column += skipped - index
                    index = skipped
                    guard index < count else { break }
                }
                let byte = base[index]
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                } else if byte == 0x0A {
                    appendRun(bytes, runStart, index)
                    events.append(.malformed(reason: .newlineInString, line: valueLine))
                    mode = .between
                    line += 1
                    column = 0
                    return index + 1
                }
                column += 1
                index += 1
                continue
            }
            let byte = base[index]
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if column == 0, depth > 0 {
                    // A new top-level value starts while this one is still open: this one was cut short.
                    appendRun(bytes, runStart, index)
                    events.append(
                        .malformed(reason: oversize ? .tooLarge(limit: maxValueBytes) : .truncated, line: valueLine))
                    mode = valueInArray ? .inArrayBetween : .between
                    self.line = line
                    startValue(byte, inArray: valueInArray)
                    inString = self.inString
                    escaped = self.escaped
                    depth = self.depth
                    column += 1
                    index += 1
                    runStart = index
                    continue
                }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 {
                    // A scalar array element followed directly by the closing bracket.
                    appendRun(bytes, runStart, index)
                    complete(into: &events)
                    if valueInArray, byte == UInt8(ascii: "]") { mode = .between }
                    column += 1
                    return index + 1
                }
                depth -= 1
                if depth <= 0 {
                    appendRun(bytes, runStart, index + 1)
                    complete(into: &events)
                    column += 1
                    return index + 1
                }
            case 0x0A:
                if depth == 0 {
                    // A scalar value ended by the end of its line.
                    appendRun(bytes, runStart, index)
                    complete(into: &events)
                    line += 1
                    column = 0
                    return index + 1
                }
                line += 1
                column = 0
                index += 1
                continue
            case UInt8(ascii: ","):
                if depth == 0, valueInArray {
                    appendRun(bytes, runStart, index)
                    complete(into: &events)
                    column += 1
                    return index + 1
                }
            default:
                break
            }
            column += 1
            index += 1
        }
        appendRun(bytes, runStart, index)
        return index
    }

    private mutating func consumeValueByte(_ byte: UInt8) {
        if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
            depth = 1
        } else if byte == UInt8(ascii: "\"") {
            inString = true
        }
        buffer.append(byte)
    }

    private mutating func appendRun(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
        guard !oversize, to > from else { return }
        if buffer.count + (to - from) > maxValueBytes {
            oversize = true
            buffer = []
            return
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<to]))
    }

    private mutating func complete(into events: inout [Event]) {
        if oversize {
            events.append(.malformed(reason: .tooLarge(limit: maxValueBytes), line: valueLine))
        } else {
            events.append(.value(bytes: buffer, line: valueLine))
        }
        buffer.removeAll(keepingCapacity: true)
        mode = valueInArray ? .inArrayBetween : .between
    }
}

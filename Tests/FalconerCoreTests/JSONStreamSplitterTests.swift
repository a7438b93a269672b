import FalconerCore
import Testing

@Suite struct JSONStreamSplitterTests {
    /// Splits `text`, feeding it in chunks of `chunk` bytes.
    func split(_ text: String, chunk: Int = 1 << 20, limit: Int = 1 << 20) -> [JSONStreamSplitter.Event] {
        var splitter = JSONStreamSplitter(maxValueBytes: limit)
        var events: [JSONStreamSplitter.Event] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            bytes[start..<end].withUnsafeBytes { splitter.feed($0, into: &events) }
            start = end
        }
        splitter.finish(into: &events)
        return events
    }

    func values(_ events: [JSONStreamSplitter.Event]) -> [String] {
        events.compactMap {
            if case .value(let bytes, _) = $0 { return String(decoding: bytes, as: UTF8.self) }
            return nil
        }
    }

    @Test("one object per line, with line numbers")
    func ndjson() {
        let events = split("{\"a\":1}\n{\"b\":\"x}\"}\n\n{\"c\":[1,{\"d\":2}]}\n")
        #expect(values(events) == ["{\"a\":1}", "{\"b\":\"x}\"}", "{\"c\":[1,{\"d\":2}]}"])
        #expect(events.map { if case .value(_, let line) = $0 { line } else { -1 } } == [1, 2, 4])
    }

    @Test("a top-level array yields each element with its own line")
    func array() {
        let events = split("[\n  {\"a\":1},\n  {\"b\":2}\n]\n{\"c\":3}\n")
        #expect(values(events) == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
        #expect(events.map { if case .value(_, let line) = $0 { line } else { -1 } } == [2, 3, 5])
    }

    @Test("concatenated pretty-printed objects (jq . output)")
    func pretty() {
        let text = "{\n  \"rule\": \"x\",\n  \"output_fields\": {\n    \"a\": 1\n  }\n}\n{\n  \"rule\": \"y\"\n}\n"
        let events = split(text)
        #expect(values(events).count == 2)
        #expect(events.map { if case .value(_, let line) = $0 { line } else { -1 } } == [1, 7])
    }

    @Test("Falco status lines are counted, JSON fragments are errors")
    func statusLines() {
        let text = """
            Thu Dec  3 19:02:41 2026: Falco version: 0.42.0 (x86_64)
            Events detected: 2
               Warning: 1
            {"rule":"a"}
            "rule":"broken"}
            Rule counts by severity:
            """
        let events = split(text)
        #expect(values(events) == ["{\"rule\":\"a\"}"])
        #expect(events.filter { if case .statusLine = $0 { true } else { false } }.count == 4)
        #expect(events.contains(.malformed(reason: .strayText, line: 5)))
    }

    @Test("a truncated line does not swallow the next value")
    func truncatedRecovery() {
        let events = split("{\"rule\":\"a\",\"output_fields\":{\"x\":1\n{\"rule\":\"b\"}\n")
        #expect(events.first == .malformed(reason: .truncated, line: 1))
        #expect(values(events) == ["{\"rule\":\"b\"}"])
    }

    @Test("a newline inside a string ends the broken value")
    func newlineInString() {
        let events = split("{\"rule\":\"a\n{\"rule\":\"b\"}\n")
        #expect(events.first == .malformed(reason: .newlineInString, line: 1))
        #expect(values(events) == ["{\"rule\":\"b\"}"])
    }

    @Test("a value over the limit is skipped without buffering, and the next one survives")
    func tooLarge() {
        let big = "{\"rule\":\"" + String(repeating: "x", count: 5000) + "\"}"
        let events = split(big + "\n{\"rule\":\"ok\"}\n", chunk: 333, limit: 1000)
        #expect(events.first == .malformed(reason: .tooLarge(limit: 1000), line: 1))
        #expect(values(events) == ["{\"rule\":\"ok\"}"])
    }

    @Test("input ending inside a value is reported as truncated")
    func endInsideValue() {
        #expect(split("{\"a\":").last == .malformed(reason: .truncated, line: 1))
    }

    @Test("chunk size never changes the result", arguments: [1, 2, 3, 7, 64])
    func chunkInvariance(chunk: Int) {
        let text =
            "Falco initialized\n[{\"a\":\"b\\\"}\"},\n{\"c\":2}]\n{\n \"d\": [1, 2]\n}\n{\"e\":\"é ✓\"}\n{broken\n"
        #expect(split(text, chunk: chunk) == split(text))
    }

    /// Strings long enough for the eight-bytes-at-a-time scan, with a quote, backslash or newline at every offset,
    /// fed in chunks that cut them everywhere: the values must come out exactly as written, on the right lines.
    @Test("long strings with escapes at every offset split the same in any chunking")
    func longStrings() {
        var lines: [String] = []
        for offset in 0..<17 {
            for special in ["\\\"", "\\\\", "\\n", "é", "\\u2028"] {
                let padding = String(repeating: "a", count: offset)
                lines.append("{\"k\":\"\(padding)\(special)\(String(repeating: "b", count: 19))\",\"n\":\(offset)}")
            }
        }
        // A raw newline inside a string ends that value as broken; the next line still splits.
        lines.append("{\"k\":\"\(String(repeating: "c", count: 13))")
        lines.append("\"}")
        lines.append("{\"after\":true}")
        let text = lines.joined(separator: "\n") + "\n"
        let whole = split(text)
        #expect(Array(values(whole).prefix(85)) == Array(lines.prefix(85)))
        #expect(whole.contains(.malformed(reason: .newlineInString, line: 86)))
        #expect(values(whole).last == "{\"after\":true}")
        for chunk in [1, 3, 5, 8, 9, 13] { #expect(split(text, chunk: chunk) == whole, "chunk \(chunk)") }
    }
}

/// A Falco rule's `output` format split into literal text and `%field` references, so that field values can be
/// recovered from an alert that arrived as text only (syslog, journal, a chat message) without `output_fields`.
package struct OutputFormat: Sendable, Equatable {
    package enum Segment: Sendable, Equatable {
        case literal(String)
        case field(String)
    }

    package let segments: [Segment]

    /// Parses a Falco output format; `%field` and `%field[index]` are references, everything else is literal.
    package init(_ format: String) {
        var segments: [Segment] = []
        var literal = ""
        let fields = RulesFileReader.outputFields(in: format)
        var rest = Substring(format)
        while let percent = rest.firstIndex(of: "%") {
            literal += rest[..<percent]
            let after = rest[rest.index(after: percent)...]
            if let name = fields.filter({ after.hasPrefix($0) }).max(by: { $0.count < $1.count }) {
                if !literal.isEmpty { segments.append(.literal(literal)) }
                literal = ""
                segments.append(.field(name))
                rest = after.dropFirst(name.count)
            } else {
                literal += "%"
                rest = after
            }
        }
        literal += rest
        if !literal.isEmpty { segments.append(.literal(literal)) }
        self.segments = segments
    }

    /// The field values in `output`, matched against this format: each field's value runs up to the next literal
    /// text of the format (its first occurrence), and a field that ends the format stops at the first space (Falco
    /// may append more text). Values Falco prints for unknown fields (`<NA>`) are left out. Returns nil when the
    /// output does not follow the format.
    package func values(in output: String) -> [(field: String, value: String)]? {
        guard segments.contains(where: { if case .field = $0 { true } else { false } }) else { return nil }
        let bytes = Array(output.utf8)
        // Falco prefixes the formatted text with the event time and the priority ("19:02:41.1: Warning ..."); the
        // format's first literal finds where the rule's own text starts.
        var position = 0
        var index = 0
        if case .literal(let first) = segments[0] {
            guard let found = Self.find(Array(first.utf8), in: bytes, from: 0) else { return nil }
            position = found + first.utf8.count
            index = 1
        }
        var values: [(field: String, value: String)] = []
        while index < segments.count {
            guard case .field(let name) = segments[index] else { return nil }
            if index + 1 < segments.count, case .literal(let next) = segments[index + 1] {
                guard let found = Self.find(Array(next.utf8), in: bytes, from: position) else { return nil }
                Self.append(name, bytes[position..<found], to: &values)
                position = found + next.utf8.count
                index += 2
            } else if index + 1 < segments.count {
                // Two references with nothing between them cannot be told apart.
                return nil
            } else {
                let end = bytes[position...].firstIndex(of: UInt8(ascii: " ")) ?? bytes.count
                Self.append(name, bytes[position..<end], to: &values)
                index += 1
            }
        }
        return values
    }

    private static func append(
        _ field: String, _ value: ArraySlice<UInt8>, to values: inout [(field: String, value: String)]
    ) {
        let text = String(decoding: value, as: UTF8.self)
        if !text.isEmpty, text != "<NA>" { values.append((field, text)) }
    }

    /// The first index at or after `start` where `needle` occurs in `haystack`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty else { return start }
        guard haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}

/// An investigation step or mitigation pre-rendered as its JSON object when the knowledge is loaded: the bytes that
/// are the same for every alert (keys, titles, look-fors, reaches, references, the literal parts of commands), with
/// the alert's values spliced in at the placeholders, quoted for the shell or YAML and then JSON-escaped. Writing a
/// report's steps is then a few copies and the escaping of the alert's own values.
///
/// The template is made from what `JSONReportWriter` itself writes for the part, with a sentinel string in place of
/// each command, config or undo text, so the two can never disagree on the shape; the sentinel is then replaced by
/// the template's pieces.
package struct JSONTemplate: Sendable {
    enum Piece: Sendable {
        case bytes([UInt8])
        case value(String, KnownField?, Placeholders.Style)
        /// Where a step's command starts and ends in the output (the duplicate check compares commands).
        case commandStart, commandEnd
    }

    /// One step of writing, with no references in it, so walking the template retains nothing.
    private struct Operation: Sendable {
        enum Kind: UInt8, Sendable { case bytes, value, commandStart, commandEnd }
        let kind: Kind
        let style: Placeholders.Style
        /// The byte range in `bytes` (kind `bytes`); the `KnownField` index or -1, and the index in `names` (kind
        /// `value`).
        let start: Int32
        let end: Int32
    }

    /// The static bytes of every piece, back to back.
    private let bytes: [UInt8]
    private let operations: [Operation]
    /// Placeholder names, and their known fields, by operation.
    private let names: [String]
    private let known: [KnownField?]

    /// What `write` did.
    package enum Outcome: Equatable {
        case written
        /// A placeholder had no value in the alert; nothing was written.
        case missing(String)
    }

    /// Fills the rendered object's sentinel strings with the texts' pieces; nil when a sentinel does not occur exactly
    /// once (prose that happens to contain one), so the caller keeps the general path.
    init?(rendered: [UInt8], texts: [(template: Template, style: Placeholders.Style)], markCommand: Bool) {
        var pieces: [Piece] = []
        var position = 0
        for (index, text) in texts.enumerated() {
            let sentinel = Self.renderedSentinel(index)
            guard let start = Self.find(sentinel, in: rendered, from: position),
                Self.find(sentinel, in: rendered, from: start + sentinel.count) == nil
            else { return nil }
            // The sentinel's rendering includes its quotes; keep them around the pieces.
            pieces.append(.bytes(Array(rendered[position..<start]) + [UInt8(ascii: "\"")]))
            if markCommand { pieces.append(.commandStart) }
            for segment in text.template.segments {
                switch segment {
                case .literal(let bytes):
                    var json = JSONWriter(capacity: bytes.count + 8)
                    bytes.withUnsafeBufferPointer { json.appendEscapedContent($0) }
                    pieces.append(.bytes(json.bytes))
                case .placeholder(let name, let known):
                    pieces.append(.value(name, known, text.style))
                }
            }
            if markCommand { pieces.append(.commandEnd) }
            pieces.append(.bytes([UInt8(ascii: "\"")]))
            position = start + sentinel.count
        }
        pieces.append(.bytes(Array(rendered[position...])))
        var bytes: [UInt8] = []
        var operations: [Operation] = []
        var names: [String] = []
        var known: [KnownField?] = []
        for piece in Self.merged(pieces) {
            switch piece {
            case .bytes(let piece):
                operations.append(
                    Operation(
                        kind: .bytes, style: .plain, start: Int32(bytes.count), end: Int32(bytes.count + piece.count)))
                bytes += piece
            case .value(let name, let field, let style):
                operations.append(Operation(kind: .value, style: style, start: Int32(names.count), end: 0))
                names.append(name)
                known.append(field)
            case .commandStart:
                operations.append(Operation(kind: .commandStart, style: .plain, start: 0, end: 0))
            case .commandEnd:
                operations.append(Operation(kind: .commandEnd, style: .plain, start: 0, end: 0))
            }
        }
        self.bytes = bytes
        self.operations = operations
        self.names = names
        self.known = known
    }

    /// The sentinel for the text at `index`: control characters no knowledge prose carries.
    static func sentinel(_ index: Int) -> String { "\u{1}\u{2}falconer-slot-\(index)\u{2}\u{1}" }

    private static func renderedSentinel(_ index: Int) -> [UInt8] {
        var json = JSONWriter(capacity: 64)
        json.string(sentinel(index))
        return json.bytes
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count)
        where haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }

    /// Adjacent byte pieces joined into one copy.
    private static func merged(_ pieces: [Piece]) -> [Piece] {
        var result: [Piece] = []
        for piece in pieces {
            if case .bytes(let next) = piece, case .bytes(let previous)? = result.last {
                result[result.count - 1] = .bytes(previous + next)
            } else if case .bytes(let next) = piece, next.isEmpty {
                continue
            } else {
                result.append(piece)
            }
        }
        return result
    }

    /// Writes the object as the next value in `json`, with the alert's values from `context`. `command` is set to
    /// where the step's command was written. On a missing value nothing is written.
    package func write(
        into json: inout JSONWriter, from context: borrowing AlertContext, scratch: inout [UInt8],
        command: inout Range<Int>
    ) -> Outcome {
        let mark = json.mark
        json.beginRawValue()
        var commandStart = 0
        for operation in operations {
            switch operation.kind {
            case .bytes:
                bytes.withUnsafeBufferPointer { bytes in
                    json.appendRaw(UnsafeBufferPointer(rebasing: bytes[Int(operation.start)..<Int(operation.end)]))
                }
            case .value:
                let index = Int(operation.start)
                guard let raw = context.value(of: names[index], known: known[index]) else {
                    json.rollback(to: mark)
                    return .missing(names[index])
                }
                if operation.style == .shell {
                    // Most values (paths, names, numbers) are shell words as they are, and need no JSON escaping.
                    var raw = raw
                    let bare = raw.withUTF8 { utf8 in
                        guard Quoting.isBareShellWord(utf8) else { return false }
                        json.appendRaw(utf8)
                        return true
                    }
                    if bare { continue }
                }
                scratch.removeAll(keepingCapacity: true)
                switch operation.style {
                case .shell: Quoting.appendShell(raw, to: &scratch)
                case .yaml: Quoting.appendYAML(raw, to: &scratch)
                case .plain: scratch.append(contentsOf: raw.utf8)
                }
                scratch.withUnsafeBufferPointer { json.appendEscapedContent($0) }
            case .commandStart:
                commandStart = json.byteCount
            case .commandEnd:
                command = commandStart..<json.byteCount
            }
        }
        return .written
    }
}

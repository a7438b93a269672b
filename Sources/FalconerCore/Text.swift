import Synchronization

/// Knowledge prose with its JSON form computed once when the knowledge is loaded, and its Markdown form the first time
/// a Markdown report asks, so every report copies them instead of escaping the same sentences again for each alert.
/// The forms live in one object, so copying a `Text` into a report costs one reference count, not three.
package struct Text: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral {
    // SAFETY: `json` is written once, in init, before the object is shared, only read afterwards, and freed in
    // deinit; everything else is immutable or behind its Mutex.
    private final class Storage: @unchecked Sendable {
        let string: String
        /// The JSON form in memory of its own, so writing it reads it in place with no array to reference-count.
        let json: UnsafeMutableBufferPointer<UInt8>
        /// The Markdown form, once made (a lane's knowledge is its own, so the lock is uncontended).
        let markdown = Mutex<String?>(nil)

        init(_ string: String) {
            self.string = string
            var writer = JSONWriter(capacity: string.utf8.count + 8)
            writer.string(string)
            json = writer.finishBuffer()
        }

        deinit { if let base = json.baseAddress { ByteMemory.free(base) } }
    }

    private let storage: Storage

    package var string: String { storage.string }
    /// The string as a JSON string literal, quotes included.
    package var json: [UInt8] { Array(storage.json) }

    /// Calls `body` with the JSON form (valid only inside `body`).
    @inline(__always)
    package func withJSON<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withExtendedLifetime(storage) { body(UnsafeBufferPointer(storage.json)) }
    }
    /// The string escaped for Markdown (`Quoting.markdown`), made on first use and kept.
    package var markdown: String {
        storage.markdown.withLock { cached in
            if let cached { return cached }
            let made = Quoting.markdown(storage.string)
            cached = made
            return made
        }
    }

    /// Knowledge prose, or text made for one alert (a signal's detail, a custom rule's description): the JSON form
    /// now, the Markdown form when a Markdown report first asks for it.
    package init(_ string: String) { storage = Storage(string) }

    package init(stringLiteral value: String) { self.init(value) }

    package var description: String { string }
    package var isEmpty: Bool { storage.string.isEmpty }

    package static func == (lhs: Text, rhs: Text) -> Bool { lhs.storage === rhs.storage || lhs.string == rhs.string }
}

/// A command or config text with `{field}` placeholders, split once at load into literal bytes and names.
package struct Template: Sendable, Equatable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal([UInt8])
        /// A placeholder's name, and its `KnownField` when it is one (resolved once, here).
        case placeholder(String, KnownField?)
    }

    package let source: String
    let segments: [Segment]

    package init(_ source: String) {
        self.source = source
        var segments: [Segment] = []
        var literal: [UInt8] = []
        let bytes = Array(source.utf8)
        var index = 0
        while index < bytes.count {
            if let (name, end) = Placeholders.placeholder(in: bytes, at: index) {
                if !literal.isEmpty { segments.append(.literal(literal)) }
                literal = []
                segments.append(.placeholder(name, KnownField(named: name)))
                index = end
                continue
            }
            literal.append(bytes[index])
            index += 1
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        self.segments = segments
    }

    package var description: String { source }

    /// The placeholder names, in order.
    package var placeholders: [String] {
        segments.compactMap {
            if case .placeholder(let name, _) = $0 { return name }
            return nil
        }
    }

    /// The first placeholder that has no value in `context`, or nil when all do.
    package func firstMissing(from context: borrowing AlertContext) -> String? {
        for segment in segments {
            if case .placeholder(let name, let known) = segment, context.value(of: name, known: known) == nil {
                return name
            }
        }
        return nil
    }

    /// The text with each placeholder replaced by its quoted value from `context`; nil when one has no value.
    /// (Takes the context itself rather than a closure over it: a closure would copy the whole context per call.)
    package func fill(style: Placeholders.Style, from context: borrowing AlertContext) -> String? {
        if segments.count == 1, case .literal = segments[0] { return source }
        return fill(style: style) { context.value(of: $0) }
    }

    /// Appends the text with each placeholder replaced by its quoted value from `context` to `out`; false (and `out`
    /// as it was) when one has no value. The report writers fill commands this way, with no String per command.
    package func fill(style: Placeholders.Style, from context: borrowing AlertContext, into out: inout [UInt8]) -> Bool
    {
        let start = out.count
        for segment in segments {
            switch segment {
            case .literal(let bytes):
                out.append(contentsOf: bytes)
            case .placeholder(let name, let known):
                guard let raw = context.value(of: name, known: known) else {
                    out.removeSubrange(start...)
                    return false
                }
                switch style {
                case .shell: Quoting.appendShell(raw, to: &out)
                case .yaml: Quoting.appendYAML(raw, to: &out)
                case .plain: out.append(contentsOf: raw.utf8)
                }
            }
        }
        return true
    }

    /// The text with each placeholder replaced by its quoted value; nil when one has no value.
    package func fill(style: Placeholders.Style, value: (String) -> String?) -> String? {
        if segments.count == 1, case .literal = segments[0] { return source }
        var out: [UInt8] = []
        out.reserveCapacity(source.utf8.count + 32)
        for segment in segments {
            switch segment {
            case .literal(let bytes):
                out.append(contentsOf: bytes)
            case .placeholder(let name, _):
                guard let raw = value(name) else { return nil }
                switch style {
                case .shell: Quoting.appendShell(raw, to: &out)
                case .yaml: Quoting.appendYAML(raw, to: &out)
                case .plain: out.append(contentsOf: raw.utf8)
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    package static func == (lhs: Template, rhs: Template) -> Bool { lhs.source == rhs.source }
}

/// Byte-level substring search: the standard library's generic `contains` is slow on the hot path.
extension String {
    package func containsBytes(_ needle: String) -> Bool {
        var haystack = self
        var pattern = needle
        return haystack.withUTF8 { hay in
            pattern.withUTF8 { pat in
                guard pat.count > 0 else { return true }
                guard hay.count >= pat.count else { return false }
                let first = pat[0]
                var index = 0
                let last = hay.count - pat.count
                while index <= last {
                    if hay[index] == first {
                        var matched = true
                        for offset in 1..<pat.count where hay[index + offset] != pat[offset] {
                            matched = false
                            break
                        }
                        if matched { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }
}

/// Builds a sentence from pieces as UTF-8 bytes and makes one String at the end: String interpolation and `+=` on
/// Strings cost a String (and often an allocation) per piece, which added up to a twentieth of a report.
package struct TextBuilder: ~Copyable {
    /// Its own buffer rather than an Array, whose every append checks uniqueness and capacity: a summary takes some
    /// thirty appends.
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    package init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = ByteMemory.allocate(self.capacity)
    }

    deinit { ByteMemory.free(base) }

    package var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

    /// Calls `body` with the bytes appended so far (valid only inside `body`).
    package func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        body(UnsafeBufferPointer(start: base, count: count))
    }
    package var isEmpty: Bool { count == 0 }

    @inline(__always)
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity {
            capacity = max(capacity * 2, count + bytes.count)
            base = ByteMemory.reallocate(base, capacity)
        }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    package static func += (builder: inout TextBuilder, piece: String) {
        var piece = piece
        piece.withUTF8 { builder.append($0) }
    }

    package static func += (builder: inout TextBuilder, piece: StaticString) {
        piece.withUTF8Buffer { builder.append($0) }
    }

    /// Appends the first `maxCharacters` characters of `piece` (`String.prefix`), cheaply when it is short.
    package mutating func add(_ piece: String, maxCharacters: Int) {
        if piece.utf8.count <= maxCharacters {
            self += piece
        } else {
            self += String(piece.prefix(maxCharacters))
        }
    }

    package mutating func add<Number: BinaryInteger>(_ number: Number) { self += String(number) }
}

/// Writes compact JSON into a byte buffer; strings are escaped per RFC 8259 (plus U+2028/2029 for JavaScript).
/// Built for the hot path: no intermediate Strings, no Foundation.
package struct JSONWriter {
    package var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    package init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    package mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    package mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    package mutating func beginArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    package mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes a key; the next write is its value.
    package mutating func key(_ name: StaticString) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    /// Writes a key from dynamic text (escaped).
    package mutating func key(dynamic name: String) {
        separator()
        appendEscaped(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    package mutating func string(_ value: String) {
        separator()
        appendEscaped(value)
    }

    package mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    package mutating func int(_ value: Int64?) {
        guard let value else { return null() }
        separator()
        bytes.append(contentsOf: Array(String(value).utf8))
    }

    package mutating func int(_ value: Int) { int(Int64(value)) }

    package mutating func bool(_ value: Bool?) {
        guard let value else { return null() }
        separator()
        bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }

    package mutating func null() {
        separator()
        bytes.append(contentsOf: [110, 117, 108, 108])
    }

    /// Writes a number from its source text, or a string when the text is not a valid JSON number or is out of the
    /// range every JSON reader can hold (`1e999`).
    package mutating func number(text: String) {
        guard Self.isJSONNumber(text), Double(text)?.isFinite == true else { return string(text) }
        separator()
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes a field value with its JSON type.
    package mutating func value(_ value: FieldValue) {
        switch value {
        case .string(let text), .raw(let text): string(text)
        case .number(let text): number(text: text)
        case .bool(let flag): bool(flag)
        }
    }

    /// Writes a value already serialised as JSON (e.g. a report rendered on another thread).
    package mutating func raw(_ value: [UInt8]) {
        separator()
        bytes.append(contentsOf: value)
    }

    /// Writes knowledge prose whose JSON form was computed at load.
    package mutating func text(_ value: Text) {
        separator()
        bytes.append(contentsOf: value.json)
    }

    package mutating func text(_ value: Text?) {
        if let value { text(value) } else { null() }
    }

    package mutating func texts(_ values: [Text]) {
        beginArray()
        for value in values { text(value) }
        endArray()
    }

    package mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendEscaped(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            let count = utf8.count
            while index < count {
                // Eight bytes at a time while none of them needs escaping (the common case for alert values).
                if let base = utf8.baseAddress {
                    while index + 8 <= count,
                        !Self.needsEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                    {
                        index += 8
                    }
                }
                guard index < count else { break }
                let byte = utf8[index]
                if byte >= 0x20 && byte != 0x22 && byte != 0x5C && byte != 0xE2 {
                    index += 1
                    continue
                }
                if byte == 0xE2, index + 2 < count, utf8[index + 1] == 0x80,
                    utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9
                {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                    bytes.append(contentsOf: utf8[index + 2] == 0xA8 ? Array("\\u2028".utf8) : Array("\\u2029".utf8))
                    index += 3
                    runStart = index
                    continue
                }
                if byte == 0xE2 {
                    index += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    bytes.append(contentsOf: [
                        0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)],
                    ])
                }
                index += 1
                runStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// True when any of the eight bytes in `word` is a control character (< 0x20), `"`, `\\` or 0xE2 (the lead byte
    /// of U+2028/U+2029). Classic SWAR tests: `(x - 0x01…) & ~x & 0x80…` finds a zero byte, applied to `word ^ c`.
    @inline(__always)
    private static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        // Bytes below 0x20, ignoring bytes >= 0x80 (their high bit is masked out by `~word`).
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = hasZero(word ^ (ones &* 0x22))
        let backslash = hasZero(word ^ (ones &* 0x5C))
        let e2 = hasZero(word ^ (ones &* 0xE2))
        return (control | quote | backslash | e2) != 0
    }

    /// True when `text` follows RFC 8259's number grammar.
    package static func isJSONNumber(_ text: String) -> Bool {
        var iterator = text.utf8.makeIterator()
        var byte = iterator.next()
        func isDigit(_ value: UInt8?) -> Bool { value.map { $0 >= 48 && $0 <= 57 } ?? false }
        if byte == UInt8(ascii: "-") { byte = iterator.next() }
        guard isDigit(byte) else { return false }
        if byte == UInt8(ascii: "0") {
            byte = iterator.next()
        } else {
            while isDigit(byte) { byte = iterator.next() }
        }
        if byte == UInt8(ascii: ".") {
            byte = iterator.next()
            guard isDigit(byte) else { return false }
            while isDigit(byte) { byte = iterator.next() }
        }
        if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            byte = iterator.next()
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") { byte = iterator.next() }
            guard isDigit(byte) else { return false }
            while isDigit(byte) { byte = iterator.next() }
        }
        return byte == nil
    }
}

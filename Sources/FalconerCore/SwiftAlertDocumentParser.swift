/// A strict JSON parser in plain Swift that produces an `AlertDocument`. It is the reference implementation the
/// simdjson adapter is tested against, and the fallback when simdjson is not wanted. Nesting is capped at 64 levels.
package struct SwiftAlertDocumentParser: AlertDocumentParser {
    package init() {}

    package mutating func parse(_ bytes: [UInt8], origin: String) throws(DecodeError) -> AlertDocument {
        var reader = Reader(bytes: bytes)
        do {
            reader.skipSpace()
            guard reader.peek == UInt8(ascii: "{") else {
                _ = try reader.value(depth: 0)
                reader.skipSpace()
                guard reader.atEnd else { throw Reader.Failure.message("trailing content after the value") }
                throw DecodeError(reason: .notObject, origin: origin)
            }
            var document = AlertDocument()
            try reader.object { key, reader in
                switch key {
                case "output_fields" where reader.peek == UInt8(ascii: "{"):
                    try reader.object { innerKey, reader in document.addField(innerKey, try reader.scalar(depth: 2)) }
                case "tags" where reader.peek == UInt8(ascii: "["):
                    try reader.array { reader in document.addTag(try reader.scalar(depth: 2)) }
                default:
                    document.addTop(key, try reader.scalar(depth: 1))
                }
            }
            reader.skipSpace()
            guard reader.atEnd else { throw Reader.Failure.message("trailing content after the value") }
            if !document.fields.isEmpty { document.dropOutputText() }
            return document
        } catch let error as DecodeError {
            throw error
        } catch let Reader.Failure.message(text) {
            throw DecodeError(reason: .notJSON(text), origin: origin)
        } catch {
            throw DecodeError(reason: .notJSON("unexpected failure"), origin: origin)
        }
    }
}

private struct Reader {
    enum Failure: Error { case message(String) }
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard peek == byte else {
            throw Failure.message("expected '\(Character(Unicode.Scalar(byte)))' at byte \(index)")
        }
        index += 1
    }

    mutating func object(_ member: (String, inout Reader) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipSpace()
            let key = try string()
            try expect(UInt8(ascii: ":"))
            skipSpace()
            try member(key, &self)
            skipSpace()
            guard let byte = peek else { throw Failure.message("unterminated object") }
            index += 1
            if byte == UInt8(ascii: "}") { return }
            guard byte == UInt8(ascii: ",") else { throw Failure.message("expected ',' or '}' at byte \(index - 1)") }
        }
    }

    mutating func array(_ element: (inout Reader) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        skipSpace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipSpace()
            try element(&self)
            skipSpace()
            guard let byte = peek else { throw Failure.message("unterminated array") }
            index += 1
            if byte == UInt8(ascii: "]") { return }
            guard byte == UInt8(ascii: ",") else { throw Failure.message("expected ',' or ']' at byte \(index - 1)") }
        }
    }

    /// A value: scalars become FieldValues; arrays and objects keep their raw JSON text.
    mutating func scalar(depth: Int) throws -> FieldValue? {
        skipSpace()
        let start = index
        let value = try self.value(depth: depth)
        switch value {
        case .nested:
            return .raw(String(decoding: bytes[start..<index], as: UTF8.self))
        case .null:
            return nil
        case .string(let text):
            return .string(text)
        case .number(let text):
            return .number(text)
        case .bool(let flag):
            return .bool(flag)
        }
    }

    enum Parsed { case string(String), number(String), bool(Bool), null, nested }

    mutating func value(depth: Int) throws -> Parsed {
        guard depth < 64 else { throw Failure.message("nesting deeper than 64 levels") }
        skipSpace()
        guard let byte = peek else { throw Failure.message("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "{"):
            try object { _, reader in _ = try reader.value(depth: depth + 1) }
            return .nested
        case UInt8(ascii: "["):
            try array { reader in _ = try reader.value(depth: depth + 1) }
            return .nested
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            return .number(try number())
        }
    }

    mutating func literal(_ word: String) throws {
        for expected in word.utf8 {
            guard peek == expected else { throw Failure.message("invalid literal at byte \(index)") }
            index += 1
        }
    }

    mutating func number() throws -> String {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, first >= 48, first <= 57 else {
            throw Failure.message("invalid value at byte \(start)")
        }
        if first == 48 {
            index += 1
        } else {
            while let byte = peek, byte >= 48, byte <= 57 { index += 1 }
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard let byte = peek, byte >= 48, byte <= 57 else {
                throw Failure.message("invalid number at byte \(start)")
            }
            while let byte = peek, byte >= 48, byte <= 57 { index += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let byte = peek, byte >= 48, byte <= 57 else {
                throw Failure.message("invalid number at byte \(start)")
            }
            while let byte = peek, byte >= 48, byte <= 57 { index += 1 }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func string() throws -> String {
        guard peek == UInt8(ascii: "\"") else { throw Failure.message("expected a string at byte \(index)") }
        index += 1
        var out: [UInt8] = []
        while true {
            guard let byte = peek else { throw Failure.message("unterminated string") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else {
                    throw Failure.message("string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                guard let escape = peek else { throw Failure.message("unterminated escape") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard peek == UInt8(ascii: "\\") else { throw Failure.message("unpaired surrogate") }
                        index += 1
                        guard peek == UInt8(ascii: "u") else { throw Failure.message("unpaired surrogate") }
                        index += 1
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw Failure.message("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw Failure.message("unpaired surrogate")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw Failure.message("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw Failure.message("invalid escape at byte \(index - 1)")
                }
            default:
                guard byte >= 0x20 else { throw Failure.message("control character in string at byte \(index - 1)") }
                out.append(byte)
            }
        }
    }

    mutating func hex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek else { throw Failure.message("short \\u escape") }
            index += 1
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: throw Failure.message("invalid \\u escape")
            }
            value = value * 16 + digit
        }
        return value
    }
}

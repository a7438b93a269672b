/// Quoting of attacker-controlled values for the places reports put them.
package enum Quoting {
    /// Quotes `value` as one POSIX shell word: bare when it only holds safe characters, else in single quotes;
    /// values with control characters use bash's `$'...'` form with hex escapes, so nothing invisible reaches a
    /// terminal.
    package static func shell(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 8)
        appendShell(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` quoted as one shell word (`shell(_:)`) to `out`, without an intermediate String.
    package static func appendShell(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { appendShell($0, to: &out) }
    }

    /// True when `utf8` is a shell word as it is (`shell(_:)` would return it unchanged). Such a word holds no byte
    /// JSON must escape either.
    package static func isBareShellWord(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first, first != UInt8(ascii: "-") else { return false }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "%"),
                UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "."),
                UInt8(ascii: "/"), UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        return true
    }

    private static func appendShell(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        if utf8.isEmpty {
            out.append(UInt8(ascii: "'"))
            out.append(UInt8(ascii: "'"))
            return
        }
        // A leading '-' would read as an option; '=' first or '%' are fine. '~' is not in the safe set.
        if isBareShellWord(utf8) {
            out.append(contentsOf: utf8)
            return
        }
        let control = utf8.contains { $0 < 0x20 || $0 == 0x7F }
        if control {
            out.append(UInt8(ascii: "$"))
            out.append(UInt8(ascii: "'"))
            appendRuns(of: utf8, to: &out) { byte in
                byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\\")
            } escape: { byte, _, out in
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "x"))
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
                return 0
            }
            out.append(UInt8(ascii: "'"))
            return
        }
        out.append(UInt8(ascii: "'"))
        appendRuns(of: utf8, to: &out) {
            $0 == UInt8(ascii: "'")
        } escape: { _, _, out in
            out.append(UInt8(ascii: "'"))
            out.append(UInt8(ascii: "\\"))
            out.append(UInt8(ascii: "'"))
            out.append(UInt8(ascii: "'"))
            return 0
        }
        out.append(UInt8(ascii: "'"))
    }

    /// Appends `utf8` to `out`, copying the stretches between special bytes in one go: each byte for which
    /// `special` holds goes to `escape` instead, with its index, and `escape` returns how many of the bytes after it
    /// it also consumed.
    @inline(__always)
    private static func appendRuns(
        of utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], special: (UInt8) -> Bool,
        escape: (UInt8, Int, inout [UInt8]) -> Int
    ) {
        var start = 0
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if special(byte) {
                if start < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
                index += 1 + escape(byte, index, &out)
                start = index
            } else {
                index += 1
            }
        }
        if start < utf8.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count])) }
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    /// Quotes `value` as a YAML scalar: plain when that cannot change its meaning, else double-quoted with escapes.
    package static func yaml(_ value: String) -> String {
        if isPlainYAMLSafe(value) { return value }
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 8)
        appendYAML(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` quoted as a YAML scalar (`yaml(_:)`) to `out`, without an intermediate String.
    package static func appendYAML(_ value: String, to out: inout [UInt8]) {
        if isPlainYAMLSafe(value) {
            out.append(contentsOf: value.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            appendRuns(of: utf8, to: &out) { byte in
                byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0xC2
                    || byte == 0xE2 || byte == 0xEF
            } escape: { byte, index, out in
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    out.append(UInt8(ascii: "\\"))
                    out.append(byte)
                case 0x0A:
                    out.append(UInt8(ascii: "\\"))
                    out.append(UInt8(ascii: "n"))
                case 0x09:
                    out.append(UInt8(ascii: "\\"))
                    out.append(UInt8(ascii: "t"))
                case 0x0D:
                    out.append(UInt8(ascii: "\\"))
                    out.append(UInt8(ascii: "r"))
                case 0..<0x20, 0x7F: appendUnicodeEscape(UInt32(byte), to: &out)
                case 0xC2 where index + 1 < utf8.count && utf8[index + 1] < 0xA0:
                    // C1 controls U+0080-U+009F.
                    appendUnicodeEscape(UInt32(utf8[index + 1]), to: &out)
                    return 1
                case 0xE2
                where index + 2 < utf8.count && utf8[index + 1] == 0x80
                    && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                    appendUnicodeEscape(utf8[index + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
                    return 2
                case 0xEF where index + 2 < utf8.count && utf8[index + 1] == 0xBB && utf8[index + 2] == 0xBF:
                    appendUnicodeEscape(0xFEFF, to: &out)
                    return 2
                default:
                    out.append(byte)
                }
                return 0
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `\u` and the scalar in lower-case hex, padded to four digits.
    private static func appendUnicodeEscape(_ scalar: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(hexDigit(UInt8(truncatingIfNeeded: scalar >> UInt32(shift)) & 0x0F))
        }
    }

    private static let yamlReserved: [[UInt8]] = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    ].map { Array($0.utf8) }

    private static func isPlainYAMLSafe(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { isPlainYAMLSafe($0) }
    }

    private static func isPlainYAMLSafe(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first, utf8.count <= 200 else { return false }
        // Must not start with an indicator or a digit-like token that YAML 1.1 would read as a number or date;
        // numbers are fine when they are plain integers (Falco compares text).
        var allDigits = true
        switch first {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "/"),
            UInt8(ascii: "_"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            break
        default:
            return false
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"),
                UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"):
                allDigits = false
            default:
                return false
            }
        }
        if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
            // Only plain decimal integers stay bare (e.g. a uid); anything else number-like is quoted.
            return allDigits && utf8.count < 19
        }
        // Words YAML 1.1 reads as booleans or null (all letters, at most five) are quoted.
        return utf8.count > 5 || !isReservedYAMLWord(utf8)
    }

    /// True when `utf8` is one of the words YAML 1.1 reads as a boolean or null, in any case.
    private static func isReservedYAMLWord(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        yamlReserved.contains { word in
            guard word.count == utf8.count else { return false }
            for index in 0..<word.count {
                let byte = utf8[index]
                // ASCII letters compare case-insensitively; `~` has no case.
                if byte != word[index] && !(byte >= 0x41 && byte <= 0x5A && byte | 0x20 == word[index]) {
                    return false
                }
            }
            return true
        }
    }

    /// Escapes text for Markdown prose and table cells: no character can start markup, break a table or a line.
    package static func markdown(_ value: String) -> String {
        // Byte by byte (every escaped character is ASCII, and UTF-8 continuation bytes are never ASCII): this runs
        // for every table cell of every Markdown report.
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 8)
        var atStart = true
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["),
                UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "|"), UInt8(ascii: "~"),
                UInt8(ascii: "&"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case UInt8(ascii: "#") where atStart, UInt8(ascii: "-") where atStart, UInt8(ascii: "+") where atStart,
                UInt8(ascii: "=") where atStart:
                // Only at the start of a line do these begin a heading, a list or a setext underline.
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                out.append(UInt8(ascii: " "))
            case 0..<0x20, 0x7F:
                out.append(contentsOf: replacementCharacter)
            default:
                out.append(byte)
            }
            atStart = false
        }
        // "1." or "1)" at the start would begin an ordered list.
        let digits = out.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
        if digits > 0, digits < out.count, out[digits] == UInt8(ascii: ".") || out[digits] == UInt8(ascii: ")") {
            out.insert(UInt8(ascii: "\\"), at: digits)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// U+FFFD in UTF-8, shown in place of control characters.
    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// A Markdown code span holding `value` verbatim, safe inside a table cell: the backtick fence is longer than any
    /// run of backticks in the value, `|` is escaped (GFM tables honour `\|` inside code), newlines become spaces.
    package static func markdownCode(_ value: String) -> String {
        var longest = 0
        var run = 0
        var body = ""
        for scalar in value.unicodeScalars {
            if scalar == "`" {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
            switch scalar {
            case "|": body += "\\|"
            case "\n", "\r", "\t": body += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    body += "\u{FFFD}"
                } else {
                    body.unicodeScalars.append(scalar)
                }
            }
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = body.hasPrefix("`") || body.hasSuffix("`") || body.hasPrefix(" ") ? " " : ""
        return fence + pad + body + pad + fence
    }

    /// A fenced Markdown code block whose fence is longer than any backtick run in `text`.
    package static func markdownFence(_ text: String, language: String = "") -> String {
        var longest = 0
        var run = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "`") {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let safeLanguage = String(language.filter { $0.isLetter || $0.isNumber })
        var clean: [UInt8] = []
        clean.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if byte < 0x20 && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\t") {
                clean.append(contentsOf: replacementCharacter)
            } else {
                clean.append(byte)
            }
        }
        return "\(fence)\(safeLanguage)\n\(String(decoding: clean, as: UTF8.self))\n\(fence)"
    }
}

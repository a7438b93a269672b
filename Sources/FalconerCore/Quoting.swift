/// Quoting of attacker-controlled values for the places reports put them.
package enum Quoting {
    /// Quotes `value` as one POSIX shell word: bare when it only holds safe characters, else in single quotes;
    /// values with control characters use bash's `$'...'` form with hex escapes, so nothing invisible reaches a
    /// terminal.
    package static func shell(_ value: String) -> String {
        if value.isEmpty { return "''" }
        var safe = true
        var control = false
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "%"),
                UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "."),
                UInt8(ascii: "/"), UInt8(ascii: "-"):
                continue
            case 0..<0x20, 0x7F:
                control = true
                safe = false
            default:
                safe = false
            }
        }
        // A leading '-' would read as an option; '=' first or '%' are fine. '~' is not in the safe set.
        if safe && value.first != "-" { return value }
        if control {
            return "$'" + escapedBytes(value) + "'"
        }
        var quoted: [UInt8] = [UInt8(ascii: "'")]
        quoted.reserveCapacity(value.utf8.count + 8)
        for byte in value.utf8 {
            if byte == UInt8(ascii: "'") {
                quoted += [UInt8(ascii: "'"), UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "'")]
            } else {
                quoted.append(byte)
            }
        }
        quoted.append(UInt8(ascii: "'"))
        return String(decoding: quoted, as: UTF8.self)
    }

    private static func escapedBytes(_ value: String) -> String {
        var bytes: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case 0..<0x20, 0x7F, UInt8(ascii: "'"), UInt8(ascii: "\\"):
                bytes += Array("\\x\(hex2(byte))".utf8)
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex2(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// Quotes `value` as a YAML scalar: plain when that cannot change its meaning, else double-quoted with escapes.
    package static func yaml(_ value: String) -> String {
        if isPlainYAMLSafe(value) { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF
                {
                    out +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static let yamlReserved: Set<String> = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    ]

    private static func isPlainYAMLSafe(_ value: String) -> Bool {
        guard let first = value.utf8.first, value.utf8.count <= 200 else { return false }
        if value.utf8.count <= 5, yamlReserved.contains(value.lowercased()) { return false }
        // Must not start with an indicator or a digit-like token that YAML 1.1 would read as a number or date;
        // numbers are fine when they are plain integers (Falco compares text).
        switch first {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "/"),
            UInt8(ascii: "_"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            break
        default:
            return false
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"),
                UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
            // Only plain decimal integers stay bare (e.g. a uid); anything else number-like is quoted.
            return value.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } && value.utf8.count < 19
        }
        return true
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

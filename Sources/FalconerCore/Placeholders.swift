/// Finds `{field}` placeholders in knowledge text; `Template` fills them with an alert's quoted values.
package enum Placeholders {
    /// How a value is quoted where it lands.
    package enum Style: Sendable { case shell, yaml, plain }

    /// The placeholder names in `template`, in order: `{` + a name starting with a letter + `}`. Braces that do not
    /// form a name (jsonpath's `{.spec}`, `{"\n"}`) are left alone.
    package static func names(in template: String) -> [String] {
        var names: [String] = []
        scan(template) { name in
            names.append(name)
            return ""
        }
        return names
    }

    /// The placeholder starting at `index` (`{name}`), with the index after its closing brace.
    static func placeholder(in bytes: [UInt8], at index: Int) -> (String, Int)? {
        guard bytes[index] == UInt8(ascii: "{"), index + 1 < bytes.count, isLetter(bytes[index + 1]) else { return nil }
        var end = index + 1
        var bracket = false
        while end < bytes.count {
            let next = bytes[end]
            // An index (`proc.aname[2]`, `json.value[/protoPayload/methodName]`) may hold any byte but `]`.
            if next == UInt8(ascii: "[") && !bracket {
                bracket = true
            } else if next == UInt8(ascii: "]") && bracket {
                bracket = false
            } else if next == UInt8(ascii: "}") && !bracket {
                break
            } else if !bracket && !isNameByte(next) {
                return nil
            }
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "}") else { return nil }
        return (String(decoding: bytes[(index + 1)..<end], as: UTF8.self), end + 1)
    }

    @discardableResult
    private static func scan(_ template: String, replace: (String) -> String) -> String {
        guard template.utf8.contains(UInt8(ascii: "{")) else { return template }
        let bytes = Array(template.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 32)
        var index = 0
        while index < bytes.count {
            if let (name, end) = placeholder(in: bytes, at: index) {
                out.append(contentsOf: Array(replace(name).utf8))
                index = end
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ".")
    }

    /// Placeholders that stand inside shell quotes in `template` (a knowledge-base mistake: the value brings its own
    /// quoting).
    package static func quotedPlaceholders(in template: String) -> [String] {
        var found: [String] = []
        var quote: Character?
        var index = template.startIndex
        var escaped = false
        while index < template.endIndex {
            let character = template[index]
            if escaped {
                escaped = false
            } else if character == "\\" && quote != "'" {
                escaped = true
            } else if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            }
            if character == "{", quote != nil {
                let rest = template[template.index(after: index)...]
                if let close = rest.firstIndex(of: "}") {
                    let name = String(rest[..<close])
                    if let first = name.first, first.isLetter, names(in: "{\(name)}") == [name] { found.append(name) }
                }
            }
            index = template.index(after: index)
        }
        return found
    }
}

/// Reads Falco rules files (already parsed YAML) into `RuleInfo`s: name, source, desc, priority, tags and the fields
/// the output prints. Lists, macros and engine-version items are skipped.
package enum RulesFileReader {
    /// The rules in one parsed file, in file order; problems are collected, never thrown.
    package static func rules(in documents: [YAMLNode], file: String, diagnostics: inout [Diagnostic]) -> [RuleInfo] {
        var rules: [RuleInfo] = []
        for document in documents {
            if document.isNull { continue }
            guard let items = document.sequence else {
                diagnostics.append(
                    Diagnostic(file: file, line: document.line, message: "a rules file is a YAML list of items"))
                continue
            }
            for item in items {
                guard let name = item["rule"]?.string else { continue }
                let isOverride = item["condition"] == nil && item["output"] == nil
                let output = item["output"]?.string ?? ""
                rules.append(
                    RuleInfo(
                        name: name.trimmingSpaces, source: item["source"]?.string ?? "syscall",
                        description: (item["desc"]?.string ?? "").trimmingSpaces,
                        priority: item["priority"]?.string.flatMap { Priority(parsing: $0.trimmingSpaces) },
                        tags: (item["tags"]?.sequence ?? []).compactMap(\.string),
                        outputFields: outputFields(in: output), output: output.isEmpty ? nil : OutputFormat(output),
                        file: file,
                        line: item.line, isOverride: isOverride))
            }
        }
        return rules
    }

    /// The `%field` references in a Falco output format, in order, without repeats.
    package static func outputFields(in output: String) -> [String] {
        var fields: [String] = []
        let bytes = Array(output.utf8)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "%") else {
                index += 1
                continue
            }
            var end = index + 1
            while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
            if end < bytes.count, bytes[end] == UInt8(ascii: "["),
                let close = bytes[end...].firstIndex(of: UInt8(ascii: "]"))
            {
                end = close + 1
            }
            if end > index + 1 {
                let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                if name.contains("."), !fields.contains(name) { fields.append(name) }
            }
            index = max(end, index + 1)
        }
        return fields
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ".")
    }
}

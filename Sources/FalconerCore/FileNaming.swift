/// Safe file names for reports: built only from `[A-Za-z0-9._-]`, never starting with a dot, bounded in length,
/// and unique through a sequence number, because an attacker controls `time` and `rule`.
package enum FileNaming {
    package static func reportFileName(sequence: Int, time: EventTime?, rule: String, fileExtension: String) -> String {
        let time = time.map { RFC3339.format($0, fraction: true) } ?? "no-time"
        let number = String(sequence)
        let padded = String(repeating: "0", count: max(0, 6 - number.count)) + number
        return
            "\(padded)-\(sanitize(time, limit: 32))-\(sanitize(rule, limit: 60)).\(sanitize(fileExtension, limit: 8))"
    }

    /// Keeps `[A-Za-z0-9._-]`, turns every other run into one `_`, removes leading dots, caps the length.
    package static func sanitize(_ text: String, limit: Int) -> String {
        var out = ""
        var lastWasUnderscore = false
        for scalar in text.unicodeScalars {
            let keep =
                (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || scalar == "-" || scalar == "." || scalar == ":"
            if keep {
                out.unicodeScalars.append(scalar == ":" ? "-" : scalar)
                lastWasUnderscore = false
            } else if !lastWasUnderscore {
                out += "_"
                lastWasUnderscore = true
            }
            if out.count >= limit { break }
        }
        while out.hasPrefix(".") { out.removeFirst() }
        out = out.replacing("..", with: "_")
        return out.isEmpty ? "x" : out
    }
}
